"""Every permission decision about welcoming newcomers: who edits the welcome and checklist,
who sees the newcomer panel, who may open the welcome queue and greet from it."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities import policy as community_policy
from hearth.communities.models import Membership
from hearth.core.actor import Actor
from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import Category, PostAccess, Topic

# How long after joining a member counts as a newcomer on the community home.
NEWCOMER_DAYS = 30
# Levels every member can read: a checklist may only point newcomers at these.


def _ensure(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDenied(reason)


def _in_community(actor: Actor, obj) -> bool:
    return actor.community is not None and obj.community_id == actor.community.pk


# Staff settings ------------------------------------------------------------------------


def manage_onboarding_denial(actor: Actor) -> str | None:
    if not community_policy.can_manage_community(actor):
        return _("Only the community's owners and admins can change the welcome and checklist.")
    return None


def can_manage_onboarding(actor: Actor) -> bool:
    return manage_onboarding_denial(actor) is None


def ensure_manage_onboarding(actor: Actor) -> None:
    _ensure(manage_onboarding_denial(actor))


def sender_denial(actor: Actor, membership: Membership | None) -> str | None:
    """The welcome message may come from an active staff member of this community."""
    if membership is None or not _in_community(actor, membership) or not membership.is_staff:
        return _("Choose a staff member of this community to send the welcome.")
    return None


def guide_topic_denial(actor: Actor, topic: Topic | None) -> str | None:
    """A guide must be a live topic of this community that every member can read."""
    if (
        topic is None
        or not _in_community(actor, topic)
        or topic.deleted_at is not None
        or not discussion_policy.readable_by_every_member(topic.category)
    ):
        return _("Choose a topic of this community that every member can read.")
    return None


def introductions_denial(actor: Actor, category: Category | None) -> str | None:
    if (
        category is None
        or not _in_community(actor, category)
        or not discussion_policy.readable_by_every_member(category)
        or category.post_access != PostAccess.MEMBERS
    ):
        return _(
            "This community has no Introductions category open to every member: "
            "create one with the URL slug “introductions” first."
        )
    return None


# Newcomers -----------------------------------------------------------------------------


def is_newcomer(actor: Actor) -> bool:
    """An active, non-staff member who joined in the last NEWCOMER_DAYS days."""
    if not actor.is_member or actor.is_staff:
        return False
    membership = actor.membership
    joined = membership.joined_at or membership.requested_at
    return joined >= timezone.now() - timedelta(days=NEWCOMER_DAYS)


def can_follow_checklist(actor: Actor) -> bool:
    """Checklist progress is kept for active members."""
    return actor.is_member


def dismiss_welcome_denial(actor: Actor) -> str | None:
    if not actor.is_member:
        return _("Join this community first.")
    return None


def ensure_dismiss_welcome(actor: Actor) -> None:
    _ensure(dismiss_welcome_denial(actor))


# The welcome queue ---------------------------------------------------------------------


def can_open_welcome_queue(actor: Actor) -> bool:
    """Active members may open the page (to read about it and opt in); others get a 404."""
    return actor.is_member


def can_see_welcome_queue(actor: Actor, *, is_welcomer: bool) -> bool:
    """Staff always see the queue; other members once they opted in as welcomers."""
    return actor.is_member and (actor.is_staff or is_welcomer)


def become_welcomer_denial(actor: Actor) -> str | None:
    if not actor.is_member:
        return _("Join this community to welcome newcomers.")
    return None


def can_become_welcomer(actor: Actor) -> bool:
    return become_welcomer_denial(actor) is None


def ensure_become_welcomer(actor: Actor) -> None:
    _ensure(become_welcomer_denial(actor))
