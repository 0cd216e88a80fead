"""Who sees what of the way in: the landing page and the campaign tools."""

from __future__ import annotations

from enum import Enum

from hearth.communities import policy as community_policy
from hearth.communities.models import Community, Invite
from hearth.core.actor import Actor


class Landing(Enum):
    FULL = "full"  # name, brand, rules, member count, recent public topics
    BRAND_ONLY = "brand"  # a private community's invite: name, logo and tagline only
    INVALID_INVITE = "invalid"  # a clear "this link no longer works" page; nothing joins
    HIDDEN = "hidden"  # 404: absent and forbidden look alike


def landing(actor: Actor, community: Community, invite: Invite | None, code: str) -> Landing:
    """What the landing page may show for an invite ``code`` (possibly empty) that resolved
    to ``invite`` in this community (None when unknown here: deleted, mistyped or another
    community's)."""
    visible = community_policy.can_view_community(actor, community)
    if code:
        if invite is None or invite.community_id != community.pk or not invite.is_usable:
            return Landing.INVALID_INVITE
        return Landing.FULL if visible else Landing.BRAND_ONLY
    return Landing.FULL if visible else Landing.HIDDEN


def invalid_invite_shows_community(actor: Actor, community: Community) -> bool:
    """A dead link to a private community names nothing the visitor could not see."""
    return community_policy.can_view_community(actor, community)


def can_manage_growth(actor: Actor) -> bool:
    """Campaign links, their funnel and bulk invites: the owner and admins."""
    return community_policy.can_manage_community(actor)


def ensure_manage_growth(actor: Actor) -> None:
    community_policy.ensure_manage_community(actor)
