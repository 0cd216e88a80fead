"""Matching again when a member joins (event log) or confirms an address (allauth's
signal): the work runs on the worker, after the commit."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from hearth.communities.models import Community, Membership, MembershipStatus
from hearth.core.models import InteractionEvent
from hearth.customers import matching
from hearth.customers.models import Customer


@task()
def match_member(community_id: int, user_id: int) -> int:
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return 0
    return matching.match_member(community, user_id)


def enqueue_matching(events: list[InteractionEvent]) -> None:
    """Event consumer (CustomersConfig.ready): a member who joins a community that has a
    customer list may be one of its customers."""
    joins = {(e.community_id, e.actor_id) for e in events if e.verb == "member.join"}
    joins = {(c, u) for c, u in joins if u is not None}
    if not joins:
        return
    with_list = set(
        Customer.objects.filter(community_id__in={c for c, _u in joins})
        .values_list("community_id", flat=True)
        .distinct()
    )
    for community_id, user_id in sorted(joins):
        if community_id in with_list:
            match_member.enqueue(community_id=community_id, user_id=user_id)


def match_on_email_confirmed(sender, request=None, email_address=None, **kwargs) -> None:
    """allauth's ``email_confirmed``: match the address's owner in every community they
    are an active member of that has a customer list."""
    if email_address is None:
        return
    user_id = email_address.user_id
    community_ids = set(
        Membership.objects.filter(user_id=user_id, status=MembershipStatus.ACTIVE).values_list(
            "community_id", flat=True
        )
    )
    with_list = set(
        Customer.objects.filter(community_id__in=community_ids)
        .values_list("community_id", flat=True)
        .distinct()
    )

    def enqueue() -> None:
        for community_id in sorted(with_list):
            match_member.enqueue(community_id=community_id, user_id=user_id)

    transaction.on_commit(enqueue)
