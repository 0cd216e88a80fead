"""Who may see, join and run a group.

Who may read a group's *content* (its categories, their topics and posts) is not decided
here but in ``hearth.discussions.policy.readable_categories_filter`` / ``can_read_category``,
the one rule every surface (pages, search, feeds, notifications, sitemap, API, analytics)
asks. A secret group is absent (404) to everyone but its members, those invited to it and
community staff."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from hearth.communities import policy as community_policy
from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.groups.models import (
    Group,
    GroupMembership,
    GroupRole,
    GroupSettings,
    JoinPolicy,
    MembershipStatus,
    Visibility,
)


def _ensure(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDenied(reason)


def _sees_all(actor: Actor) -> bool:
    return actor.is_staff or actor.is_platform_staff


def _in_community(actor: Actor, obj) -> bool:
    return actor.community is not None and obj.community_id == actor.community.pk


def visible_groups(actor: Actor, community: Community) -> QuerySet[Group]:
    """Groups the actor may know exist: public and private ones for whoever sees the
    community; secret ones only for their members, those invited, and staff."""
    if not community_policy.can_view_community(actor, community):
        return Group.objects.none()
    groups = Group.objects.filter(community=community)
    if _sees_all(actor):
        return groups
    listed = ~Q(visibility=Visibility.SECRET)
    if actor.is_member:
        listed |= Q(
            pk__in=GroupMembership.objects.filter(
                community=community,
                user=actor.user,
                status__in=(MembershipStatus.MEMBER, MembershipStatus.INVITED),
            ).values("group_id")
        )
    return groups.filter(listed)


def can_see_group(actor: Actor, group: Group, membership: GroupMembership | None) -> bool:
    if not _in_community(actor, group):
        return False
    if not community_policy.can_view_community(actor, actor.community):
        return False
    if group.visibility != Visibility.SECRET or _sees_all(actor):
        return True
    return (
        actor.is_member
        and membership is not None
        and membership.status in (MembershipStatus.MEMBER, MembershipStatus.INVITED)
    )


def _is_member(actor: Actor, membership: GroupMembership | None) -> bool:
    return actor.is_member and membership is not None and membership.is_active_member


def can_see_members(actor: Actor, group: Group, membership: GroupMembership | None) -> bool:
    """A public group's member list is as open as the group; a private or secret group's
    only to its members and staff."""
    if not can_see_group(actor, group, membership):
        return False
    return group.is_public or _sees_all(actor) or _is_member(actor, membership)


def ensure_see_members(actor: Actor, group: Group, membership: GroupMembership | None) -> None:
    if not can_see_members(actor, group, membership):
        raise Http404


def runs_group(actor: Actor, group: Group, membership: GroupMembership | None) -> bool:
    """Group owners and moderators, and community staff."""
    if not can_see_group(actor, group, membership):
        return False
    if actor.is_staff:
        return True
    return actor.is_member and membership is not None and membership.runs_group


def create_group_denial(actor: Actor, settings: GroupSettings | None) -> str | None:
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if actor.is_staff:
        return None
    level = settings.create_trust_level if settings else None
    if level is None:
        return _("Only staff can create groups here.")
    if actor.membership.trust_level < level:
        return _("Members from trust level %(level)s can create groups.") % {"level": level}
    return None


def can_create_group(actor: Actor, settings: GroupSettings | None) -> bool:
    return create_group_denial(actor, settings) is None


def ensure_create_group(actor: Actor, settings: GroupSettings | None) -> None:
    _ensure(create_group_denial(actor, settings))


def can_manage_group_settings(actor: Actor) -> bool:
    return community_policy.can_manage_community(actor)


def edit_group_denial(actor: Actor, group: Group, membership: GroupMembership | None) -> str | None:
    if not can_see_group(actor, group, membership):
        return _("That group does not exist.")
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if not runs_group(actor, group, membership):
        return _("Only the group's owners and moderators, and staff, can change it.")
    return None


def can_edit_group(actor: Actor, group: Group, membership: GroupMembership | None) -> bool:
    return edit_group_denial(actor, group, membership) is None


def ensure_edit_group(actor: Actor, group: Group, membership: GroupMembership | None) -> None:
    _ensure(edit_group_denial(actor, group, membership))


def join_denial(actor: Actor, group: Group, membership: GroupMembership | None) -> str | None:
    """Join an open group, ask to join one on request, or accept an invitation."""
    if not can_see_group(actor, group, membership):
        return _("That group does not exist.")
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if membership is not None and membership.status == MembershipStatus.MEMBER:
        return _("You are already in this group.")
    if membership is not None and membership.status == MembershipStatus.INVITED:
        return None
    if membership is not None and membership.status == MembershipStatus.REQUESTED:
        return _("You have already asked to join; a group moderator will decide.")
    if group.join_policy == JoinPolicy.INVITE:
        return _("This group takes members by invitation only.")
    return None


def can_join(actor: Actor, group: Group, membership: GroupMembership | None) -> bool:
    return join_denial(actor, group, membership) is None


def ensure_join(actor: Actor, group: Group, membership: GroupMembership | None) -> None:
    _ensure(join_denial(actor, group, membership))


def joins_at_once(group: Group, membership: GroupMembership | None) -> bool:
    """An open group, or an invitation: no moderator needs to approve."""
    invited = membership is not None and membership.status == MembershipStatus.INVITED
    return invited or group.join_policy == JoinPolicy.OPEN


def _owner_count(group: Group) -> int:
    return GroupMembership.objects.filter(
        community=group.community_id, group=group, role=GroupRole.OWNER,
        status=MembershipStatus.MEMBER,
    ).count()  # fmt: skip


def leave_denial(actor: Actor, group: Group, membership: GroupMembership | None) -> str | None:
    """Leave, withdraw a request, or decline an invitation. The last owner of a group with
    other members hands it over first, so a group always has someone to run it."""
    if not can_see_group(actor, group, membership):
        return _("That group does not exist.")
    if membership is None:
        return _("You are not in this group.")
    if (
        membership.status == MembershipStatus.MEMBER
        and membership.role == GroupRole.OWNER
        and group.member_count > 1
        and _owner_count(group) == 1
    ):
        return _("You are the group's only owner: make someone else owner before you leave.")
    return None


def can_leave(actor: Actor, group: Group, membership: GroupMembership | None) -> bool:
    return leave_denial(actor, group, membership) is None


def ensure_leave(actor: Actor, group: Group, membership: GroupMembership | None) -> None:
    _ensure(leave_denial(actor, group, membership))


def invite_denial(actor: Actor, group: Group, membership: GroupMembership | None) -> str | None:
    if (reason := edit_group_denial(actor, group, membership)) is not None:
        return reason
    return None


def can_invite(actor: Actor, group: Group, membership: GroupMembership | None) -> bool:
    return invite_denial(actor, group, membership) is None


def ensure_invite(actor: Actor, group: Group, membership: GroupMembership | None) -> None:
    _ensure(invite_denial(actor, group, membership))


def review_denial(
    actor: Actor, group: Group, membership: GroupMembership | None, request: GroupMembership
) -> str | None:
    """Approve or decline a request to join."""
    if (reason := edit_group_denial(actor, group, membership)) is not None:
        return reason
    if request.group_id != group.pk or request.status != MembershipStatus.REQUESTED:
        return _("That request does not exist.")
    return None


def ensure_review(
    actor: Actor, group: Group, membership: GroupMembership | None, request: GroupMembership
) -> None:
    _ensure(review_denial(actor, group, membership, request))


def set_role_denial(
    actor: Actor, group: Group, membership: GroupMembership | None, target: GroupMembership
) -> str | None:
    """Owners (and staff) make members moderators or owners, and back."""
    if (reason := edit_group_denial(actor, group, membership)) is not None:
        return reason
    if target.group_id != group.pk or target.status != MembershipStatus.MEMBER:
        return _("That member is not in this group.")
    if not actor.is_staff and (membership is None or membership.role != GroupRole.OWNER):
        return _("Only the group's owners, and staff, can change roles.")
    if target.role == GroupRole.OWNER and _owner_count(group) == 1:
        return _("A group keeps at least one owner.")
    return None


def ensure_set_role(
    actor: Actor, group: Group, membership: GroupMembership | None, target: GroupMembership
) -> None:
    _ensure(set_role_denial(actor, group, membership, target))


def post_in_group_denial(actor: Actor, group: Group) -> str | None:
    """Starting topics in a group's category: its members (and staff)."""
    if _sees_all(actor):
        return None
    is_member = (
        actor.is_member
        and GroupMembership.objects.filter(
            community=group.community_id,
            group=group,
            user=actor.user,
            status=MembershipStatus.MEMBER,
        ).exists()  # fmt: skip
    )
    return (
        None
        if is_member
        else _("Join the group %(name)s to start topics here.") % {"name": group.name}
    )
