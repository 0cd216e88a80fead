"""Every decision about members' profiles, their visibility and follows.

Who is *listed* (directory, @-mention autocomplete, "members like you") is decided here once,
by :func:`listed_profiles` / :func:`unlisted_user_ids`; who may *open* a profile by
:func:`view_profile_denial`. Everything that shows members asks these."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hearth.communities import policy as community_policy
from hearth.communities.models import Community, Membership, MembershipStatus
from hearth.core.actor import Actor
from hearth.members.models import MemberProfile


def _ensure(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDenied(reason)


def _is_self(actor: Actor, membership: Membership) -> bool:
    return actor.user is not None and actor.user.pk == membership.user_id


def sees_members_only_profiles(actor: Actor) -> bool:
    """Members (and platform staff) see profiles hidden from non-members."""
    return actor.is_member or actor.is_platform_staff


# Listing -----------------------------------------------------------------------------------


def listed_profiles(actor: Actor, community: Community) -> QuerySet[MemberProfile]:
    """The profiles this actor may find in lists: active members who did not hide from the
    directory, and to non-members, only those who did not hide from non-members."""
    if not community_policy.sees_inside(actor, community):
        return MemberProfile.objects.none()
    profiles = MemberProfile.objects.filter(
        community=community,
        hide_from_directory=False,
        membership__status=MembershipStatus.ACTIVE,
    )
    if not sees_members_only_profiles(actor):
        profiles = profiles.filter(hide_from_non_members=False)
    return profiles


def unlisted_user_ids(community: Community) -> QuerySet:
    """Users of this community who asked not to be listed (a subquery, for excluding them
    from lists built on other tables, such as mention autocomplete)."""
    return MemberProfile.objects.filter(community=community, hide_from_directory=True).values(
        "user_id"
    )


def is_listed(actor: Actor, profile: MemberProfile) -> bool:
    """The per-object form of :func:`listed_profiles` (``profile.membership`` loaded)."""
    return (
        actor.community is not None
        and profile.community_id == actor.community.pk
        and not profile.hide_from_directory
        and profile.membership.status == MembershipStatus.ACTIVE
        and (sees_members_only_profiles(actor) or not profile.hide_from_non_members)
    )


# Profiles ----------------------------------------------------------------------------------


def view_profile_denial(actor: Actor, profile: MemberProfile) -> str | None:
    membership = profile.membership
    if not community_policy.can_view_profile(actor, membership):
        return _("That member does not exist.")
    if (
        profile.hide_from_non_members
        and not sees_members_only_profiles(actor)
        and not actor.is_staff
        and not _is_self(actor, membership)
    ):
        return _("That member does not exist.")
    return None


def can_view_profile(actor: Actor, profile: MemberProfile) -> bool:
    return view_profile_denial(actor, profile) is None


def can_view_staff_answers(actor: Actor) -> bool:
    """Answers to staff-only profile questions are shown to the community's staff only."""
    return actor.is_staff


def edit_profile_denial(actor: Actor, profile: MemberProfile) -> str | None:
    if actor.community is None or profile.community_id != actor.community.pk:
        return _("That member does not exist.")
    if not _is_self(actor, profile.membership):
        return _("You can only edit your own profile.")
    if not actor.is_member:
        return _("Only members of this community have a profile here.")
    return None


def can_edit_profile(actor: Actor, profile: MemberProfile) -> bool:
    return edit_profile_denial(actor, profile) is None


def ensure_edit_profile(actor: Actor, profile: MemberProfile) -> None:
    _ensure(edit_profile_denial(actor, profile))


# Follows -----------------------------------------------------------------------------------


def follow_denial(actor: Actor, profile: MemberProfile) -> str | None:
    if not can_view_profile(actor, profile):
        return _("That member does not exist.")
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if _is_self(actor, profile.membership):
        return _("You cannot follow yourself.")
    if profile.membership.status != MembershipStatus.ACTIVE:
        return _("You can only follow active members.")
    return None


def can_follow(actor: Actor, profile: MemberProfile) -> bool:
    return follow_denial(actor, profile) is None


def ensure_follow(actor: Actor, profile: MemberProfile) -> None:
    _ensure(follow_denial(actor, profile))


def unfollow_denial(actor: Actor) -> str | None:
    if actor.user is None or actor.membership is None:
        return _("Join this community to follow members.")
    return None


def ensure_unfollow(actor: Actor) -> None:
    _ensure(unfollow_denial(actor))


def can_read_feed(actor: Actor) -> bool:
    return actor.is_member


def can_see_suggestions(actor: Actor) -> bool:
    """ "Members like you" is shown to signed-in active members."""
    return actor.is_member


# Staff -------------------------------------------------------------------------------------


def can_manage_profile_fields(actor: Actor) -> bool:
    """Profile questions and the interest list are community settings: owners and admins."""
    return community_policy.can_manage_community(actor)


def ensure_manage_profile_fields(actor: Actor) -> None:
    community_policy.ensure_manage_community(actor)


def analytics_anonymous_user_ids(community: Community) -> QuerySet:
    """Members who asked to appear only as anonymous dots in the staff's interaction graph."""
    return MemberProfile.objects.filter(community=community, anonymous_in_analytics=True).values(
        "user_id"
    )
