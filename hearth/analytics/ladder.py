"""The contributor ladder and its gravity, after the Orbit model (pure: no queries).

The caller gives each member's join time, the UTC dates they were active on, and the
dates they contributed on (answered someone else's question — a reply in a question topic
asked by another — or proposed an idea)::

    levels = levels_at(members, active_days, contribution_days, leaders, at)
    report = ladder(members, active_days, contribution_days, leaders, months)

A member's level at a moment ``at`` (a UTC midnight, exclusive end) is the highest of:

- **leading** (weight 10): active on 30+ distinct days in the 90 days before ``at``, or a
  leader (trust level 4 or staff). Leaders are given as one set, today's: like the
  metrics' staff, leadership is not reconstructed over time.
- **contributing** (7): active on 7+ distinct days in the 30 days before ``at``, or
  answered or proposed on any day in those 30 days.
- **participating** (4): active on 2+ distinct days within one of the four 7-day slices
  counted back from ``at``: [at − 7d, at), [at − 14d, at − 7d), [at − 21d, at − 14d),
  [at − 28d, at − 21d).
- **exploring** (1): every other member who had joined before ``at``.

"The N days before ``at``" are the UTC dates at − N days … at − 1 day. Members who had
not joined by ``at`` have no level; activity dated before a member's join time still
counts (a member who left and came back keeps their history).

Between two boundaries, a member present at both moved **up**, **held** or moved
**down**; a member who joined between them is a **new** flow into their level (a flow
whose source is ``None``) and counts in none of up, held, down. Members are never lost
between boundaries: ``members`` holds current memberships only, whose join times do not
change.

**Gravity** at a boundary is Σ (weight² × members at that level) / members, an exact
``Fraction`` between 1 and 100 (``None`` with no members); its change is the difference
from the previous boundary.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum
from fractions import Fraction

import numpy as np


class Level(IntEnum):
    """A ladder level; its value is its weight, so levels compare by height."""

    EXPLORING = 1
    PARTICIPATING = 4
    CONTRIBUTING = 7
    LEADING = 10

    @property
    def weight(self) -> int:
        return int(self.value)

    @property
    def label(self) -> str:
        return self.name.lower()


LEADING_DAYS, LEADING_SPAN = 30, 90
CONTRIBUTING_DAYS, CONTRIBUTING_SPAN = 7, 30
PARTICIPATING_DAYS, PARTICIPATING_WEEKS = 2, 4
WEEK_DAYS = 7


@dataclass(frozen=True)
class LadderSnapshot:
    at: datetime
    counts: dict[Level, int]  # every level, zeros included
    members: int  # members who had joined before ``at``
    gravity: Fraction | None  # Σ(weight² × count) / members
    gravity_change: Fraction | None  # from the previous boundary; None for the first


@dataclass(frozen=True)
class Flow:
    source: Level | None  # None: joined between the two boundaries
    target: Level
    members: int


@dataclass(frozen=True)
class LadderMoves:
    start: datetime
    end: datetime
    up: int
    held: int
    down: int
    new: int  # joined between start and end
    flows: tuple[Flow, ...]  # non-empty flows; new first, then by source, then by target
    moved_down: tuple[int, ...]  # member ids, the drill-down for members slipping


@dataclass(frozen=True)
class LadderReport:
    snapshots: tuple[LadderSnapshot, ...]  # one per boundary
    moves: tuple[LadderMoves, ...]  # one per consecutive pair of boundaries


def _end_day(at: datetime) -> date:
    if at.tzinfo is None:
        raise ValueError("ladder boundaries must be aware datetimes")
    at = at.astimezone(UTC)
    if at.time() != time():
        raise ValueError("ladder boundaries must be UTC midnights")
    return at.date()


class _Days:
    """Every (member, day) of a ``{member: set of dates}`` as two arrays, so a level is a
    few array counts per boundary rather than a few bisections per member."""

    def __init__(self, days_by_member: dict[int, set[date]], index: dict[int, int]):
        users, ordinals = [], []
        for user, days in days_by_member.items():
            i = index.get(user)
            if i is not None:
                users.extend([i] * len(days))
                ordinals.extend(d.toordinal() for d in days)
        self.users = np.array(users, dtype=np.int64)
        self.days = np.array(ordinals, dtype=np.int64)
        self.size = len(index)

    def count(self, first: date, end: date):
        """Per member, their days within [first, end)."""
        inside = (self.days >= first.toordinal()) & (self.days < end.toordinal())
        return np.bincount(self.users[inside], minlength=self.size)


def _levels(
    members: dict[int, datetime],
    users: list[int],
    active: _Days,
    contributed: _Days,
    leaders: frozenset[int],
    at: datetime,
) -> dict[int, Level]:
    end = _end_day(at)

    def since(days: _Days, n: int, upto: int = 0):
        return days.count(end - timedelta(days=n), end - timedelta(days=upto))

    leading = since(active, LEADING_SPAN) >= LEADING_DAYS
    leading |= np.array([user in leaders for user in users], dtype=bool)
    contributing = (since(active, CONTRIBUTING_SPAN) >= CONTRIBUTING_DAYS) | (
        since(contributed, CONTRIBUTING_SPAN) > 0
    )
    participating = np.zeros(len(users), dtype=bool)
    for k in range(PARTICIPATING_WEEKS):
        participating |= since(active, WEEK_DAYS * (k + 1), WEEK_DAYS * k) >= PARTICIPATING_DAYS
    weights = np.select(
        [leading, contributing, participating],
        [Level.LEADING.value, Level.CONTRIBUTING.value, Level.PARTICIPATING.value],
        Level.EXPLORING.value,
    ).tolist()
    level = {weight.value: weight for weight in Level}
    return {
        user: level[weight]
        for user, weight in zip(users, weights, strict=True)
        if members[user] < at
    }


def _prepared(members, active_days, contribution_days) -> tuple[list[int], _Days, _Days]:
    users = list(members)
    index = {user: i for i, user in enumerate(users)}
    return users, _Days(active_days, index), _Days(contribution_days, index)


def levels_at(
    members: dict[int, datetime],
    active_days: dict[int, set[date]],
    contribution_days: dict[int, set[date]],
    leaders: frozenset[int],
    at: datetime,
) -> dict[int, Level]:
    """Level of every member who had joined before ``at``."""
    users, active, contributed = _prepared(members, active_days, contribution_days)
    return _levels(members, users, active, contributed, leaders, at)


def gravity(counts: dict[Level, int]) -> Fraction | None:
    members = sum(counts.values())
    if not members:
        return None
    return Fraction(sum(level.weight**2 * n for level, n in counts.items()), members)


def _moves(
    start: datetime, end: datetime, before: dict[int, Level], after: dict[int, Level]
) -> LadderMoves:
    flows: Counter[tuple[Level | None, Level]] = Counter()
    moved_down = []
    for user, level in after.items():
        source = before.get(user)
        flows[source, level] += 1
        if source is not None and level < source:
            moved_down.append(user)
    return LadderMoves(
        start=start,
        end=end,
        up=sum(n for (s, t), n in flows.items() if s is not None and t > s),
        held=sum(n for (s, t), n in flows.items() if s is not None and t == s),
        down=len(moved_down),
        new=sum(n for (s, _), n in flows.items() if s is None),
        flows=tuple(
            Flow(s, t, n)
            for (s, t), n in sorted(flows.items(), key=lambda f: (f[0][0] or 0, f[0][1]))
        ),
        moved_down=tuple(sorted(moved_down)),
    )


def ladder(
    members: dict[int, datetime],
    active_days: dict[int, set[date]],
    contribution_days: dict[int, set[date]],
    leaders: frozenset[int],
    months: list[datetime],
) -> LadderReport:
    """Levels at each boundary (strictly increasing UTC midnights) and the moves between."""
    return ladders(members, active_days, contribution_days, leaders, months)[0]


def ladders(
    members: dict[int, datetime],
    active_days: dict[int, set[date]],
    contribution_days: dict[int, set[date]],
    leaders: frozenset[int],
    *boundaries: list[datetime],
) -> tuple[LadderReport, ...]:
    """:func:`ladder` for each list of boundaries, with the members' days prepared once
    and the levels at a boundary the lists share computed once."""
    for months in boundaries:
        if any(b <= a for a, b in zip(months, months[1:], strict=False)):
            raise ValueError("ladder boundaries must be strictly increasing")
    users, active, contributed = _prepared(members, active_days, contribution_days)
    levels_at_boundary: dict[datetime, dict[int, Level]] = {}
    for at in {at for months in boundaries for at in months}:
        levels_at_boundary[at] = _levels(members, users, active, contributed, leaders, at)
    return tuple(
        _report(months, [levels_at_boundary[at] for at in months]) for months in boundaries
    )


def _report(months: list[datetime], levels: list[dict[int, Level]]) -> LadderReport:
    snapshots, previous = [], None
    for at, by_member in zip(months, levels, strict=True):
        counts = Counter(by_member.values())
        counts = {level: counts[level] for level in Level}
        current = gravity(counts)
        change = None if current is None or previous is None else current - previous
        snapshots.append(LadderSnapshot(at, counts, len(by_member), current, change))
        previous = current
    moves = tuple(
        _moves(months[i], months[i + 1], levels[i], levels[i + 1]) for i in range(len(months) - 1)
    )
    return LadderReport(tuple(snapshots), moves)
