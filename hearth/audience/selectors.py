"""Reads of the audience figures: a few aggregate queries over the day tables, whatever the
traffic. Ranges are half-open, ``[start, end)`` in UTC days, like the health metrics'
windows: ``audience_figures(c, date(2025, 3, 1), date(2025, 3, 29))`` is 28 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Sum

from hearth.audience.models import AudienceDay, ReferrerDay, SourceVisitDay, VisitorDay
from hearth.communities.models import Community

TOP_REFERRERS = 10


@dataclass(frozen=True)
class DayAudience:
    day: date
    page_views: int
    visitors: int


@dataclass(frozen=True)
class Referrer:
    host: str
    views: int


@dataclass(frozen=True)
class Audience:
    start: date
    end: date  # exclusive
    page_views: int
    # Distinct over the whole range: a visitor seen on several days counts once (except
    # signed-out visitors without a session, whose hash changes every day).
    unique_visitors: int
    days: tuple[DayAudience, ...]  # every day of the range, oldest first, zeros included
    referrers: tuple[Referrer, ...]  # the top 10 external sites by views, most first


def _check(start: date, end: date) -> None:
    if end <= start:
        raise ValueError("the range must end after it starts")


def audience_figures(community: Community, start: date, end: date) -> Audience:
    """Page views, unique visitors and top referrers of ``community`` over ``[start, end)``;
    three queries."""
    _check(start, end)
    in_range = {"community": community, "day__gte": start, "day__lt": end}
    totals = {
        row["day"]: row
        for row in AudienceDay.objects.filter(**in_range).values("day", "page_views", "visitors")
    }
    unique_visitors = VisitorDay.objects.filter(**in_range).aggregate(
        n=Count("visitor_hash", distinct=True)
    )["n"]
    referrers = (
        ReferrerDay.objects.filter(**in_range)
        .values("host")
        .annotate(total=Sum("views"))
        .order_by("-total", "host")[:TOP_REFERRERS]
    )
    days = []
    for offset in range((end - start).days):
        day = start + timedelta(days=offset)
        row = totals.get(day)
        days.append(
            DayAudience(day, row["page_views"], row["visitors"]) if row else DayAudience(day, 0, 0)
        )
    return Audience(
        start=start,
        end=end,
        page_views=sum(d.page_views for d in days),
        unique_visitors=unique_visitors,
        days=tuple(days),
        referrers=tuple(Referrer(r["host"], r["total"]) for r in referrers),
    )


def visitors_by_source(community: Community, start: date, end: date) -> dict[str, int]:
    """Distinct visitors who landed with each ``source`` / ``utm_source`` over
    ``[start, end)``, most first; one query."""
    _check(start, end)
    rows = (
        SourceVisitDay.objects.filter(community=community, day__gte=start, day__lt=end)
        .values("source")
        .annotate(n=Count("visitor_hash", distinct=True))
        .order_by("-n", "source")
    )
    return {row["source"]: row["n"] for row in rows}


def visitors_by_campaign(
    community: Community, start: date, end: date
) -> dict[tuple[str, str], int]:
    """The same per (source, campaign), to match ``Membership.source`` / ``.campaign``."""
    _check(start, end)
    rows = (
        SourceVisitDay.objects.filter(community=community, day__gte=start, day__lt=end)
        .values("source", "campaign")
        .annotate(n=Count("visitor_hash", distinct=True))
        .order_by("-n", "source", "campaign")
    )
    return {(row["source"], row["campaign"]): row["n"] for row in rows}
