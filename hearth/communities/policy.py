"""Every permission decision about communities and memberships, and nowhere else.

Each decision is written once as ``<verb>_denial(actor, …) -> str | None`` (the reason, or
None when allowed); ``can_<verb>`` and ``ensure_<verb>`` are its two shapes for templates
and for services/views. Every function starts by checking the object is in the actor's
community (tenant first)."""

from __future__ import annotations

from datetime import timedelta

from allauth.core import ratelimit
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hearth.communities.models import (
    ROLE_RANK,
    Community,
    Invite,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Role,
    Visibility,
)
from hearth.core.actor import Actor
from hearth.trust import policy as trust_policy


def _ensure(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDenied(reason)


def _same_community(actor: Actor, obj) -> bool:
    return actor.community is not None and obj.community_id == actor.community.pk


# Starting a community (platform level) ---------------------------------------------------


def create_community_attempt_denial(user, request) -> str | None:
    """Anti-spam limits on starting communities from the wizard; counts the attempt against
    the client address when it is allowed.

    Per account, ``HEARTH_COMMUNITIES_PER_HOUR`` and ``HEARTH_COMMUNITIES_PER_DAY``,
    counted from the communities themselves (exact across app processes). Per client
    address, ``ACCOUNT_RATE_LIMITS["community_create"]`` attempts, counted atomically in
    the shared cache, which also stops a burst of simultaneous submissions. Platform staff
    are exempt; the ``hearth community create`` command does not ask."""
    if user.is_staff:
        return None
    now = timezone.now()
    started = list(
        Community.objects.filter(
            created_by=user, created_at__gte=now - timedelta(days=1)
        ).values_list("created_at", flat=True)
    )
    per_day = settings.HEARTH_COMMUNITIES_PER_DAY
    if len(started) >= per_day:
        return _(
            "You can start %(n)s communities a day, and you have reached that. Try again tomorrow."
        ) % {"n": per_day}
    per_hour = settings.HEARTH_COMMUNITIES_PER_HOUR
    if sum(1 for created_at in started if created_at >= now - timedelta(hours=1)) >= per_hour:
        return _(
            "You can start %(n)s communities an hour, and you have reached that. "
            "Try again in an hour."
        ) % {"n": per_hour}
    if not ratelimit.consume(request, action="community_create"):
        return _(
            "Too many communities have been started from your network today. Try again tomorrow."
        )
    return None


# Seeing a community ----------------------------------------------------------------------


def can_view_community(actor: Actor, community: Community) -> bool:
    """Public communities are open to all; private ones only to people with standing in them
    (including pending applicants and banned members, who are told their status)."""
    if community.visibility == Visibility.PUBLIC or actor.is_platform_staff:
        return True
    return (
        actor.membership is not None
        and actor.membership.community_id == community.pk
        and actor.membership.status != MembershipStatus.LEFT
        and actor.membership.status != MembershipStatus.DECLINED
    )


def sees_inside(actor: Actor, community: Community) -> bool:
    """Whether the actor sees what is inside the community (its content and its members):
    anyone who may view a public one; in a private one its members in good standing and
    platform staff only. Pending applicants, banned and suspended members may open a
    private community to be told where they stand, and see nothing more."""
    if not can_view_community(actor, community):
        return False
    return community.visibility == Visibility.PUBLIC or actor.is_member or actor.is_platform_staff


def visible_communities(actor: Actor) -> QuerySet[Community]:
    """Communities listed on the platform home: public ones, and private ones the actor is
    an active member of."""
    public = Q(visibility=Visibility.PUBLIC)
    if actor.user is None:
        return Community.objects.filter(public)
    mine = Membership.objects.filter(user=actor.user, status=MembershipStatus.ACTIVE)
    return Community.objects.filter(public | Q(pk__in=mine.values("community_id")))


# Joining and leaving ----------------------------------------------------------------------


def join_denial(actor: Actor, community: Community, invite: Invite | None = None) -> str | None:
    if actor.user is None:
        return _("Sign in or create an account to join.")
    membership = actor.membership
    if membership is not None and membership.community_id == community.pk:
        if membership.is_banned:
            return _("You were removed from this community and cannot rejoin.")
        if membership.status == MembershipStatus.SUSPENDED:
            return _("Your membership is suspended.")
        if membership.status == MembershipStatus.ACTIVE:
            return _("You are already a member of this community.")
        if membership.status == MembershipStatus.PENDING:
            return _("Your request to join is waiting for review.")
    has_invite = invite is not None and invite.community_id == community.pk and invite.is_usable
    if invite is not None and not has_invite:
        return _("That invite code is not valid, has expired or has been used up.")
    if community.join_policy == JoinPolicy.INVITE and not has_invite:
        return _("This community is invite only: you need a valid invite code to join.")
    if community.visibility == Visibility.PRIVATE and not has_invite:
        return _("This community is private: you need a valid invite code to join.")
    return None


def can_join(actor: Actor, community: Community, invite: Invite | None = None) -> bool:
    return join_denial(actor, community, invite) is None


def ensure_join(actor: Actor, community: Community, invite: Invite | None = None) -> None:
    _ensure(join_denial(actor, community, invite))


def joins_without_review(community: Community, invite: Invite | None) -> bool:
    """A valid invite admits directly; otherwise only open communities do."""
    return invite is not None or community.join_policy == JoinPolicy.OPEN


def _is_last_owner(membership: Membership) -> bool:
    if membership.role != Role.OWNER:
        return False
    return not (
        Membership.objects.filter(
            community_id=membership.community_id, role=Role.OWNER, status=MembershipStatus.ACTIVE
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def leave_denial(actor: Actor) -> str | None:
    if not actor.is_member:
        return _("You are not a member of this community.")
    if _is_last_owner(actor.membership):
        return _("You are the only owner. Make someone else an owner before you leave.")
    return None


def can_leave(actor: Actor) -> bool:
    return leave_denial(actor) is None


def ensure_leave(actor: Actor) -> None:
    _ensure(leave_denial(actor))


def accept_rules_denial(actor: Actor) -> str | None:
    if not actor.is_member:
        return _("Only members accept the rules; join the community instead.")
    return None


def ensure_accept_rules(actor: Actor) -> None:
    _ensure(accept_rules_denial(actor))


def _until(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def sanction_denial(actor: Actor) -> str | None:
    """A current suspension or silence (each ends by itself when its time passes)."""
    if actor.is_suspended:
        return _("Your membership is suspended until %(end)s. Your sanction page says why.") % {
            "end": _until(actor.membership.suspended_until)
        }
    if actor.is_silenced:
        return _(
            "You are silenced until %(end)s: you can read but not post, react, message or "
            "flag. Your sanction page says why."
        ) % {"end": _until(actor.membership.silenced_until)}
    return None


def participate_denial(actor: Actor) -> str | None:
    """Posting, replying, reacting, voting, messaging and flagging (used by the features
    built on this one): the one place a silence or suspension is enforced."""
    if actor.is_banned:
        return _("You were removed from this community.")
    if (reason := sanction_denial(actor)) is not None:
        return reason
    if not actor.is_member:
        return _("Join this community to take part.")
    if actor.needs_rules_acceptance:
        return _("The rules have changed. Read and accept them to keep posting.")
    return None


def can_participate(actor: Actor) -> bool:
    return participate_denial(actor) is None


# Staff ----------------------------------------------------------------------------------


def _admin_denial(actor: Actor) -> str | None:
    if not actor.is_admin:
        return _("Only the community's owners and admins can do that.")
    return None


def can_manage_community(actor: Actor) -> bool:
    """Edit settings, rules, join questions and invites."""
    return _admin_denial(actor) is None


def ensure_manage_community(actor: Actor) -> None:
    _ensure(_admin_denial(actor))


def create_invite_denial(actor: Actor) -> str | None:
    """Admins; other staff and members from trust level 2 (their own invites, smaller)."""
    if actor.is_admin:
        return None
    if (reason := participate_denial(actor)) is not None:
        return reason
    if not trust_policy.can_send_invites(actor):
        return _(
            "Members can invite people once they reach trust level 2, if the community allows it."
        )
    return None


def can_create_invite(actor: Actor) -> bool:
    return create_invite_denial(actor) is None


def ensure_create_invite(actor: Actor) -> None:
    _ensure(create_invite_denial(actor))


def revoke_invite_denial(actor: Actor, invite: Invite) -> str | None:
    if not _same_community(actor, invite):
        return _("That invite belongs to another community.")
    if actor.is_admin or (actor.user is not None and invite.created_by_id == actor.user.pk):
        return None
    return _("You can only revoke your own invites.")


def can_revoke_invite(actor: Actor, invite: Invite) -> bool:
    return revoke_invite_denial(actor, invite) is None


def ensure_revoke_invite(actor: Actor, invite: Invite) -> None:
    _ensure(revoke_invite_denial(actor, invite))


def review_request_denial(actor: Actor, membership: Membership) -> str | None:
    if not _same_community(actor, membership):
        return _("That request belongs to another community.")
    if (reason := _admin_denial(actor)) is not None:
        return reason
    if membership.status != MembershipStatus.PENDING:
        return _("That request has already been handled.")
    return None


def can_review_requests(actor: Actor) -> bool:
    return _admin_denial(actor) is None


def ensure_review_request(actor: Actor, membership: Membership) -> None:
    _ensure(review_request_denial(actor, membership))


def change_role_denial(actor: Actor, membership: Membership, new_role: str) -> str | None:
    if not _same_community(actor, membership):
        return _("That member belongs to another community.")
    if (reason := _admin_denial(actor)) is not None:
        return reason
    if new_role not in Role.values:
        return _("Unknown role.")
    if not membership.is_active:
        return _("Only active members can be given a role.")
    if not actor.is_owner:
        if membership.rank >= ROLE_RANK[Role.ADMIN]:
            return _("Only owners can change the role of an owner or admin.")
        if ROLE_RANK[Role(new_role)] >= ROLE_RANK[Role.ADMIN]:
            return _("Only owners can make someone an owner or admin.")
    if new_role != Role.OWNER and _is_last_owner(membership):
        return _("A community needs at least one owner. Make someone else an owner first.")
    return None


def can_change_role(actor: Actor, membership: Membership, new_role: str) -> bool:
    return change_role_denial(actor, membership, new_role) is None


def ensure_change_role(actor: Actor, membership: Membership, new_role: str) -> None:
    _ensure(change_role_denial(actor, membership, new_role))


def change_analytics_access_denial(actor: Actor, membership: Membership) -> str | None:
    """The analytics permission (``Membership.analytics_access``: the business figures and
    the customer data) is the owners' to give, and only to moderators: owners and admins
    have it already."""
    if not _same_community(actor, membership):
        return _("That member belongs to another community.")
    if not (actor.is_member and actor.is_owner):
        return _("Only owners can give or take the analytics permission.")
    if not membership.is_active or membership.role != Role.MODERATOR:
        return _("Only moderators are given the analytics permission: owners and admins have it.")
    return None


def can_change_analytics_access(actor: Actor, membership: Membership) -> bool:
    return change_analytics_access_denial(actor, membership) is None


def ensure_change_analytics_access(actor: Actor, membership: Membership) -> None:
    _ensure(change_analytics_access_denial(actor, membership))


def ban_denial(actor: Actor, membership: Membership) -> str | None:
    if not _same_community(actor, membership):
        return _("That member belongs to another community.")
    if not actor.is_staff:
        return _("Only staff can remove members.")
    if actor.membership.pk == membership.pk:
        return _("You cannot remove yourself; leave the community instead.")
    if membership.is_banned:
        return _("That member has already been removed.")
    if membership.status == MembershipStatus.ACTIVE and membership.rank >= actor.rank:
        return _("You can only remove members whose role is below yours.")
    return None


def can_ban(actor: Actor, membership: Membership) -> bool:
    return ban_denial(actor, membership) is None


def ensure_ban(actor: Actor, membership: Membership) -> None:
    _ensure(ban_denial(actor, membership))


def unban_denial(actor: Actor, membership: Membership) -> str | None:
    if not _same_community(actor, membership):
        return _("That member belongs to another community.")
    if (reason := _admin_denial(actor)) is not None:
        return reason
    if not membership.is_banned:
        return _("That member is not banned.")
    return None


def can_unban(actor: Actor, membership: Membership) -> bool:
    return unban_denial(actor, membership) is None


def ensure_unban(actor: Actor, membership: Membership) -> None:
    _ensure(unban_denial(actor, membership))


def can_view_staff_log(actor: Actor) -> bool:
    return actor.is_staff


def ensure_view_staff_log(actor: Actor) -> None:
    _ensure(None if actor.is_staff else _("Only staff can read the staff action log."))


def can_view_staff_pages(actor: Actor) -> bool:
    return actor.is_staff


def ensure_view_staff_pages(actor: Actor) -> None:
    _ensure(None if actor.is_staff else _("Only staff can open this page."))


def can_view_profile(actor: Actor, membership: Membership) -> bool:
    """A member's profile in a community is shown while they are an active member there, or
    to that community's staff (who see banned and past members too)."""
    if not _same_community(actor, membership):
        return False
    is_self = actor.user is not None and actor.user.pk == membership.user_id
    if not (is_self or sees_inside(actor, actor.community)):
        return False
    return membership.is_active or actor.is_staff
