"""What each trust level unlocks, and who manages levels. The other apps' policies ask
these functions (discussions: uploads, post content, retitling, topic tools; communities:
invites; conversations: the daily caps), so pages, API and services decide alike.

Staff (owner, admin, moderator) are never limited by trust."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hearth.core.actor import Actor
from hearth.trust.models import TrustSettings

if TYPE_CHECKING:
    from hearth.communities.models import Membership

NEW, BASIC, MEMBER, REGULAR, LEADER = range(5)
LEVELS = (NEW, BASIC, MEMBER, REGULAR, LEADER)
INVITE_LEVEL = MEMBER
EDIT_TOPIC_DETAILS_LEVEL = REGULAR  # retitle and recategorise any topic
MODERATE_TOPIC_LEVEL = LEADER  # pin, close, archive, move, merge and split


def _ensure(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDenied(reason)


def level_of(actor: Actor) -> int:
    return actor.membership.trust_level if actor.is_member else NEW


def has_level(actor: Actor, level: int) -> bool:
    """An active member at ``level`` or above; staff count as every level."""
    return actor.is_member and (actor.is_staff or level_of(actor) >= level)


def trust_applies_to(membership: Membership) -> bool:
    """Whether trust levels limit this member: staff are never limited, so their pages show
    their role instead of a level."""
    return not membership.is_staff


def is_new_member(actor: Actor) -> bool:
    """A level-0 member, to whom the new-member limits apply."""
    return actor.is_member and not actor.is_staff and level_of(actor) == NEW


def upload_denial(actor: Actor) -> str | None:
    if is_new_member(actor):
        return _(
            "New members cannot attach files yet. Take part for a little while (read a few "
            "topics) and you can."
        )
    return None


def can_upload(actor: Actor) -> bool:
    return upload_denial(actor) is None


def post_content_denial(actor: Actor, *, links: int, images: int, mentions: int) -> str | None:
    """The per-post limits on a new member's links, images and mentions."""
    if not is_new_member(actor):
        return None
    limits = TrustSettings.for_community(actor.community)
    for count, limit, message in (
        (links, limits.new_max_links, _too_many_links),
        (images, limits.new_max_images, _too_many_images),
        (mentions, limits.new_max_mentions, _too_many_mentions),
    ):
        if count > limit:
            return message(limit)
    return None


def _too_many_links(n: int) -> str:
    if n == 0:
        return _("New members cannot post links yet.")
    return ngettext(
        "New members can put at most %(n)d link in a post.",
        "New members can put at most %(n)d links in a post.",
        n,
    ) % {"n": n}


def _too_many_images(n: int) -> str:
    if n == 0:
        return _("New members cannot post images yet.")
    return ngettext(
        "New members can put at most %(n)d image in a post.",
        "New members can put at most %(n)d images in a post.",
        n,
    ) % {"n": n}


def _too_many_mentions(n: int) -> str:
    if n == 0:
        return _("New members cannot mention people yet.")
    return ngettext(
        "New members can mention at most %(n)d person in a post.",
        "New members can mention at most %(n)d people in a post.",
        n,
    ) % {"n": n}


def can_send_invites(actor: Actor) -> bool:
    """Staff, and members from level 2 where the community lets members invite."""
    if not has_level(actor, INVITE_LEVEL):
        return False
    return actor.is_staff or TrustSettings.for_community(actor.community).members_may_invite


def can_edit_topic_details(actor: Actor) -> bool:
    return has_level(actor, EDIT_TOPIC_DETAILS_LEVEL)


def can_moderate_topics(actor: Actor) -> bool:
    return has_level(actor, MODERATE_TOPIC_LEVEL)


# Managing levels ------------------------------------------------------------------------


def edit_settings_denial(actor: Actor) -> str | None:
    if not actor.is_admin:
        return _("Only the community's owners and admins can change the trust thresholds.")
    return None


def can_edit_settings(actor: Actor) -> bool:
    return edit_settings_denial(actor) is None


def ensure_edit_settings(actor: Actor) -> None:
    _ensure(edit_settings_denial(actor))


def _same_community(actor: Actor, membership: Membership) -> bool:
    return actor.community is not None and membership.community_id == actor.community.pk


def can_view_progress(actor: Actor, membership: Membership) -> bool:
    """A member's level and what the next one needs: themself and staff only."""
    if not _same_community(actor, membership) or actor.user is None:
        return False
    return actor.user.pk == membership.user_id or actor.is_staff


def set_level_denial(actor: Actor, membership: Membership, level: int | None = None) -> str | None:
    if not _same_community(actor, membership):
        return _("That member belongs to another community.")
    if not actor.is_staff:
        return _("Only staff can set trust levels.")
    if actor.user.pk == membership.user_id:
        return _("Ask another staff member to change your own trust level.")
    if not membership.is_active:
        return _("Only active members have a trust level to change.")
    if level is not None and level not in LEVELS:
        return _("Choose a trust level from 0 to 4.")
    return None


def can_set_level(actor: Actor, membership: Membership) -> bool:
    return set_level_denial(actor, membership) is None


def ensure_set_level(actor: Actor, membership: Membership, level: int | None = None) -> None:
    _ensure(set_level_denial(actor, membership, level))
