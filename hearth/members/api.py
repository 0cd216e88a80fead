"""``/api/v1/communities/{slug}/members…``: the directory, a member's profile, and the
staff's changes to a member's role and trust level.

The directory lists whom the directory page lists to the caller (``policy.listed_profiles``
through ``directory.directory``: hidden members are not there), with the page's filters.
Who may open a profile is the members policy's (``selectors.profile_for``): hidden and
absent profiles look alike (404), exactly as on the pages, and answers to staff-only
profile questions are shown to staff and to the member themself. A member's role, trust
level and current sanctions are shown only to the community's staff, and to a key only
with the ``moderate`` scope; everyone else gets ``staff: null``.

Role and trust changes need the ``moderate`` scope and go through the services the staff
pages call (``membership_set_role``, ``trust_level_set``), whose policies decide: any
staff member sets trust levels, only owners and admins change roles, and only owners make
or unmake owners and admins."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from hearth.api.access import community_actor, has_scope, staff_only
from hearth.api.auth import API_AUTH
from hearth.api.cursor import CursorQuery, page
from hearth.api.models import Scope
from hearth.api.schemas import READ_ERRORS, WRITE_ERRORS, Text, errors
from hearth.communities import selectors as community_selectors
from hearth.communities import services as community_services
from hearth.communities.models import Membership, Role
from hearth.core.actor import Actor
from hearth.discussions.api import Strict
from hearth.members import directory, policy, selectors
from hearth.members.models import MemberProfile
from hearth.moderation import selectors as moderation_selectors
from hearth.trust import selectors as trust_selectors
from hearth.trust import services as trust_services

router = Router(tags=["members"], auth=API_AUTH)

USERNAME = Path(..., min_length=1, max_length=150)


class LinkOut(Schema):
    url: str
    label: str


class AnswerOut(Schema):
    question: str
    values: list[str]


class SanctionOut(Schema):
    id: int
    kind: str
    reason: str
    starts_at: datetime
    ends_at: datetime | None


class StaffDetailsOut(Schema):
    role: str
    status: str
    trust_level: int
    silenced_until: datetime | None
    suspended_until: datetime | None
    banned_until: datetime | None
    trust_locked: bool = Field(
        False, description="Automatic promotion and demotion leave the trust level alone."
    )
    sanctions: list[SanctionOut] = Field(..., description="Sanctions in force now.")


class MemberStaffOut(StaffDetailsOut):
    username: str


class ProfileOut(Schema):
    username: str
    name: str
    bio: str
    bio_html: str
    location: str
    links: list[LinkOut]
    interests: list[str]
    answers: list[AnswerOut]
    joined_at: datetime | None
    helped_count: int = Field(..., description="Members whose question they answered.")
    follower_count: int
    staff: StaffDetailsOut | None = Field(
        None, description="Role, trust and sanctions: staff only (a key: `moderate` scope)."
    )


def sees_staff_details(request, actor: Actor) -> bool:
    return actor.is_staff and has_scope(request, Scope.MODERATE)


def _staff_details(membership: Membership, schema=StaffDetailsOut, **extra) -> StaffDetailsOut:
    sanctions = moderation_selectors.current_sanctions(membership.community).filter(
        user_id=membership.user_id
    )
    return schema(
        **extra,
        role=membership.role,
        status=membership.status,
        trust_level=membership.trust_level,
        silenced_until=membership.silenced_until,
        suspended_until=membership.suspended_until,
        banned_until=membership.banned_until,
        trust_locked=trust_selectors.is_locked(membership),
        sanctions=[
            SanctionOut(
                id=s.pk, kind=s.kind, reason=s.reason, starts_at=s.starts_at, ends_at=s.ends_at
            )
            for s in sanctions
        ],
    )


@router.get("/{slug}/members/{username}", response={200: ProfileOut, **errors(*READ_ERRORS)})
def member_profile(request, slug: str, username: str = USERNAME):
    """A member's profile as the profile page shows it to the caller."""
    _community, actor = community_actor(request, slug)
    profile = selectors.profile_for(actor, username)
    user, membership = profile.user, profile.membership
    is_self = actor.user is not None and actor.user.pk == membership.user_id
    answers = selectors.profile_answers(
        profile, include_staff_only=is_self or policy.can_view_staff_answers(actor)
    )
    return ProfileOut(
        username=user.username,
        name=user.name,
        bio=profile.bio,
        bio_html=profile.bio_html,
        location=profile.location,
        links=selectors.profile_links(profile),
        interests=[interest.name for interest in selectors.profile_interests(profile)],
        answers=[AnswerOut(question=a.question.text, values=a.values) for a in answers],
        joined_at=membership.joined_at,
        helped_count=selectors.helped_members(profile),
        follower_count=selectors.follower_count(profile),
        staff=_staff_details(profile.membership) if sees_staff_details(request, actor) else None,
    )


# The directory ---------------------------------------------------------------------------

DirectoryShow = Literal[directory.SHOWS]  # type: ignore[valid-type]
DirectorySort = Literal[directory.SORTS]  # type: ignore[valid-type]

# What the API says of a filter the directory cannot apply (the page drops it instead).
DROPPED = {
    "interest": lambda: _("No member lists that interest."),
    "answer": lambda: _(
        "Not a profile answer you may filter by: give “<question id>:<one of its choices>”."
    ),
    "group": lambda: _("No group you may see the members of has that slug."),
    "show": lambda: _("Unknown list."),
    "sort": lambda: _("Unknown order."),
}


