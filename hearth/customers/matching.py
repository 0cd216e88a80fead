"""Which member a customer is: by the keyed hash of a VERIFIED address of an active member
of this community, never an unverified one (anyone can type any address). Matching runs
at import, and again for one member when they join or confirm an address
(:mod:`hearth.customers.tasks`)."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from hearth.communities.models import Community, MembershipStatus
from hearth.customers.hashing import email_hash, hashing_key
from hearth.customers.models import Customer


def _verified_addresses(community: Community, user_id: int | None = None):
    addresses = EmailAddress.objects.filter(
        verified=True,
        user__memberships__community=community,
        user__memberships__status=MembershipStatus.ACTIVE,
    )
    if user_id is not None:
        addresses = addresses.filter(user_id=user_id)
    return addresses.order_by("id").values_list("email", "user_id")


def member_hashes(community: Community) -> dict[str, int]:
    """hash -> user id for every verified address of the community's active members."""
    key = hashing_key()
    found: dict[str, int] = {}
    for email, user_id in _verified_addresses(community).iterator(chunk_size=2000):
        found.setdefault(email_hash(email, key), user_id)
    return found


def match_member(community: Community, user_id: int) -> int:
    """Match one member's verified addresses to unmatched customers; how many matched."""
    key = hashing_key()
    hashes = {email_hash(email, key) for email, _user in _verified_addresses(community, user_id)}
    if not hashes:
        return 0
    return Customer.objects.filter(
        community=community, email_hash__in=hashes, matched_user__isnull=True
    ).update(matched_user_id=user_id)
