"""The customer figures, computed from plain facts (pure: no queries, so the tests can
recompute them by brute force). Definitions: docs/community-health.md, "Benefits:
customers".

Customers are compared within a tenure band: how long ago they became customers, as of
the list's date (under 6 months, 6–12, 12–24, 24 months or more), so members are never
compared with customers who had less time to stay or spend. Intervals are 95% percentile
bootstrap intervals with a fixed seed, so the same data always gives the same figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import median

from hearth.core.lazy_import import lazy

np = lazy("numpy")  # loaded on first use: web processes never compute

DAYS_PER_MONTH = 30.4375
HORIZONS = (3, 6, 12)  # months
HORIZON_DAYS = {3: 91, 6: 183, 12: 365}
# (key, lowest tenure in days, highest tenure in days (excluded) or None)
BANDS = (("0-6", 0, 183), ("6-12", 183, 365), ("12-24", 365, 730), ("24+", 730, None))
RESAMPLES = 1000
SEED = 19
CHUNK_CELLS = 2_000_000  # bootstrap draws per batch, to bound memory


@dataclass(frozen=True)
class CustomerFacts:
    customer_since: date
    churned_at: date | None
    revenue: float
    member: bool  # matched to an active member
    joined: date | None = None  # the member's join day
    email_hash: str = ""
    user_id: int | None = None


def tenure_band(since: date, as_of: date) -> str:
    days = (as_of - since).days
    for key, low, high in BANDS:
        if days >= low and (high is None or days < high):
            return key
    return BANDS[0][0]


def retained(facts: CustomerFacts, horizon: int) -> bool:
    return facts.churned_at is None or (
        (facts.churned_at - facts.customer_since).days >= HORIZON_DAYS[horizon]
    )


def eligible(facts: CustomerFacts, horizon: int, as_of: date) -> bool:
    """Whose tenure could reach the horizon by the list's date."""
    return (as_of - facts.customer_since).days >= HORIZON_DAYS[horizon]


def _rng() -> np.random.Generator:
    return np.random.default_rng(SEED)


def proportion_interval(successes: int, n: int) -> tuple[float | None, float | None]:
    """Resampling n yes/no answers with replacement is a binomial draw."""
    if n == 0:
        return None, None
    draws = _rng().binomial(n, successes / n, RESAMPLES) / n
    low, high = np.percentile(draws, [2.5, 97.5])
    return float(low), float(high)