class DirectoryQuery(CursorQuery):
    q: str | None = Field(
        None, max_length=60, description="The start of a username, or part of a display name."
    )
    interest: str | None = Field(None, max_length=60, description="An interest's key.")
    answer: str | None = Field(
        None,
        max_length=200,
        description="`<question id>:<choice>`: members who gave this answer to a choice "
        "question (public questions; all of them for staff).",
    )
    group: str | None = Field(
        None,
        max_length=60,
        description="A group's slug: its members (groups whose member list you may see).",
    )
    show: DirectoryShow = Field(
        "all", description="`new`: joined this week; `helpful`: most helpful first."
    )
    sort: DirectorySort = Field("joined", description="`joined`: newest first; `active`.")


class InterestOut(Schema):
    key: str
    name: str
    shared: bool = Field(..., description="The caller lists this interest too.")


class MemberCardOut(Schema):
    username: str
    name: str
    role: str = Field(..., description="owner, admin, moderator or member (shown as a badge).")
    location: str
    joined_at: datetime | None
    last_active_at: datetime
    helped_count: int = Field(..., description="Members whose question they answered.")
    interests: list[InterestOut] = Field(..., description="The first few, shared ones first.")
    more_interests: int


class MemberPage(Schema):
    items: list[MemberCardOut]
    next_cursor: str | None


def _card(profile: MemberProfile) -> MemberCardOut:
    return MemberCardOut(
        username=profile.user.username,
        name=profile.user.name,
        role=profile.membership.role,
        location=profile.location,
        joined_at=profile.membership.joined_at,
        last_active_at=profile.last_active_at,
        helped_count=profile.helped_count,
        interests=[
            InterestOut(key=i.key, name=i.name, shared=i.is_shared) for i in profile.card_interests
        ],
        more_interests=profile.more_interests,
    )


@router.get("/{slug}/members", response={200: MemberPage, **errors(*READ_ERRORS)})
def member_directory(request, slug: str, query: Query[DirectoryQuery]):
    """The members directory as the directory page shows it to the caller (cursor-paginated):
    active members who did not hide from the directory (nor, to a non-member, from
    non-members), with the page's filters. A filter the directory cannot apply (an unknown
    interest, an answer that is not a choice of a question you may filter by) is a 422."""
    community, actor = community_actor(request, slug)
    params = QueryDict(mutable=True)
    for name in ("q", "interest", "answer", "group", "show", "sort"):
        value = getattr(query, name)
        if value:
            params[name] = value
    questions = directory.answer_filter_questions(actor, community) if query.answer else []
    filters = directory.directory_filters(actor, community, params, questions)
    if filters.dropped:
        raise ValidationError({name: [DROPPED[name]()] for name in filters.dropped})
    profiles, ordering = directory.directory_keyset(actor, community, filters)
    order = "helpful" if filters.show == "helpful" else filters.sort
    result = page(profiles, ordering, query, scope=f"members:{community.pk}:{order}")
    directory.attach_card_details(actor, result["items"])
    result["items"] = [_card(profile) for profile in result["items"]]
    return result


# Staff: role and trust -------------------------------------------------------------------

RoleName = Literal[tuple(Role.values)]  # type: ignore[valid-type]


class RoleIn(Strict):
    role: RoleName


class TrustIn(Strict):
    level: int = Field(..., ge=0, le=4)
    locked: bool = Field(
        False, description="Lock the level: automatic promotion and demotion leave it alone."
    )
    reason: Text = Field(
        ...,
        min_length=1,
        max_length=trust_services.MAX_REASON_CHARS,
        description="For the staff log.",
    )


def staff_membership(actor: Actor, username: str) -> Membership:
    """A member of the actor's community by username, for a staff operation: 403 for
    non-staff (before anything is looked up), 404 for an unknown username."""
    staff_only(actor)
    return community_selectors.membership_by_username(actor, username)


def _staff_answer(actor: Actor, username: str) -> MemberStaffOut:
    membership = community_selectors.membership_by_username(actor, username)
    return _staff_details(membership, MemberStaffOut, username=membership.user.username)


@router.put(
    "/{slug}/members/{username}/role", response={200: MemberStaffOut, **errors(*WRITE_ERRORS)}
)
def member_role(request, slug: str, payload: RoleIn, username: str = USERNAME):
    """Change an active member's role (the key needs ``moderate``). Owners and admins only;
    only owners make or unmake owners and admins, and the last owner stays an owner."""
    _community, actor = community_actor(request, slug, Scope.MODERATE)
    membership = staff_membership(actor, username)
    community_services.membership_set_role(actor=actor, membership=membership, role=payload.role)
    return _staff_answer(actor, username)


@router.put(
    "/{slug}/members/{username}/trust", response={200: MemberStaffOut, **errors(*WRITE_ERRORS)}
)
def member_trust(request, slug: str, payload: TrustIn, username: str = USERNAME):
    """Set an active member's trust level (0–4; 4 only by hand) and whether it is locked,
    with a reason for the staff log (staff; the key needs ``moderate``). Not your own."""
    _community, actor = community_actor(request, slug, Scope.MODERATE)
    membership = staff_membership(actor, username)
    trust_services.trust_level_set(
        actor=actor,
        membership=membership,
        level=payload.level,
        locked=payload.locked,
        reason=payload.reason,
    )
    return _staff_answer(actor, username)
