"""Community-scoped reads. Every function takes the community (or the actor) first and
returns querysets with what their templates show already joined, so lists cost a constant
number of queries."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from hearth.communities import policy
from hearth.communities.models import (
    STAFF_ROLES,
    Community,
    Invite,
    JoinQuestion,
    Membership,
    MembershipStatus,
    Role,
    RulesVersion,
    StaffAction,
)
from hearth.core.actor import Actor

_ROLE_ORDER = Case(
    When(role=Role.OWNER, then=Value(0)),
    When(role=Role.ADMIN, then=Value(1)),
    When(role=Role.MODERATOR, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def current_rules(community: Community) -> RulesVersion | None:
    return RulesVersion.objects.filter(community=community, version=community.rules_version).first()


def join_questions(community: Community) -> list[JoinQuestion]:
    return list(JoinQuestion.objects.filter(community=community))


def active_members(community: Community) -> QuerySet[Membership]:
    members = Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
    return members.select_related("user").order_by(_ROLE_ORDER, "-joined_at", "-id")


def staff_members(community: Community) -> QuerySet[Membership]:
    # role__in (not exclude) so the (community, status, role) index serves it.
    return active_members(community).filter(role__in=STAFF_ROLES)


def newest_members(community: Community, limit: int = 12) -> list[Membership]:
    from hearth.members.policy import unlisted_user_ids

    return list(
        Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
        .exclude(user_id__in=unlisted_user_ids(community))
        .select_related("user")
        .order_by("-joined_at", "-id")[:limit]
    )


def members_for_staff(
    community: Community, *, status: str, query: str = ""
) -> QuerySet[Membership]:
    members = Membership.objects.filter(community=community, status=status)
    if query:
        members = members.filter(
            Q(user__username__icontains=query)
            | Q(user__display_name__icontains=query)
            | Q(user__email__iexact=query)
        )
    return members.select_related("user").order_by(_ROLE_ORDER, "-updated_at", "-id")


def pending_requests(community: Community) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(community=community, status=MembershipStatus.PENDING)
        .select_related("user")
        .order_by("requested_at", "id")
    )


def pending_request_count(community: Community) -> int:
    return Membership.objects.filter(community=community, status=MembershipStatus.PENDING).count()


def membership_for(actor: Actor, membership_id: int) -> Membership:
    """A membership of the actor's community, or 404 (never another community's)."""
    membership = (
        Membership.objects.filter(community=actor.community, pk=membership_id)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def invites(community: Community) -> QuerySet[Invite]:
    return (
        Invite.objects.filter(community=community)
        .select_related("created_by")
        .order_by("-created_at")
    )


def invite_for(actor: Actor, invite_id: int) -> Invite:
    invite = Invite.objects.filter(community=actor.community, pk=invite_id).first()
    if invite is None:
        raise Http404
    return invite


def invite_by_code(community: Community, code: str) -> Invite | None:
    code = (code or "").strip()
    if not code:
        return None
    return Invite.objects.filter(community=community, code=code).first()


def staff_log(community: Community) -> QuerySet[StaffAction]:
    return StaffAction.objects.filter(community=community).select_related("actor", "target_user")


def communities_for_home(actor: Actor) -> QuerySet[Community]:
    return policy.visible_communities(actor).order_by("-member_count", "name")


def memberships_of(user) -> dict[int, Membership]:
    """The user's memberships keyed by community id (one query, for per-row flags)."""
    if user is None:
        return {}
    return {m.community_id: m for m in Membership.objects.filter(user=user)}
