"""Property test: on random customer lists, every figure's counts and estimates equal a
brute-force recomputation that reads the definitions (docs/community-health.md,
"Benefits: customers") literally and shares no code with ``figures``; then the same data
goes through the database and the selector must agree."""

import statistics
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from hearth.customers import figures, selectors
from hearth.customers.hashing import email_hash
from hearth.customers.models import Customer, CustomerImport, RevenuePoint
from hearth.testing.factories import community_factory, membership_factory, user_factory

AS_OF = date(2025, 1, 1)
HORIZON = {3: 91, 6: 183, 12: 365}


def band_of(days):
    if days < 183:
        return "0-6"
    if days < 365:
        return "6-12"
    if days < 730:
        return "12-24"
    return "24+"


customer_st = st.fixed_dictionaries(
    {
        "since_days_ago": st.integers(0, 1200),
        "churn_after": st.one_of(st.none(), st.integers(0, 1200)),
        "revenue": st.integers(0, 5000),
        "member": st.booleans(),
        "joined_days_ago": st.integers(0, 1300),
        "campaign": st.sampled_from(["", "spring", "fall"]),
    }
)


def build(raw):
    out = []
    for i, r in enumerate(raw):
        since = AS_OF - timedelta(days=r["since_days_ago"])
        churned = None
        if r["churn_after"] is not None and since + timedelta(days=r["churn_after"]) <= AS_OF:
            churned = since + timedelta(days=r["churn_after"])
        joined = AS_OF - timedelta(days=r["joined_days_ago"]) if r["member"] else None
        out.append(
            figures.CustomerFacts(
                customer_since=since, churned_at=churned, revenue=float(r["revenue"]),
                member=r["member"], joined=joined, email_hash=f"h{i}",
                user_id=i + 1 if r["member"] else None,
            )
        )  # fmt: skip
    return out


def brute_retention(customers):
    found = {}
    for c in customers:
        tenure = (AS_OF - c.customer_since).days
        for horizon, days in HORIZON.items():
            if tenure < days:
                continue
            stayed = c.churned_at is None or c.churned_at >= c.customer_since + timedelta(days=days)
            key = (band_of(tenure), horizon, "members" if c.member else "others")
            n, k = found.get(key, (0, 0))
            found[key] = (n + 1, k + int(stayed))
    return found


def brute_revenue(customers):
    found = {}
    for c in customers:
        key = (band_of((AS_OF - c.customer_since).days), "members" if c.member else "others")
        found.setdefault(key, []).append(c.revenue)
    return {k: sum(v) / len(v) for k, v in found.items()}


@settings(max_examples=60, deadline=None)
@given(st.lists(customer_st, max_size=25))
def test_retention_and_revenue_equal_brute_force(raw):
    customers = build(raw)
    expected = brute_retention(customers)
    got = {}
    for row in figures.retention_rows(customers, AS_OF):
        for group in ("members", "others"):
            if row[group]["n"]:
                got[(row["band"], row["horizon"], group)] = (
                    row[group]["n"], row[group]["retained"],
                )  # fmt: skip
                low, high = row[group]["low"], row[group]["high"]
                assert low <= row[group]["value"] <= high
    assert got == expected
    revenue = {}
    for row in figures.revenue_rows(customers, AS_OF):
        for group in ("members", "others"):
            if row[group]["n"]:
                revenue[(row["band"], group)] = row[group]["value"]
    assert revenue.keys() == brute_revenue(customers).keys()
    for key, value in brute_revenue(customers).items():
        assert abs(revenue[key] - value) < 1e-9


@settings(max_examples=60, deadline=None)
@given(st.lists(customer_st, max_size=25))
def test_leads_converted_equal_brute_force(raw):
    customers = build(raw)
    members = [
        figures.MemberFacts(
            user_id=c.user_id, joined=c.joined, campaign=raw[i]["campaign"], source="",
            customer=(c.customer_since, c.churned_at),
        )
        for i, c in enumerate(customers)
        if c.member
    ] + [
        figures.MemberFacts(user_id=1000 + i, joined=AS_OF, campaign="", source="", customer=None)
        for i in range(3)
    ]  # fmt: skip
    result = figures.conversion(members)
    for campaign in {m.campaign for m in members}:
        pool = [m for m in members if m.campaign == campaign]
        leads = converted = 0
        days = []
        for mf in pool:
            customer_then = mf.customer is not None and (
                mf.customer[0] <= mf.joined
                and (mf.customer[1] is None or mf.customer[1] > mf.joined)
            )
            if customer_then:
                continue
            leads += 1
            if mf.customer is not None and mf.customer[0] > mf.joined:
                converted += 1
                days.append((mf.customer[0] - mf.joined).days)
        row = next(r for r in result["campaigns"] if r["campaign"] == campaign)
        assert (row["members"], row["leads"], row["converted"]) == (len(pool), leads, converted)
        assert row["median_days"] == (statistics.median(days) if days else None)


class SelectorAgreesWithFigures(TestCase):
    """The same random list through the database: the selector's figures are the pure
    figures of what it stored (members matched by verified address only)."""

    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(customer_st, min_size=1, max_size=12))
    def test_selector(self, raw):
        community = community_factory()
        other = community_factory()
        facts = build(raw)
        for i, (r, fact) in enumerate(zip(raw, facts, strict=True)):
            user = None
            if r["member"]:
                user = user_factory()
                EmailAddress.objects.create(user=user, email=f"c{i}@example.com", verified=True)
                day = datetime.combine(fact.joined, datetime.min.time(), tzinfo=UTC)
                membership_factory(community, user=user, joined_at=day, requested_at=day)
            Customer.objects.create(
                community=community, email_hash=email_hash(f"c{i}@example.com"),
                customer_since=fact.customer_since, churned_at=fact.churned_at,
                revenue=Decimal(r["revenue"]), matched_user=user,
            )  # fmt: skip
            RevenuePoint.objects.create(
                community=community, email_hash=email_hash(f"c{i}@example.com"), as_of=AS_OF,
                revenue=Decimal(r["revenue"]),
            )  # fmt: skip
        # Noise in another community must not count.
        Customer.objects.create(
            community=other, email_hash="x", customer_since=AS_OF, revenue=Decimal(9)
        )
        CustomerImport.objects.create(community=community, source="api", as_of=AS_OF)
        data = selectors.benefits_figures(community)
        assert data["customers"] == len(facts)
        assert data["members"] == sum(f.member for f in facts)
        strip = [{k: v for k, v in row.items() if k != "band_label"} for row in data["retention"]]
        assert strip == figures.retention_rows(facts, AS_OF)
