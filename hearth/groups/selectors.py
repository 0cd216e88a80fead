"""Reads for groups: the list, one group with the viewer's standing, its members and its
latest topics. Visibility comes from ``groups.policy`` (the group) and
``discussions.policy`` (its content)."""

from __future__ import annotations

from django.db.models import Case, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import Topic
from hearth.groups import policy
from hearth.groups.models import Group, GroupMembership, GroupRole, MembershipStatus
from hearth.members import policy as member_policy

LATEST_TOPICS = 10
MEMBERS_SHOWN = 60


def visible_groups(actor: Actor, community: Community) -> QuerySet[Group]:
    return policy.visible_groups(actor, community)


def group_list(actor: Actor, community: Community) -> list[Group]:
    """The groups the viewer may know of, each with ``my_status`` (member, requested,
    invited or None). Two queries."""
    groups = list(visible_groups(actor, community).order_by("name", "id"))
    mine = {}
    if actor.user is not None and groups:
        mine = dict(
            GroupMembership.objects.filter(
                community=community, user=actor.user, group__in=[g.pk for g in groups]
            ).values_list("group_id", "status")
        )
    for group in groups:
        group.my_status = mine.get(group.pk)
    return groups


def group_for(actor: Actor, slug: str) -> tuple[Group, GroupMembership | None]:
    """The group and the viewer's membership of it, or 404 when the viewer may not know the
    group exists (a secret group to non-members)."""
    group = Group.objects.filter(community=actor.community, slug=slug).first()
    if group is None:
        raise Http404
    membership = None
    if actor.user is not None:
        membership = GroupMembership.objects.filter(
            community=group.community_id, group=group, user=actor.user
        ).first()
    if not policy.can_see_group(actor, group, membership):
        raise Http404
    return group, membership


def group_members(actor: Actor, group: Group, limit: int = MEMBERS_SHOWN) -> list[GroupMembership]:
    """The group's members the viewer may see listed: owners and moderators first; a
    member who hides their profile from the directory (or from non-members) stays hidden
    here too."""
    listed = member_policy.listed_profiles(actor, group.community).values("user_id")
    return list(
        GroupMembership.objects.filter(
            community=group.community_id,
            group=group,
            status=MembershipStatus.MEMBER,
            user_id__in=listed,
        )
        .select_related("user")
        .annotate(
            rank=Case(
                When(role=GroupRole.OWNER, then=Value(0)),
                When(role=GroupRole.MODERATOR, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("rank", "joined_at", "id")[:limit]
    )


def pending(group: Group, status: str) -> list[GroupMembership]:
    return list(
        GroupMembership.objects.filter(community=group.community_id, group=group, status=status)
        .select_related("user")
        .order_by("created_at", "id")
    )


def latest_topics(actor: Actor, group: Group, limit: int = LATEST_TOPICS) -> list[Topic]:
    """The group's categories' latest topics that the viewer may read (none at all for a
    non-member of a private group: the decision is ``discussions.policy``'s)."""
    return list(
        discussion_policy.visible_topics(actor, group.community)
        .filter(category__group=group)
        .select_related("category", "author", "last_poster")
        .order_by("-is_pinned", "-last_posted_at", "-id")[:limit]
    )


def group_categories(actor: Actor, group: Group):
    return list(
        discussion_policy.visible_categories(actor, group.community)
        .filter(group=group)
        .order_by("position", "id")
    )


SAMPLE_GROUPS = 3  # "members like you" compares the viewer's smallest few groups


def shared_group_candidates(
    actor: Actor, community: Community, per_group: int
) -> list[tuple[int, float, str]]:
    """For "members like you": (user id, weight, reason) for members of the viewer's own
    groups, the smallest few (a circle of ten says more than one of five hundred). Only
    groups the viewer is an active member of, so only groups and member lists they may
    see; hidden profiles drop out later with the directory's listed filter. One query."""
    if actor.user is None or not actor.is_member:
        return []
    mine = (
        GroupMembership.objects.filter(
            community=community, user=actor.user, status=MembershipStatus.MEMBER
        )
        .order_by("group__member_count", "group_id")
        .values("group_id")[:SAMPLE_GROUPS]
    )
    rows = (
        GroupMembership.objects.filter(
            community=community, group_id__in=mine, status=MembershipStatus.MEMBER
        )
        .exclude(user=actor.user)
        .order_by("group__member_count", "-joined_at", "-id")
        .values_list("user_id", "group__name", "group__member_count")[: per_group * SAMPLE_GROUPS]
    )
    return [
        (user_id, 2.5 + 2.0 / max(1, size), _("Also in the group %(name)s") % {"name": name})
        for user_id, name, size in rows
    ]


def member_filter_choices(actor: Actor, community: Community) -> list[Group]:
    """Groups the directory may filter by: those whose member list the viewer may see."""
    groups = list(visible_groups(actor, community).order_by("name", "id"))
    if actor.is_staff or actor.is_platform_staff:
        return groups
    mine = set()
    if actor.is_member:
        mine = set(
            GroupMembership.objects.filter(
                user=actor.user, status=MembershipStatus.MEMBER, group__community=community
            ).values_list("group_id", flat=True)
        )
    return [g for g in groups if g.is_public or g.pk in mine]


def active_member_ids(group: Group):
    """The group's members' user ids, as a subquery (the directory's group filter)."""
    return GroupMembership.objects.filter(
        community=group.community_id, group=group, status=MembershipStatus.MEMBER
    ).values("user_id")