def mean_interval(values: list[float]) -> tuple[float | None, float | None]:
    n = len(values)
    if n == 0:
        return None, None
    data = np.asarray(values, dtype=float)
    rng = _rng()
    means = np.empty(RESAMPLES)
    per_batch = max(1, CHUNK_CELLS // n)
    done = 0
    while done < RESAMPLES:
        batch = min(per_batch, RESAMPLES - done)
        picks = rng.integers(0, n, size=(batch, n))
        means[done : done + batch] = data[picks].mean(axis=1)
        done += batch
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def _rate(successes: int, n: int) -> dict:
    low, high = proportion_interval(successes, n)
    return {
        "n": n,
        "retained": successes,
        "value": successes / n if n else None,
        "low": low,
        "high": high,
    }


def _mean(values: list[float]) -> dict:
    low, high = mean_interval(values)
    return {
        "n": len(values),
        "value": sum(values) / len(values) if values else None,
        "low": low,
        "high": high,
    }


def retention_rows(customers: list[CustomerFacts], as_of: date) -> list[dict]:
    """Per band and horizon, members against the others: eligible, retained, rate."""
    rows = []
    for band, _low, _high in BANDS:
        in_band = [c for c in customers if tenure_band(c.customer_since, as_of) == band]
        for horizon in HORIZONS:
            groups = {}
            for name, is_member in (("members", True), ("others", False)):
                pool = [c for c in in_band if c.member is is_member and eligible(c, horizon, as_of)]
                groups[name] = _rate(sum(retained(c, horizon) for c in pool), len(pool))
            if groups["members"]["n"] or groups["others"]["n"]:
                rows.append({"band": band, "horizon": horizon, **groups})
    return rows


def revenue_rows(customers: list[CustomerFacts], as_of: date) -> list[dict]:
    rows = []
    for band, _low, _high in BANDS:
        in_band = [c for c in customers if tenure_band(c.customer_since, as_of) == band]
        if not in_band:
            continue
        rows.append(
            {
                "band": band,
                "members": _mean([c.revenue for c in in_band if c.member]),
                "others": _mean([c.revenue for c in in_band if not c.member]),
            }
        )
    return rows


def tenure_adjusted(rows: list[dict], weight_key: str = "n") -> dict | None:
    """Members' and others' figure over the bands where both have someone, each band
    weighted by how many customers it holds (direct standardisation), or None."""
    both = [r for r in rows if r["members"]["n"] and r["others"]["n"]]
    if not both:
        return None
    weights = [r["members"][weight_key] + r["others"][weight_key] for r in both]
    total = sum(weights)
    return {
        group: sum(w * r[group]["value"] for w, r in zip(weights, both, strict=True)) / total
        for group in ("members", "others")
    } | {"bands": [r["band"] for r in both], "customers": total}


def monthly_revenue_change(
    member: CustomerFacts, points: list[tuple[date, float]]
) -> tuple[float, float] | None:
    """(revenue per month before joining, after joining) from the uploads' revenue to date,
    or None when no upload straddles the join.

    Before: from customer since (revenue 0) to the last upload on or before the join day.
    After: from that upload to the latest upload after the join day."""
    if member.joined is None or member.customer_since >= member.joined:
        return None
    before = [(d, r) for d, r in points if member.customer_since < d <= member.joined]
    after = [(d, r) for d, r in points if d > member.joined]
    if not before or not after:
        return None
    b_day, b_revenue = max(before)
    a_day, a_revenue = max(after)
    before_rate = b_revenue / ((b_day - member.customer_since).days / DAYS_PER_MONTH)
    after_rate = (a_revenue - b_revenue) / ((a_day - b_day).days / DAYS_PER_MONTH)
    return before_rate, after_rate


def before_after(members: list[CustomerFacts], points: dict[str, list[tuple[date, float]]]) -> dict:
    """Members who were customers before joining: revenue per month before and after."""
    pairs = []
    ids = []
    customers_before = 0
    for m in members:
        if m.joined is None or m.customer_since >= m.joined:
            continue
        customers_before += 1
        measured = monthly_revenue_change(m, points.get(m.email_hash, []))
        if measured is not None:
            pairs.append(measured)
            ids.append(m.user_id)
    changes = [after - before for before, after in pairs]
    low, high = mean_interval(changes)
    return {
        "customers_before_joining": customers_before,
        "measured": len(pairs),
        "before": sum(b for b, _a in pairs) / len(pairs) if pairs else None,
        "after": sum(a for _b, a in pairs) / len(pairs) if pairs else None,
        "change": sum(changes) / len(changes) if changes else None,
        "low": low,
        "high": high,
        "user_ids": ids,
    }


@dataclass(frozen=True)
class MemberFacts:
    user_id: int
    joined: date
    campaign: str
    source: str
    # The member's customer record, if matched: (customer since, churned at).
    customer: tuple[date, date | None] | None


def was_customer_at_join(m: MemberFacts) -> bool:
    if m.customer is None:
        return False
    since, churned = m.customer
    return since <= m.joined and (churned is None or churned > m.joined)


def converted(m: MemberFacts) -> bool:
    return m.customer is not None and m.customer[0] > m.joined


def conversion(members: list[MemberFacts]) -> dict:
    """Leads converted: members who were not customers when they joined and became
    customers later, overall and per (campaign, source)."""
    groups: dict[tuple[str, str], list[MemberFacts]] = {}
    for m in members:
        groups.setdefault((m.campaign, m.source), []).append(m)

    def summary(pool: list[MemberFacts]) -> dict:
        leads = [m for m in pool if not was_customer_at_join(m)]
        won = [m for m in leads if converted(m)]
        days = [(m.customer[0] - m.joined).days for m in won]
        return {
            "members": len(pool),
            "leads": len(leads),
            "converted": len(won),
            "rate": len(won) / len(leads) if leads else None,
            "median_days": median(days) if days else None,
        }

    per_campaign = [
        {"campaign": campaign, "source": source, **summary(pool)}
        for (campaign, source), pool in groups.items()
    ]
    per_campaign.sort(key=lambda r: (-r["converted"], -r["members"], r["campaign"], r["source"]))
    return {**summary(members), "campaigns": per_campaign}
