"""Members' days (the ``MemberDay`` rollup) read once for a whole dashboard computation.

A dashboard counts active members, posters and contributors over several overlapping
spans: the window and the 27 days before it (MAU), the previous window likewise, the
daily rows, the ladder's 90 days before each month start, retention's follow-up. Read
separately, the same rows came from the database five times over; :class:`MemberDays`
reads the union of the spans in one query, as arrays ordered by day, and each figure
takes its span from it (a run of rolling distinct counts is computed once). What a span
gives is exactly what a query of that span gives."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db import connection

from hearth.analytics import fast_rows
from hearth.analytics.models import MemberDay
from hearth.core.lazy_import import lazy

np = lazy("numpy")  # loaded on first use: web processes never compute

DAY = timedelta(days=1)


class MemberDays:
    """The community's ``MemberDay`` rows of the days [first, last)."""

    def __init__(self, community_id: int, first: date, last: date):
        self.first, self.last = first, last
        table = connection.ops.quote_name(MemberDay._meta.db_table)
        column = {f: connection.ops.quote_name(MemberDay._meta.get_field(f).column) for f in
                  ("day", "user_id", "posts", "contributions", "community")}  # fmt: skip
        # The day as a proleptic Gregorian ordinal (date.toordinal), computed exactly.
        if connection.vendor == "postgresql":
            ordinal = f"({column['day']} - DATE '0001-01-01' + 1)"
        else:
            ordinal = f"CAST(julianday({column['day']}) - julianday('0001-01-01') AS INTEGER) + 1"
        day = MemberDay._meta.get_field("day")
        found = fast_rows.sql_rows(
            f"SELECT {ordinal}, {column['user_id']}, {column['posts']}, "  # noqa: S608 - our table
            f"{column['contributions']} FROM {table} WHERE {column['community']} = %s "
            f"AND {column['day']} >= %s AND {column['day']} < %s ORDER BY {column['day']}",
            [community_id, *(day.get_db_prep_value(d, connection) for d in (first, last))],
        )
        self.days, self.users, self.posts, self.contributions = fast_rows.int_columns(found, 4)
        self._distinct: dict[tuple[date, int, int], list[int]] = {}

    def covers(self, first: date, last: date) -> bool:
        return self.first <= first and last <= self.last

    def _slice(self, first: date, last: date) -> slice:
        if not self.covers(first, last):
            raise ValueError(f"days {first}..{last} are not all read ({self.first}..{self.last})")
        return slice(
            int(np.searchsorted(self.days, first.toordinal())),
            int(np.searchsorted(self.days, last.toordinal())),
        )

    def active_count(self, day: date) -> int:
        """How many members were active that day (a row per member and day)."""
        span = self._slice(day, day + DAY)
        return span.stop - span.start

    def active_between(self, first: date, last: date) -> set[int]:
        """Who was active on some day of [first, last)."""
        return set(self.users[self._slice(first, last)].tolist())

    def posters_between(self, first: date, last: date) -> set[int]:
        """Who posted on some day of [first, last)."""
        span = self._slice(first, last)
        return set(self.users[span][self.posts[span] > 0].tolist())

    def posts_on(self, day: date) -> int:
        return int(self.posts[self._slice(day, day + DAY)].sum())

    def distinct(self, first: date, count: int, span: int) -> list[int]:
        """Distinct active members over the ``span`` days ending on each of the ``count``
        days from ``first``. Each member day counts on the ``span`` days from it; a
        member's overlapping runs are merged, so each member counts once a day; a running
        sum over the days' starts and ends gives the counts."""
        key = (first, count, span)
        if key not in self._distinct:
            lead = first.toordinal() - (span - 1)
            chosen = self._slice(date.fromordinal(lead), first + count * DAY)
            users, days = self.users[chosen], self.days[chosen]
            if not len(users):
                self._distinct[key] = [0] * count
                return self._distinct[key]
            order = np.lexsort((days, users))
            users, days = users[order], days[order]
            starts = np.ones(len(users), dtype=bool)
            starts[1:] = (users[1:] != users[:-1]) | (days[1:] - days[:-1] > span)
            first_rows = np.flatnonzero(starts)
            last_rows = np.append(first_rows[1:] - 1, len(users) - 1)
            change = np.zeros(count + 2 * span + 1, dtype=np.int64)
            np.add.at(change, days[first_rows] - lead, 1)
            np.add.at(change, days[last_rows] + span - lead, -1)
            self._distinct[key] = np.cumsum(change)[span - 1 : span - 1 + count].tolist()
        return self._distinct[key]

    def arrays(
        self, first: date, last: date, *, contributions: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """(member ids, day ordinals) of every member day in [first, last), or of those
        with a contribution."""
        span = self._slice(first, last)
        users, days = self.users[span], self.days[span]
        if contributions:
            kept = self.contributions[span] > 0
            users, days = users[kept], days[kept]
        return users, days

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
        users, days = self.arrays(first, last, contributions=contributions)
        if members is not None:
            kept = np.isin(users, np.fromiter(members, dtype=np.int64, count=len(members)))
            users, days = users[kept], days[kept]
        dates = {ordinal: date.fromordinal(ordinal) for ordinal in np.unique(days).tolist()}
        result: dict[int, set[date]] = defaultdict(set)
        for user, ordinal in zip(users.tolist(), days.tolist(), strict=True):
            result[user].add(dates[ordinal])
        return result
