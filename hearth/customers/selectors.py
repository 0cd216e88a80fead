"""Reading the customer data: the benefits figures as plain data (what the Benefits tab,
the page, the API and the weekly email show), the members behind a figure, and whether a
member was matched (their data export says so, and nothing more)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hearth.communities.models import Community, Membership, MembershipStatus
from hearth.customers import figures
from hearth.customers.models import Customer, CustomerImport, RevenuePoint

WARNING = gettext_lazy(
    "Members chose to join: customers who were already loyal or spending more may be the "
    "ones who joined. A difference between members and other customers is an association, "
    "not proof that the community caused it."
)
DRILLDOWNS = ("members", "converted", "measured")


def latest_import(community: Community) -> CustomerImport | None:
    return (
        CustomerImport.objects.filter(community=community)
        .select_related("created_by")
        .order_by("-created_at", "-id")
        .first()
    )


def list_import(community: Community) -> CustomerImport | None:
    """The upload the current list came from."""
    return (
        CustomerImport.objects.filter(community=community, replaced_list=True)
        .order_by("-as_of", "-created_at")
        .first()
    )


def _active_members(community: Community) -> dict[int, Membership]:
    return {
        m.user_id: m
        for m in Membership.objects.filter(
            community=community, status=MembershipStatus.ACTIVE
        ).only("user_id", "joined_at", "requested_at", "campaign", "source")
    }


def _joined(membership: Membership) -> date:
    """The join day (UTC); members added before join days were kept count from their request."""
    return (membership.joined_at or membership.requested_at).date()


def _facts(community: Community, members: dict[int, Membership]) -> list[figures.CustomerFacts]:
    rows = Customer.objects.filter(community=community).values_list(
        "email_hash", "customer_since", "churned_at", "revenue", "matched_user_id"
    )
    facts = []
    for email_hash, since, churned, revenue, user_id in rows.iterator(chunk_size=5000):
        membership = members.get(user_id) if user_id else None
        facts.append(
            figures.CustomerFacts(
                customer_since=since,
                churned_at=churned,
                revenue=float(revenue),
                member=membership is not None,
                joined=_joined(membership) if membership else None,
                email_hash=email_hash,
                user_id=user_id if membership else None,
            )
        )
    return facts


def _history(community: Community) -> dict[str, list[tuple[date, float]]]:
    """Revenue to date per upload day, for the customers matched to a member."""
    matched = Customer.objects.filter(community=community, matched_user__isnull=False)
    points: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for email_hash, as_of, revenue in RevenuePoint.objects.filter(
        community=community, email_hash__in=matched.values("email_hash")
    ).values_list("email_hash", "as_of", "revenue"):
        points[email_hash].append((as_of, float(revenue)))
    return points


def _member_facts(members: dict[int, Membership], facts: list[figures.CustomerFacts]):
    by_user = {f.user_id: f for f in facts if f.user_id is not None}
    return [
        figures.MemberFacts(
            user_id=user_id,
            joined=_joined(m),
            campaign=m.campaign,
            source=m.source,
            customer=(by_user[user_id].customer_since, by_user[user_id].churned_at)
            if user_id in by_user
            else None,
        )
        for user_id, m in members.items()
    ]


def _band_labels() -> dict[str, str]:
    return {
        "0-6": _("Customers for under 6 months"),
        "6-12": _("Customers for 6–12 months"),
        "12-24": _("Customers for 12–24 months"),
        "24+": _("Customers for 2 years or more"),
    }


def benefits_figures(community: Community) -> dict:
    """Every customer figure of the community as plain data (numbers, text, ISO dates)."""
    record = list_import(community)
    if record is None or not Customer.objects.filter(community=community).exists():
        return {"has_data": False, "warning": str(WARNING)}
    as_of = record.as_of
    members = _active_members(community)
    facts = _facts(community, members)
    member_facts = [f for f in facts if f.member]
    retention = figures.retention_rows(facts, as_of)
    revenue = figures.revenue_rows(facts, as_of)
    change = figures.before_after(member_facts, _history(community))
    change.pop("user_ids")
    labels = _band_labels()
    for row in (*retention, *revenue):
        row["band_label"] = str(labels[row["band"]])
    return {
        "has_data": True,
        "warning": str(WARNING),
        "as_of": as_of.isoformat(),
        "imported_at": record.created_at.isoformat(),
        "customers": len(facts),
        "members": len(member_facts),
        "retention": retention,
        "retention_12_adjusted": figures.tenure_adjusted(
            [r for r in retention if r["horizon"] == 12]
        ),
        "revenue": revenue,
        "revenue_adjusted": figures.tenure_adjusted(revenue),
        "before_after": change,
        "conversion": figures.conversion(_member_facts(members, facts)),
    }


def drilldown_user_ids(
    community: Community, kind: str, *, campaign: str | None = None, source: str | None = None
) -> list[int] | None:
    """The members behind a figure, in join order; None for an unknown kind."""
    if kind not in DRILLDOWNS:
        return None
    members = _active_members(community)
    facts = _facts(community, members)
    if kind == "members":
        ids = {f.user_id for f in facts if f.user_id is not None}
    elif kind == "measured":
        record = list_import(community)
        if record is None:
            return []
        measured = figures.before_after([f for f in facts if f.member], _history(community))
        ids = set(measured["user_ids"])
    else:
        ids = {
            m.user_id
            for m in _member_facts(members, facts)
            if figures.converted(m)
            and (campaign is None or m.campaign == campaign)
            and (source is None or m.source == source)
        }
    return sorted(ids, key=lambda user_id: (_joined(members[user_id]), user_id))


def drilldown_rows(community: Community, user_ids: list[int]) -> list[dict]:
    """One page of members behind a figure, with their customer record (two queries)."""
    memberships = {
        m.user_id: m
        for m in Membership.objects.filter(
            community=community, user_id__in=user_ids
        ).select_related("user")
    }
    customers = {
        c.matched_user_id: c
        for c in Customer.objects.filter(community=community, matched_user_id__in=user_ids)
    }
    return [
        {"membership": memberships[u], "user": memberships[u].user, "customer": customers.get(u)}
        for u in user_ids
        if u in memberships
    ]


def matched_communities(user_id: int) -> set[int]:
    """The communities whose customer list matched this user (their data export)."""
    return set(
        Customer.objects.filter(matched_user_id=user_id)
        .values_list("community_id", flat=True)
        .distinct()
    )
