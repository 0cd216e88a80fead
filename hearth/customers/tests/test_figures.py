"""The figures against a fixture computed by hand, and the intervals' reproducibility."""

from datetime import date

import pytest

from hearth.customers import figures
from hearth.customers.figures import CustomerFacts, MemberFacts

AS_OF = date(2025, 1, 1)


def c(since, churned, revenue, member, **kw):
    return CustomerFacts(
        customer_since=date.fromisoformat(since),
        churned_at=date.fromisoformat(churned) if churned else None,
        revenue=revenue,
        member=member,
        **kw,
    )


# Tenure as of 1 Jan 2025 (days): A 580, B 550, C 611, D 488 (all 12–24 months), E 122.
CUSTOMERS = [
    c("2023-06-01", None, 1200, True),  # A: stays
    c("2023-07-01", "2024-03-01", 300, True),  # B: churned after 244 days
    c("2023-05-01", "2023-07-01", 100, False),  # C: churned after 61 days
    c("2023-09-01", None, 500, False),  # D: stays
    c("2024-09-01", None, 50, False),  # E: a customer for 122 days
]


def _row(rows, band, horizon):
    return next(r for r in rows if r["band"] == band and r["horizon"] == horizon)


def test_retention_by_hand():
    rows = figures.retention_rows(CUSTOMERS, AS_OF)
    twelve = _row(rows, "12-24", 12)
    assert (twelve["members"]["retained"], twelve["members"]["n"]) == (1, 2)
    assert (twelve["others"]["retained"], twelve["others"]["n"]) == (1, 2)
    three = _row(rows, "12-24", 3)
    assert (three["members"]["retained"], three["members"]["n"]) == (2, 2)
    assert (three["others"]["retained"], three["others"]["n"]) == (1, 2)
    young = _row(rows, "0-6", 3)
    assert young["members"]["n"] == 0 and young["members"]["value"] is None
    assert (young["others"]["retained"], young["others"]["n"]) == (1, 1)
    # E cannot have reached 6 months yet: no row, rather than a made-up rate.
    assert not [r for r in rows if r["band"] == "0-6" and r["horizon"] == 6]
    assert {r["band"] for r in rows} == {"12-24", "0-6"}


def test_revenue_by_hand():
    rows = figures.revenue_rows(CUSTOMERS, AS_OF)
    older = next(r for r in rows if r["band"] == "12-24")
    assert older["members"]["value"] == 750 and older["others"]["value"] == 300
    young = next(r for r in rows if r["band"] == "0-6")
    assert young["members"]["value"] is None and young["others"]["value"] == 50
    # Only the band with both members and others is compared.
    assert figures.tenure_adjusted(rows) == {
        "members": 750, "others": 300, "bands": ["12-24"], "customers": 4,
    }  # fmt: skip


def test_tenure_adjusted_weights_bands_by_their_customers():
    rows = [
        {"band": "a", "members": {"n": 1, "value": 1.0}, "others": {"n": 3, "value": 0.5}},
        {"band": "b", "members": {"n": 4, "value": 0.0}, "others": {"n": 4, "value": 0.25}},
    ]
    adjusted = figures.tenure_adjusted(rows)
    assert adjusted["members"] == pytest.approx((4 * 1.0 + 8 * 0.0) / 12)
    assert adjusted["others"] == pytest.approx((4 * 0.5 + 8 * 0.25) / 12)


def test_revenue_per_month_before_and_after_joining_by_hand():
    member = c("2023-06-01", None, 1200, True, joined=date(2024, 1, 1), email_hash="a", user_id=1)
    points = {
        "a": [(date(2023, 12, 1), 600.0), (date(2024, 7, 1), 900.0), (date(2025, 1, 1), 1200.0)]
    }
    result = figures.before_after([member], points)
    before = 600 / (183 / 30.4375)  # 1 Jun → 1 Dec 2023
    after = (1200 - 600) / (397 / 30.4375)  # 1 Dec 2023 → 1 Jan 2025
    assert result["measured"] == 1 and result["customers_before_joining"] == 1
    assert result["before"] == pytest.approx(before)
    assert result["after"] == pytest.approx(after)
    assert result["change"] == pytest.approx(after - before)
    assert result["user_ids"] == [1]


def test_without_an_upload_on_each_side_of_the_join_nothing_is_measured():
    member = c("2023-06-01", None, 1200, True, joined=date(2024, 1, 1), email_hash="a", user_id=1)
    only_after = {"a": [(date(2024, 7, 1), 900.0), (date(2025, 1, 1), 1200.0)]}
    result = figures.before_after([member], only_after)
    assert result["customers_before_joining"] == 1
    assert result["measured"] == 0 and result["change"] is None and result["low"] is None
    # A member who became a customer after joining is a converted lead, not measured here.
    lead = c("2024-03-01", None, 10, True, joined=date(2024, 1, 1), email_hash="b", user_id=2)
    assert figures.before_after([lead], {"b": only_after["a"]})["customers_before_joining"] == 0


def m(user_id, joined, customer=None, campaign="", source=""):
    return MemberFacts(
        user_id=user_id,
        joined=date.fromisoformat(joined),
        campaign=campaign,
        source=source,
        customer=None
        if customer is None
        else (date.fromisoformat(customer[0]), customer[1] and date.fromisoformat(customer[1])),
    )


def test_leads_converted_by_hand():
    members = [
        m(1, "2024-01-01", ("2023-06-01", None)),  # already a customer
        m(2, "2023-06-01", ("2023-07-01", None)),  # converted after 30 days
        m(3, "2024-02-01"),  # a lead, not converted
        m(4, "2024-03-01", ("2024-05-01", None), "spring", "newsletter"),  # 61 days
        m(5, "2024-03-01", ("2023-01-01", "2023-06-01")),  # had churned: a lead again
    ]
    result = figures.conversion(members)
    assert (result["members"], result["leads"], result["converted"]) == (5, 4, 2)
    assert result["rate"] == pytest.approx(0.5)
    assert result["median_days"] == 45.5
    spring = next(r for r in result["campaigns"] if r["campaign"] == "spring")
    assert (spring["source"], spring["leads"], spring["converted"], spring["rate"]) == (
        "newsletter", 1, 1, 1.0,
    )  # fmt: skip
    direct = next(r for r in result["campaigns"] if r["campaign"] == "")
    assert (direct["members"], direct["leads"], direct["converted"]) == (4, 3, 1)
    assert direct["median_days"] == 30


def test_intervals_are_reproducible_and_hold_the_estimate():
    values = [float(v) for v in range(1, 41)]
    first = figures.mean_interval(values)
    assert first == figures.mean_interval(values)
    assert first[0] < sum(values) / len(values) < first[1]
    low, high = figures.proportion_interval(30, 40)
    assert (low, high) == figures.proportion_interval(30, 40)
    assert low < 0.75 < high
    assert figures.proportion_interval(0, 0) == (None, None)
    assert figures.mean_interval([]) == (None, None)


def test_a_large_list_is_bootstrapped_in_batches():
    values = [float(i % 100) for i in range(50_000)]
    low, high = figures.mean_interval(values)
    assert low < 49.5 < high and high - low < 1
