"""Community-scoped reads. Every function takes the community (or the actor) first and
returns querysets with what their templates show already joined, so lists cost a constant
number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

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


_LIST_ITEM = re.compile(r"^\s{0,3}(?:\d{1,3}[.)]|[-*+])\s+(.+)$")
_LEADING_BOLD = re.compile(r"^(\*\*|__)(.+?)\1")
_MARKUP = re.compile(r"[*_`~]|!?\[([^\]]*)\]\([^)]*\)")


def _plain(markdown: str) -> str:
    return " ".join(_MARKUP.sub(lambda m: m.group(1) or "", markdown).split())


def rules_headlines(rules: RulesVersion | None) -> list[str]:
    """The rules as short lines for the home's rules card: each list item's bold lead
    ("**Be kind.** Disagree with ideas…" gives "Be kind"), else the whole item as plain
    text. Rules written without a list give no lines (the card links to the page)."""
    if rules is None:
        return []
    headlines = []
    for line in rules.text.splitlines():
        item = _LIST_ITEM.match(line)
        if item is None:
            continue
        text = item.group(1).strip()
        bold = _LEADING_BOLD.match(text)
        headline = _plain(bold.group(2) if bold else text).rstrip(" .:;")
        if headline:
            headlines.append(headline)
    return headlines


def member_count(community: Community) -> int:
    """How many members the community has: active memberships, staff included; pending,
    suspended, banned and departed ones not (the counter the membership services keep).
    The one number the home, the listing and the directory show."""
    return community.member_count


def join_questions(community: Community) -> list[JoinQuestion]:
    return list(JoinQuestion.objects.filter(community=community))


def active_members(community: Community) -> QuerySet[Membership]:
    members = Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
    return members.select_related("user").order_by(_ROLE_ORDER, "-joined_at", "-id")


def electorate(
    community: Community, *, min_trust_level: int, min_member_days: int, at
) -> QuerySet[Membership]:
    """Who may vote in a community vote opened at ``at``: active members at or above
    ``min_trust_level`` who had been members for ``min_member_days`` by then, neither
    suspended nor banned. Votes fix this list when they open (joining or gaining trust
    later does not count); ``can_cast_vote`` decides again when a ballot is cast."""
    members = Membership.objects.filter(
        community=community,
        status=MembershipStatus.ACTIVE,
        trust_level__gte=min_trust_level,
        joined_at__lte=at - timedelta(days=min_member_days),
    )
    return members.exclude(suspended_until__gt=at)


def can_cast_vote(membership: Membership | None) -> bool:
    """A member on a vote's electorate may cast a ballot now: still active, not suspended
    and not banned (silenced members still vote: a silence stops posting, not voting)."""
    return (
        membership is not None
        and membership.is_active
        and not membership.is_suspended
        and not membership.is_banned
    )


def staff_members(community: Community) -> QuerySet[Membership]:
    # role__in (not exclude) so the (community, status, role) index serves it.
    return active_members(community).filter(role__in=STAFF_ROLES)


def newest_members(
    community: Community, limit: int = 12, *, actor: Actor | None = None
) -> list[Membership]:
    """The latest active members who let themselves be listed (to ``actor``: a visitor
    does not see those who hid from non-members)."""
    from hearth.members.models import MemberProfile
    from hearth.members.policy import sees_members_only_profiles, unlisted_user_ids

    members = Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
    members = members.exclude(user_id__in=unlisted_user_ids(community))
    if actor is not None and not sees_members_only_profiles(actor):
        members = members.exclude(
            user_id__in=MemberProfile.objects.filter(
                community=community, hide_from_non_members=True
            ).values("user_id")
        )
    return list(members.select_related("user").order_by("-joined_at", "-id")[:limit])


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


def membership_by_username(actor: Actor, username: str) -> Membership:
    """A membership of the actor's community (any status) by username, or 404."""
    membership = None
    if "\x00" not in username:  # PostgreSQL refuses NUL in a text comparison
        membership = (
            Membership.objects.filter(community=actor.community, user__username=username)
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
