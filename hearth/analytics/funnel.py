"""The audience-to-community funnel per source or campaign (pure: no queries).

The caller gives visitor counts per source (from the page-view recorder) and one
:class:`Journey` per person who signed up or joined through the community::

    report = funnel(visitors_by_source, journeys)
    report = funnel(visitors_by_source, journeys, by_campaign=True)
    report = funnel(visitors_by_source, journeys, visitors_by_campaign=by_campaign)

Stages, in order; a journey counts in a stage only if it also reached every stage
before it, so each stage is a subset of the previous one:

1. **visited** — unique visitors from the source, as counted by the recorder; ``None``
   when the recorder has no figure for that source (journeys are not visitors: someone
   can sign up without a recorded visit, so sign-ups may exceed visitors).
2. **signed up** — ``signed_up_at`` is set.
3. **joined** — ``joined_at`` is set (the rules were accepted).
4. **first post** — ``first_post_at`` is set.
5. **reciprocated** — ``first_reciprocated_at`` is set: someone interacted back.
6. **returned in week 2** — active on some UTC date 7..13 days after the date of
   ``joined_at``.
7. **regular** — active on 7+ distinct dates within some 30 consecutive dates on or
   after the join date: the ladder's "contributing" by activity, reached at any moment
   rather than only at a month boundary, so it needs no contribution days and a member
   who became a regular and then left still counts.

Journeys are followed until now: recent joiners may still return or become regulars,
so a recent source's last stages can still grow.

Rows: one per source (an empty or missing source is ``"direct"``), sorted by name, or
with ``by_campaign`` one per (source, campaign) (an empty campaign is ``""``), whose
visitors are unknown (``None``) unless ``visitors_by_campaign`` gives the recorder's counts
per (source, campaign) (then ``by_campaign`` is implied, and a campaign with visitors but
no journeys still gets its row). Each stage has
its count, its conversion from the previous stage and from the first measured stage (the
first stage with a count), as exact ``Fraction``s, ``None`` when the base is empty or
unknown. The total row adds every row up; its visitors are all sources' visitors, or
``None`` if some source with journeys has no visitor count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

DIRECT = "direct"
TOTAL = "total"
WEEK_2 = range(7, 14)  # days after the join date
REGULAR_DAYS, REGULAR_SPAN = 7, 30
STAGES = (
    "visited",
    "signed_up",
    "joined",
    "first_post",
    "reciprocated",
    "returned_week_2",
    "regular",
)


@dataclass(frozen=True)
class Journey:
    user: int
    source: str  # "" (or None) for direct
    campaign: str
    signed_up_at: datetime | None
    joined_at: datetime | None
    first_post_at: datetime | None
    first_reciprocated_at: datetime | None
    active_days: frozenset[date]  # UTC dates with any activity in the community


@dataclass(frozen=True)
class Stage:
    name: str  # one of STAGES
    count: int | None  # None: not measured (visitors unknown)
    from_previous: Fraction | None  # count / previous stage's count
    from_first: Fraction | None  # count / the first measured stage's count


@dataclass(frozen=True)
class FunnelRow:
    source: str  # "direct" for no source; "total" for the total row
    campaign: str | None  # None unless grouped by campaign
    stages: tuple[Stage, ...]  # in STAGES order

    def count(self, name: str) -> int | None:
        for stage in self.stages:
            if stage.name == name:
                return stage.count
        raise KeyError(name)


@dataclass(frozen=True)
class FunnelReport:
    rows: tuple[FunnelRow, ...]
    total: FunnelRow


def returned_in_week_2(journey: Journey) -> bool:
    if journey.joined_at is None:
        return False
    joined = journey.joined_at.date()
    return any((day - joined).days in WEEK_2 for day in journey.active_days)


def regular(journey: Journey) -> bool:
    if journey.joined_at is None:
        return False
    days = sorted(day for day in journey.active_days if day >= journey.joined_at.date())
    span = timedelta(days=REGULAR_SPAN - 1)  # first and last of 30 consecutive dates
    return any(
        days[i + REGULAR_DAYS - 1] - days[i] <= span for i in range(len(days) - REGULAR_DAYS + 1)
    )


CHECKS: tuple[Callable[[Journey], bool], ...] = (
    lambda j: j.signed_up_at is not None,
    lambda j: j.joined_at is not None,
    lambda j: j.first_post_at is not None,
    lambda j: j.first_reciprocated_at is not None,
    returned_in_week_2,
    regular,
)


def _reached(journey: Journey) -> int:
    """How many stages after "visited" the journey reached in a row."""
    reached = 0
    for check in CHECKS:
        if not check(journey):
            break
        reached += 1
    return reached


def _share(part: int | None, whole: int | None) -> Fraction | None:
    return Fraction(part, whole) if part is not None and whole else None


def _row(source: str, campaign: str | None, counts: list[int | None]) -> FunnelRow:
    first = next((count for count in counts if count is not None), None)
    stages = [
        Stage(
            name=name,
            count=count,
            from_previous=_share(count, counts[i - 1]) if i else None,
            from_first=_share(count, first),
        )
        for i, (name, count) in enumerate(zip(STAGES, counts, strict=True))
    ]
    return FunnelRow(source, campaign, tuple(stages))


def _source(source: str | None) -> str:
    return source or DIRECT


def funnel(
    visitors_by_source: dict[str, int],
    journeys: Iterable[Journey],
    *,
    by_campaign: bool = False,
    visitors_by_campaign: dict[tuple[str, str], int] | None = None,
) -> FunnelReport:
    visitors: dict[str, int] = defaultdict(int)
    for source, count in visitors_by_source.items():
        visitors[_source(source)] += count
    campaign_visitors: dict[tuple[str, str], int] = defaultdict(int)
    for (source, campaign), count in (visitors_by_campaign or {}).items():
        campaign_visitors[_source(source), campaign or ""] += count
    by_campaign = by_campaign or visitors_by_campaign is not None
    reached: dict[tuple[str, str | None], list[int]] = defaultdict(lambda: [0] * len(CHECKS))
    if not by_campaign:
        for source in visitors:
            reached[source, None] = [0] * len(CHECKS)
    for key in campaign_visitors:
        reached[key] = [0] * len(CHECKS)
    for journey in journeys:
        key = (_source(journey.source), (journey.campaign or "") if by_campaign else None)
        counts = reached[key]
        for stage in range(_reached(journey)):
            counts[stage] += 1

    rows = []
    for source, campaign in sorted(reached, key=lambda key: (key[0], key[1] or "")):
        if campaign is None:
            visited = visitors.get(source)
        elif visitors_by_campaign is not None:
            visited = campaign_visitors.get((source, campaign))
        else:
            visited = None
        rows.append(_row(source, campaign, [visited, *reached[source, campaign]]))
    totals = [sum(counts[i] for counts in reached.values()) for i in range(len(CHECKS))]
    known = all(source in visitors for source, _ in reached)
    total_visited = sum(visitors.values()) if known else None
    return FunnelReport(tuple(rows), _row(TOTAL, None, [total_visited, *totals]))
