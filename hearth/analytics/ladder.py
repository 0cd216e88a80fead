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

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum
from fractions import Fraction
from typing import NamedTuple

from hearth.core.lazy_import import lazy

np = lazy("numpy")  # loaded on first use: web processes never compute


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
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


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


class DayArrays(NamedTuple):
    """Member days as two arrays: member ids, and the days as ``date.toordinal()`` (each
    (member, day) once), the form a large community's days come in from the rollups."""

    users: np.ndarray
    days: np.ndarray


class _Days:
    """Every (member, day) of a ``{member: set of dates}`` (or of :class:`DayArrays`) as two
    arrays of member indices and day ordinals, so a level is a few array counts per
    boundary rather than a few bisections per member."""

    def __init__(self, days: dict[int, set[date]] | DayArrays, users: list[int], index: dict):
        if isinstance(days, DayArrays):
            ids = np.array(users, dtype=np.int64)
            sorter = np.argsort(ids)
            at = np.minimum(np.searchsorted(ids, days.users, sorter=sorter), len(ids) - 1)
            found = ids[sorter[at]] == days.users if len(ids) else np.zeros(len(at), dtype=bool)
            self.users = sorter[at][found] if len(ids) else np.zeros(0, dtype=np.int64)
            self.days = days.days[found]
        else:
            members, ordinals = [], []
            for user, dates in days.items():
                i = index.get(user)
                if i is not None:
                    members.extend([i] * len(dates))
                    ordinals.extend(d.toordinal() for d in dates)
            self.users = np.array(members, dtype=np.int64)
            self.days = np.array(ordinals, dtype=np.int64)
        self.size = len(users)

    def count(self, first: date, end: date):
        """Per member, their days within [first, end)."""
        inside = (self.days >= first.toordinal()) & (self.days < end.toordinal())
        return np.bincount(self.users[inside], minlength=self.size)


class _Members(NamedTuple):
    """The members in one order: ids, join times (microseconds since the epoch) and who
    leads, as arrays."""

    users: list[int]
    ids: np.ndarray
    joined: np.ndarray
    leading: np.ndarray


def _micros(at: datetime) -> int:
    return (at - EPOCH) // MICROSECOND


def _levels(members: _Members, active: _Days, contributed: _Days, at: datetime) -> np.ndarray:
    """Each member's level weight at ``at``; 0 for those who had not joined yet."""
    end = _end_day(at)

    def since(days: _Days, n: int, upto: int = 0):
        return days.count(end - timedelta(days=n), end - timedelta(days=upto))

    leading = (since(active, LEADING_SPAN) >= LEADING_DAYS) | members.leading
    contributing = (since(active, CONTRIBUTING_SPAN) >= CONTRIBUTING_DAYS) | (
        since(contributed, CONTRIBUTING_SPAN) > 0
    )
    participating = np.zeros(len(members.users), dtype=bool)
    for k in range(PARTICIPATING_WEEKS):
        participating |= since(active, WEEK_DAYS * (k + 1), WEEK_DAYS * k) >= PARTICIPATING_DAYS
    weights = np.select(
        [leading, contributing, participating],
        [Level.LEADING.value, Level.CONTRIBUTING.value, Level.PARTICIPATING.value],
        Level.EXPLORING.value,
    )
    return np.where(members.joined < _micros(at), weights, 0)


def _prepared(
    members: dict[int, datetime], active_days, contribution_days, leaders: frozenset[int]
) -> tuple[_Members, _Days, _Days]:
    users = list(members)
    index = {user: i for i, user in enumerate(users)}
    prepared = _Members(
        users,
        np.array(users, dtype=np.int64),
        np.array([_micros(at) for at in members.values()], dtype=np.int64),
        np.array([user in leaders for user in users], dtype=bool),
    )
    return prepared, _Days(active_days, users, index), _Days(contribution_days, users, index)


LEVEL = {level.value: level for level in Level}


def levels_at(
    members: dict[int, datetime],
    active_days: dict[int, set[date]],
    contribution_days: dict[int, set[date]],
    leaders: frozenset[int],
    at: datetime,
) -> dict[int, Level]:
    """Level of every member who had joined before ``at``."""
    prepared, active, contributed = _prepared(members, active_days, contribution_days, leaders)
    weights = _levels(prepared, active, contributed, at).tolist()
    return {user: LEVEL[w] for user, w in zip(prepared.users, weights, strict=True) if w}


def gravity(counts: dict[Level, int]) -> Fraction | None:
    members = sum(counts.values())
    if not members:
        return None
    return Fraction(sum(level.weight**2 * n for level, n in counts.items()), members)


def _moves(
    start: datetime, end: datetime, before: np.ndarray, after: np.ndarray, ids: np.ndarray
) -> LadderMoves:
    """Between two boundaries' level weights (0: not joined yet) of the same members."""
    present = after > 0
    source, target = before[present], after[present]
    codes, counts = np.unique(source * 100 + target, return_counts=True)
    flows = [
        (LEVEL.get(code // 100), LEVEL[code % 100], n)
        for code, n in zip(codes.tolist(), counts.tolist(), strict=True)
    ]
    stayed = source > 0
    return LadderMoves(
        start=start,
        end=end,
        up=int((stayed & (target > source)).sum()),
        held=int((stayed & (target == source)).sum()),
        down=int((stayed & (target < source)).sum()),
        new=int((~stayed).sum()),
        flows=tuple(Flow(s, t, n) for s, t, n in flows),
        moved_down=tuple(np.sort(ids[present & (before > 0) & (after < before)]).tolist()),
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
    active_days: dict[int, set[date]] | DayArrays,
    contribution_days: dict[int, set[date]] | DayArrays,
    leaders: frozenset[int],
    *boundaries: list[datetime],
) -> tuple[LadderReport, ...]:
    """:func:`ladder` for each list of boundaries, with the members' days prepared once
    and the levels at a boundary the lists share computed once."""
    for months in boundaries:
        if any(b <= a for a, b in zip(months, months[1:], strict=False)):
            raise ValueError("ladder boundaries must be strictly increasing")
    prepared, active, contributed = _prepared(members, active_days, contribution_days, leaders)
    levels_at_boundary = {
        at: _levels(prepared, active, contributed, at)
        for at in {at for months in boundaries for at in months}
    }
    return tuple(
        _report(months, [levels_at_boundary[at] for at in months], prepared.ids)
        for months in boundaries
    )


def _report(months: list[datetime], levels: list[np.ndarray], ids: np.ndarray) -> LadderReport:
    snapshots, previous = [], None
    for at, weights in zip(months, levels, strict=True):
        counts = {level: int((weights == level.value).sum()) for level in Level}
        current = gravity(counts)
        change = None if current is None or previous is None else current - previous
        snapshots.append(LadderSnapshot(at, counts, int((weights > 0).sum()), current, change))
        previous = current
    moves = tuple(
        _moves(months[i], months[i + 1], levels[i], levels[i + 1], ids)
        for i in range(len(months) - 1)
    )
    return LadderReport(tuple(snapshots), moves)
