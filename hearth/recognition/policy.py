"""Permission decisions for badges, reputation weights, the spotlight and featured content.

Admins (owners and admins) define and grant manual badges and set reputation weights; all
staff (moderators too) choose the spotlight and what is featured on the home page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from hearth.communities.models import Membership
from hearth.core.actor import Actor
from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import Post, Topic
from hearth.recognition.models import Badge


def _ensure(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDenied(reason)


def _in_community(actor: Actor, obj) -> bool:
    return actor.community is not None and obj.community_id == actor.community.pk


def manage_badges_denial(actor: Actor) -> str | None:
    """Define manual badges and grant them."""
    if not actor.is_admin:
        return _("Only the community's owners and admins can define and grant badges.")
    return None


def can_manage_badges(actor: Actor) -> bool:
    return manage_badges_denial(actor) is None


def ensure_manage_badges(actor: Actor) -> None:
    _ensure(manage_badges_denial(actor))


def grant_badge_denial(actor: Actor, badge: Badge) -> str | None:
    if not _in_community(actor, badge):
        return _("That badge belongs to another community.")
    if (reason := manage_badges_denial(actor)) is not None:
        return reason
    if badge.is_automatic:
        return _("Automatic badges are earned, not granted.")
    return None


def can_grant_badge(actor: Actor, badge: Badge) -> bool:
    return grant_badge_denial(actor, badge) is None


def ensure_grant_badge(actor: Actor, badge: Badge) -> None:
    _ensure(grant_badge_denial(actor, badge))


def can_manage_reputation(actor: Actor) -> bool:
    return actor.is_admin


def ensure_manage_reputation(actor: Actor) -> None:
    _ensure(
        None if actor.is_admin else _("Only the community's owners and admins can set weights.")
    )


def manage_highlights_denial(actor: Actor) -> str | None:
    """Choose the member spotlight and featured content."""
    if not actor.is_staff:
        return _("Only staff can choose the spotlight and featured content.")
    return None


def can_manage_highlights(actor: Actor) -> bool:
    return manage_highlights_denial(actor) is None


def ensure_manage_highlights(actor: Actor) -> None:
    _ensure(manage_highlights_denial(actor))


def spotlight_denial(actor: Actor, membership: Membership) -> str | None:
    if not _in_community(actor, membership):
        return _("That person is not a member of this community.")
    if (reason := manage_highlights_denial(actor)) is not None:
        return reason
    if not membership.is_active:
        return _("Only active members can be put in the spotlight.")
    return None


def ensure_spotlight(actor: Actor, membership: Membership) -> None:
    _ensure(spotlight_denial(actor, membership))


def readable_by_every_visitor(topic: Topic) -> bool:
    """Whether anyone who can open the community home may read the topic: its category is
    open at the level the policy gives a signed-out visitor, and it is not deleted."""
    return discussion_policy.readable_by_every_visitor(topic.category) and topic.deleted_at is None


def feature_denial(actor: Actor, topic: Topic, post: Post | None = None) -> str | None:
    if not _in_community(actor, topic):
        return _("That topic belongs to another community.")
    if (reason := manage_highlights_denial(actor)) is not None:
        return reason
    if post is not None and (post.topic_id != topic.pk or post.is_deleted):
        return _("That post is not in this topic, or was deleted.")
    if topic.merged_into_id is not None or not readable_by_every_visitor(topic):
        return _(
            "Only content everyone can read may be featured on the home page; this topic is "
            "in a members-only or staff-only category, or was deleted."
        )
    return None


def ensure_feature(actor: Actor, topic: Topic, post: Post | None = None) -> None:
    _ensure(feature_denial(actor, topic, post))
