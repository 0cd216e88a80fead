"""Demo data for the Benefits tab's customer figures: Lumen's customer list, in which the
members stay longer and spend more than other customers, uploaded three times (about 200
and 90 days ago, and today), so members who were customers before joining have revenue
on each side of their join day. Written through the services, deterministic for a seed."""

from __future__ import annotations

import random
from datetime import date, timedelta

from allauth.account.models import EmailAddress

from hearth.accounts.models import User
from hearth.communities.models import Community, Membership, MembershipStatus, Role
from hearth.core.actor import Actor
from hearth.customers import services

OTHER_CUSTOMERS = 300
UPLOADS_DAYS_AGO = (200, 90, 0)
PLANS = ("Lumen Care", "Lumen Care Plus", "Pro Studio")


def _monthly(rng: random.Random, base: float) -> float:
    return max(4.0, rng.gauss(base, base / 3))


def _customer(rng, today, *, member_joined: date | None):
    """(customer since, churned at, revenue per month before joining, after joining)."""
    is_member = member_joined is not None
    since = today - timedelta(days=rng.randint(30, 900))
    if is_member and rng.random() < 0.3:
        # Won by the community: became a customer after joining.
        since = min(today, member_joined + timedelta(days=rng.randint(5, 60)))
    yearly_churn = 0.15 if is_member else 0.45
    churned = None
    days = (today - since).days
    if days and rng.random() < yearly_churn * days / 365:
        churned = since + timedelta(days=rng.randint(0, days))
    before = _monthly(rng, 24.0)
    after = before * rng.uniform(1.1, 1.6) if is_member else before
    return since, churned, before, after


def _revenue_on(day: date, since: date, churned, joined, before: float, after: float) -> float:
    """Revenue to date on ``day``: ``before`` a month until joining, ``after`` since."""
    end = min(day, churned) if churned else day
    if end <= since:
        return 0.0
    switch = max(since, min(end, joined)) if joined else end
    months_before = (switch - since).days / 30.4375
    months_after = (end - switch).days / 30.4375
    return round(before * months_before + after * months_after, 2)


def populate(community: Community, owner: User, today: date, rng: random.Random) -> None:
    members = list(
        Membership.objects.filter(
            community=community, status=MembershipStatus.ACTIVE, role=Role.MEMBER
        )
        .select_related("user")
        .order_by("user__username")
    )
    people = []
    for membership in members:
        if rng.random() < 0.55:
            joined = (membership.joined_at or membership.requested_at).date()
            people.append(
                (membership.user.email, joined, _customer(rng, today, member_joined=joined))
            )
    for i in range(OTHER_CUSTOMERS):
        people.append((f"buyer{i}@shop.example", None, _customer(rng, today, member_joined=None)))
    # The members on the list confirmed their address, so they can be matched.
    EmailAddress.objects.bulk_create(
        EmailAddress(user=m.user, email=m.user.email, verified=True, primary=True)
        for m in members
        if any(email == m.user.email for email, _j, _c in people)
        and not EmailAddress.objects.filter(user=m.user).exists()
    )
    actor = Actor.for_user(owner, community)
    for days_ago in UPLOADS_DAYS_AGO:
        day = today - timedelta(days=days_ago)
        items = [
            {
                "email": email,
                "customer_since": since.isoformat(),
                "plan": PLANS[len(email) % len(PLANS)],
                "revenue": _revenue_on(day, since, churned, joined, before, after),
                "churned_at": churned.isoformat() if churned and churned <= day else None,
            }
            for email, joined, (since, churned, before, after) in people
            if since <= day
        ]
        services.customers_import_items(actor=actor, items=items, as_of=day)
