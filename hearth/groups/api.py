"""``/api/v1/communities/{slug}/groups…``: the community's groups as the pages show them.

The list holds the groups the caller may know of (``policy.visible_groups``: a secret
group only to its members and invitees), a group's members only to who may see them
(``policy.can_see_members``), and joining or leaving goes through the same services and
policy as the page's buttons, as the caller (a member key or a session, never a
community key)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Path, Router, Schema

from hearth.api.access import community_actor, member_only
from hearth.api.auth import API_AUTH
from hearth.api.schemas import READ_ERRORS, WRITE_ERRORS, errors
from hearth.core.actor import Actor
from hearth.groups import policy, selectors, services
from hearth.groups.models import Group, GroupMembership

router = Router(tags=["groups"], auth=API_AUTH)

GROUP_SLUG = Path(..., min_length=1, max_length=60, pattern=r"^[-a-zA-Z0-9_]+$")


class GroupOut(Schema):
    slug: str
    name: str
    description: str = Field(..., description="Markdown, as written.")
    visibility: str = Field(..., description='"public", "private" or "secret".')
    join_policy: str = Field(..., description='"open", "request" or "invite".')
    member_count: int
    my_status: str | None = Field(
        None, description='The caller\'s place: "member", "requested", "invited" or null.'
    )


class GroupList(Schema):
    items: list[GroupOut]


class GroupMemberOut(Schema):
    username: str
    role: str = Field(..., description='"owner", "moderator" or "member".')
    joined_at: datetime | None


class GroupMemberList(Schema):
    items: list[GroupMemberOut]


def _out(group: Group, my_status: str | None) -> GroupOut:
    return GroupOut(
        slug=group.slug, name=group.name, description=group.description,
        visibility=group.visibility, join_policy=group.join_policy,
        member_count=group.member_count, my_status=my_status,
    )  # fmt: skip


def _status(membership: GroupMembership | None) -> str | None:
    return membership.status if membership is not None else None


def _group(request, slug: str, group_slug: str) -> tuple[Actor, Group, GroupMembership | None]:
    _community, actor = community_actor(request, slug)
    group, membership = selectors.group_for(actor, group_slug)
    return actor, group, membership


@router.get("/{slug}/groups", response={200: GroupList, **errors(*READ_ERRORS)})
def group_list(request, slug: str):
    """Every group the caller may know of, by name."""
    community, actor = community_actor(request, slug)
    groups = selectors.group_list(actor, community)
    return {"items": [_out(g, g.my_status) for g in groups]}


@router.get("/{slug}/groups/{group_slug}", response={200: GroupOut, **errors(*READ_ERRORS)})
def group_detail(request, slug: str, group_slug: str = GROUP_SLUG):
    """One group; 404 when the caller may not know it exists."""
    _actor, group, membership = _group(request, slug, group_slug)
    return _out(group, _status(membership))


@router.get(
    "/{slug}/groups/{group_slug}/members",
    response={200: GroupMemberList, **errors(*READ_ERRORS)},
)
def group_member_list(request, slug: str, group_slug: str = GROUP_SLUG):
    """The group's members the caller may see listed (owners and moderators first, at most
    60); 404 when the caller may not see who is in the group."""
    actor, group, membership = _group(request, slug, group_slug)
    policy.ensure_see_members(actor, group, membership)
    members = selectors.group_members(actor, group)
    return {
        "items": [
            GroupMemberOut(username=m.user.username, role=m.role, joined_at=m.joined_at)
            for m in members
        ]
    }


@router.post("/{slug}/groups/{group_slug}/join", response={200: GroupOut, **errors(*WRITE_ERRORS)})
def group_join(request, slug: str, group_slug: str = GROUP_SLUG):
    """Join an open group, accept an invitation, or ask to join a group on request (then
    ``my_status`` is ``requested``); 403 with the reason when the caller may not."""
    member_only(request)
    actor, group, _membership = _group(request, slug, group_slug)
    membership = services.group_join(actor=actor, group=group)
    group.refresh_from_db(fields=["member_count"])
    return _out(group, membership.status)


@router.post("/{slug}/groups/{group_slug}/leave", response={200: GroupOut, **errors(*WRITE_ERRORS)})
def group_leave(request, slug: str, group_slug: str = GROUP_SLUG):
    """Leave, withdraw a request, or decline an invitation; 403 with the reason when the
    caller may not (the last owner stays)."""
    member_only(request)
    actor, group, _membership = _group(request, slug, group_slug)
    services.group_leave(actor=actor, group=group)
    group.refresh_from_db(fields=["member_count"])
    return _out(group, None)
