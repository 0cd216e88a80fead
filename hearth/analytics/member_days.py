"""Members' days (the ``MemberDay`` rollup) read once for a whole dashboard computation.

A dashboard counts active members, posters and contributors over several overlapping
spans: the window and the 27 days before it (MAU), the previous window likewise, the
daily rows, the ladder's 90 days before each month start, retention's follow-up. Read
separately, the same rows came from the database five times over; :class:`MemberDays`
reads the union of the spans in one query, and each figure takes its span from it. What
a span gives is exactly what the query of that span alone gives."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

from hearth.analytics import fast_rows
from hearth.analytics.models import MemberDay

DAY = timedelta(days=1)


class MemberDays:
    """The community's ``MemberDay`` rows of the days [first, last), by day."""

    def __init__(self, community_id: int, first: date, last: date):
        self.first, self.last = first, last
        by_day: dict[date, list[tuple[int, int, int]]] = defaultdict(list)
        for day, user, posts, contributions in fast_rows.rows(
            MemberDay.objects.filter(community_id=community_id, day__gte=first, day__lt=last)
            .order_by()
            .values_list("day", "user_id", "posts", "contributions")
        ):
            by_day[day].append((user, posts, contributions))
        self._by_day = by_day

    def covers(self, first: date, last: date) -> bool:
        return self.first <= first and last <= self.last

    def _days(self, first: date, last: date) -> Iterator[tuple[date, list[tuple[int, int, int]]]]:
        if not self.covers(first, last):
            raise ValueError(f"days {first}..{last} are not all read ({self.first}..{self.last})")
        day = first
        while day < last:
            rows = self._by_day.get(day)
            if rows:
                yield day, rows
            day += DAY

    def rows(self, first: date, last: date) -> list[tuple[date, int, int]]:
        """(day, user, posts) of each member's day in [first, last)."""
        return [
            (day, user, posts) for day, rows in self._days(first, last) for user, posts, _ in rows
        ]

    def by_member(
        self,
        first: date,
        last: date,
        *,
        contributions: bool = False,
        members: set[int] | dict | None = None,
    ) -> dict[int, set[date]]:
        """The days each member was active (or, with ``contributions``, contributed) in
        [first, last); only ``members``' when given."""
        result: dict[int, set[date]] = defaultdict(set)
        for day, rows in self._days(first, last):
            for user, _posts, contributed in rows:
                if (not contributions or contributed) and (members is None or user in members):
                    result[user].add(day)
        return result
