from hearth.communities.models import Community, Membership
from hearth.trust.models import MemberTrust


def membership_by_username(community: Community, username: str) -> Membership | None:
    return (
        Membership.objects.filter(community=community, user__username=username)
        .select_related("user", "community")
        .first()
    )


def is_locked(membership: Membership) -> bool:
    return MemberTrust.objects.filter(
        community_id=membership.community_id, user_id=membership.user_id, is_locked=True
    ).exists()
