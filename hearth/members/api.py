"""``/api/v1/communities/{slug}/members/{username}``: a member's profile.

Who may open a profile is the members policy's (``selectors.profile_for``): hidden and
absent profiles look alike (404), exactly as on the pages, and answers to staff-only
profile questions are shown to staff and to the member themself. A member's role, trust
level and current sanctions are shown only to the community's staff, and to a key only
with the ``moderate`` scope; everyone else gets ``staff: null``."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Path, Router, Schema

from hearth.api.access import community_actor, has_scope
from hearth.api.auth import API_AUTH
from hearth.api.models import Scope
from hearth.api.schemas import READ_ERRORS, errors
from hearth.core.actor import Actor
from hearth.members import policy, selectors
from hearth.members.models import MemberProfile
from hearth.moderation import selectors as moderation_selectors

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
    sanctions: list[SanctionOut] = Field(..., description="Sanctions in force now.")


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


def _staff_details(profile: MemberProfile) -> StaffDetailsOut:
    membership = profile.membership
    sanctions = moderation_selectors.current_sanctions(membership.community).filter(
        user_id=profile.user_id
    )
    return StaffDetailsOut(
        role=membership.role,
        status=membership.status,
        trust_level=membership.trust_level,
        silenced_until=membership.silenced_until,
        suspended_until=membership.suspended_until,
        banned_until=membership.banned_until,
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
        staff=_staff_details(profile) if sees_staff_details(request, actor) else None,
    )
