"""The contributor ladder on tiny communities worked out by hand, and against brute force.

Levels at AT = 1 May 2024 (2024 is a leap year). The 90 days before AT are 1 Feb – 30 Apr
(29 + 31 + 30 = 90 dates); the 30 days are 1 – 30 Apr; the four weekly slices are
24–30 Apr, 17–23 Apr, 10–16 Apr and 3–9 Apr. Everyone joined on 1 January unless said.

    1  lea   active 1 Feb – 1 Mar: 30 dates, the first on the span's first day  → leading
    2  lee   active 31 Jan and 2 Feb – 1 Mar: only 29 dates inside the span     → exploring
    3  lord  a leader (trust level 4 or staff), never active                    → leading
    4  cora  active 1, 5, 10, 15, 20, 25, 30 Apr: 7 dates in the 30 days         → contributing
    5  carl  active 31 Mar, 2, 4, 6, 8, 10, 12 Apr: 6 dates in the 30 days, but
             4, 6 and 8 Apr fall in the 3–9 Apr slice                         → participating
    6  ida   answered on 1 Apr (the 30 days' first date), never active         → contributing
    7  ivo   answered on 31 Mar, one day too early                              → exploring
    8  pam   active 24 and 30 Apr: both in the 24–30 Apr slice                  → participating
    9  pat   active 23 and 24 Apr: one in each of two slices                    → exploring
    10 pia   active 3 and 9 Apr: both in the 3–9 Apr slice                      → participating
    11 pip   active 2 and 3 Apr: 2 Apr is before the slices                     → exploring
    12 nell  joined 1 May 00:00, at AT itself                                   → no level
    13 ed    joined 30 Apr 23:59, never active                                  → exploring
    14 may   active 30 Apr and 1 May: AT's own day does not count               → exploring

Counts: leading 2 (1, 3), contributing 2 (4, 6), participating 3 (5, 8, 10), exploring 6
(2, 7, 9, 11, 13, 14); 13 members. Gravity = (2×10² + 2×7² + 3×4² + 6×1²) / 13
= (200 + 98 + 48 + 6) / 13 = 352/13.
"""

import random
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hearth.analytics.ladder import (
    DayArrays,
    Flow,
    Level,
    gravity,
    ladder,
    ladders,
    levels_at,
)

AT = datetime(2024, 5, 1, tzinfo=UTC)
JAN = datetime(2024, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)


def span(first, last):
    return {first + i * DAY for i in range((last - first).days + 1)}


def apr(*days):
    return {date(2024, 4, d) for d in days}


MEMBERS = {user: JAN for user in range(1, 15)} | {
    12: AT,
    13: AT - timedelta(minutes=1),
}
ACTIVE = {
    1: span(date(2024, 2, 1), date(2024, 3, 1)),
    2: {date(2024, 1, 31)} | span(date(2024, 2, 2), date(2024, 3, 1)),
    4: apr(1, 5, 10, 15, 20, 25, 30),
    5: {date(2024, 3, 31)} | apr(2, 4, 6, 8, 10, 12),
    8: apr(24, 30),
    9: apr(23, 24),
    10: apr(3, 9),
    11: apr(2, 3),
    14: apr(30) | {date(2024, 5, 1)},
}
CONTRIBUTED = {6: apr(1), 7: {date(2024, 3, 31)}}
LEADERS = frozenset({3})

E, P, C, L = Level.EXPLORING, Level.PARTICIPATING, Level.CONTRIBUTING, Level.LEADING


def test_levels_match_the_hand_computation():
    assert levels_at(MEMBERS, ACTIVE, CONTRIBUTED, LEADERS, AT) == {
        1: L, 2: E, 3: L, 4: C, 5: P, 6: C, 7: E, 8: P, 9: E, 10: P, 11: E, 13: E, 14: E,
    }  # fmt: skip
    assert len(ACTIVE[1]) == 30 and len(ACTIVE[2]) == 30  # lee's 30th date is 31 Jan


def test_a_single_boundary_report():
    (snapshot,) = ladder(MEMBERS, ACTIVE, CONTRIBUTED, LEADERS, [AT]).snapshots
    assert snapshot.counts == {E: 6, P: 3, C: 2, L: 2}
    assert snapshot.members == 13
    assert snapshot.gravity == gravity(snapshot.counts) == Fraction(352, 13)
    assert snapshot.gravity_change is None


def test_levels_weigh_what_the_product_says():
    assert [(level.label, level.weight) for level in Level] == [
        ("exploring", 1), ("participating", 4), ("contributing", 7), ("leading", 10),
    ]  # fmt: skip
    assert E < P < C < L


def test_moves_between_two_month_boundaries():
    """Boundaries 1 March and 1 April 2024.

    A  active 20, 21 Feb: both in the 16–22 Feb slice → participating; in April's
       slices (4–31 Mar) nothing → exploring: down
    B  leader → leading twice: held
    C  answered on 15 Mar → exploring, then contributing: up
    D  joined 10 Mar, active 20, 21 Mar (the 18–24 Mar slice) → new participating
    E  joined 31 Mar → new exploring
    F  joined 1 Apr 00:00 → not there yet
    G  joined 1 Feb, never active → exploring twice: held

    1 Mar: exploring 2 (C, G), participating 1, leading 1; 4 members;
           gravity (2×1 + 16 + 100) / 4 = 118/4 = 59/2
    1 Apr: exploring 3 (A, E, G), participating 1 (D), contributing 1 (C), leading 1;
           6 members; gravity (3 + 16 + 49 + 100) / 6 = 168/6 = 28; change 28 − 59/2 = −3/2
    """
    a, b, c, d, e, f, g = range(1, 8)
    mar, apr_ = datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC)
    members = {
        a: JAN, b: JAN, c: JAN, d: datetime(2024, 3, 10, 15, tzinfo=UTC),
        e: datetime(2024, 3, 31, 12, tzinfo=UTC), f: apr_, g: datetime(2024, 2, 1, tzinfo=UTC),
    }  # fmt: skip
    active = {a: {date(2024, 2, 20), date(2024, 2, 21)}, d: {date(2024, 3, 20), date(2024, 3, 21)}}
    report = ladder(members, active, {c: {date(2024, 3, 15)}}, frozenset({b}), [mar, apr_])

    first, second = report.snapshots
    assert (first.at, first.counts, first.members) == (mar, {E: 2, P: 1, C: 0, L: 1}, 4)
    assert first.gravity == Fraction(59, 2)
    assert (second.counts, second.members) == ({E: 3, P: 1, C: 1, L: 1}, 6)
    assert second.gravity == 28
    assert second.gravity_change == Fraction(-3, 2)

    (moves,) = report.moves
    assert (moves.start, moves.end) == (mar, apr_)
    assert (moves.up, moves.held, moves.down, moves.new) == (1, 2, 1, 2)
    assert moves.moved_down == (a,)
    assert moves.flows == (
        Flow(None, E, 1), Flow(None, P, 1), Flow(E, E, 1), Flow(E, C, 1), Flow(P, E, 1),
        Flow(L, L, 1),
    )  # fmt: skip


def test_no_members_no_division():
    report = ladder({}, {}, {}, frozenset(), [AT, AT + 31 * DAY])
    for snapshot in report.snapshots:
        assert snapshot.counts == {E: 0, P: 0, C: 0, L: 0}
        assert snapshot.members == 0
        assert snapshot.gravity is None and snapshot.gravity_change is None
    (moves,) = report.moves
    assert (moves.up, moves.held, moves.down, moves.new, moves.flows) == (0, 0, 0, 0, ())
    assert ladder({}, {}, {}, frozenset(), []).snapshots == ()


def test_gravity_change_is_none_after_an_empty_boundary():
    members = {1: AT + DAY}
    first, second = ladder(members, {}, {}, frozenset(), [AT, AT + 2 * DAY]).snapshots
    assert first.gravity is None
    assert (second.gravity, second.gravity_change) == (1, None)


@pytest.mark.parametrize(
    "at",
    [
        datetime(2024, 5, 1),  # naive
        datetime(2024, 5, 1, 6, tzinfo=UTC),  # not midnight
        datetime(2024, 5, 1, tzinfo=UTC) + timedelta(microseconds=1),
    ],
)
def test_boundaries_must_be_utc_midnights(at):
    with pytest.raises(ValueError, match="boundaries"):
        levels_at(MEMBERS, ACTIVE, CONTRIBUTED, LEADERS, at)
    with pytest.raises(ValueError, match="boundaries"):
        ladder({}, {}, {}, frozenset(), [at])


def test_boundaries_must_increase():
    with pytest.raises(ValueError, match="increasing"):
        ladder(MEMBERS, ACTIVE, CONTRIBUTED, LEADERS, [AT, AT])
    with pytest.raises(ValueError, match="increasing"):
        ladder(MEMBERS, ACTIVE, CONTRIBUTED, LEADERS, [AT, AT - DAY])


def test_input_order_does_not_matter():
    users = list(MEMBERS)
    random.Random(2).shuffle(users)
    shuffled = {user: MEMBERS[user] for user in users}
    months = [AT - 30 * DAY, AT, AT + 31 * DAY]
    assert ladder(shuffled, ACTIVE, CONTRIBUTED, LEADERS, months) == ladder(
        MEMBERS, ACTIVE, CONTRIBUTED, LEADERS, months
    )


# Property test against brute force -----------------------------------------------------

ORIGIN = date(2024, 1, 1)
PEOPLE = 7
day_st = st.integers(0, 150).map(lambda n: ORIGIN + n * DAY)


def naive_level(user, members, active, contributed, leaders, at):
    """The definitions, counted one calendar day at a time."""
    if members[user] >= at:
        return None
    today = at.date()

    def active_between(back_from, back_to):  # days today − back_from … today − back_to
        days = active.get(user, set())
        return sum(1 for k in range(back_to, back_from + 1) if today - k * DAY in days)

    if user in leaders or active_between(90, 1) >= 30:
        return Level.LEADING
    answered = any(today - k * DAY in contributed.get(user, set()) for k in range(1, 31))
    if active_between(30, 1) >= 7 or answered:
        return Level.CONTRIBUTING
    if any(active_between(7 * w + 7, 7 * w + 1) >= 2 for w in range(4)):
        return Level.PARTICIPATING
    return Level.EXPLORING


@settings(max_examples=60, deadline=None)
@given(
    joined=st.lists(st.integers(-30, 160), min_size=0, max_size=PEOPLE),
    active=st.dictionaries(st.integers(0, PEOPLE - 1), st.sets(day_st, max_size=60)),
    contributed=st.dictionaries(st.integers(0, PEOPLE - 1), st.sets(day_st, max_size=3)),
    leaders=st.frozensets(st.integers(0, PEOPLE - 1), max_size=2),
    boundaries=st.lists(st.integers(0, 160), min_size=1, max_size=4, unique=True),
)
def test_ladder_equals_brute_force(joined, active, contributed, leaders, boundaries):
    start = datetime(2024, 1, 1, tzinfo=UTC)
    members = {user: start + days * DAY + timedelta(hours=7) for user, days in enumerate(joined)}
    months = [start + days * DAY for days in sorted(boundaries)]
    report = ladder(members, active, contributed, leaders, months)

    previous_levels = previous_gravity = None
    for i, at in enumerate(months):
        expected = {
            user: naive_level(user, members, active, contributed, leaders, at) for user in members
        }
        expected = {user: level for user, level in expected.items() if level is not None}
        assert levels_at(members, active, contributed, leaders, at) == expected
        snapshot = report.snapshots[i]
        counts = {level: list(expected.values()).count(level) for level in Level}
        assert snapshot.counts == counts and snapshot.members == len(expected)
        total = sum(level.weight * level.weight * n for level, n in counts.items())
        expected_gravity = Fraction(total, len(expected)) if expected else None
        assert snapshot.gravity == expected_gravity
        if previous_levels is not None:
            moves = report.moves[i - 1]
            stayers = [u for u in expected if u in previous_levels]
            assert moves.up == sum(1 for u in stayers if expected[u] > previous_levels[u])
            assert moves.held == sum(1 for u in stayers if expected[u] == previous_levels[u])
            assert moves.moved_down == tuple(
                sorted(u for u in stayers if expected[u] < previous_levels[u])
            )
            assert moves.down == len(moves.moved_down)
            assert moves.new == len(expected) - len(stayers)
            assert sum(flow.members for flow in moves.flows) == len(expected)
            for flow in moves.flows:
                assert flow.members == sum(
                    1
                    for u, level in expected.items()
                    if level == flow.target and previous_levels.get(u) == flow.source
                )
            if expected_gravity is None or previous_gravity is None:
                assert snapshot.gravity_change is None
            else:
                assert snapshot.gravity_change == expected_gravity - previous_gravity
        previous_levels, previous_gravity = expected, expected_gravity


def test_several_reports_at_once_equal_each_alone():
    window = [AT - 28 * DAY, AT]
    months = [datetime(2024, m, 1, tzinfo=UTC) for m in (2, 3, 4)] + [AT]
    together = ladders(MEMBERS, ACTIVE, CONTRIBUTED, LEADERS, window, months)
    assert together == (
        ladder(MEMBERS, ACTIVE, CONTRIBUTED, LEADERS, window),
        ladder(MEMBERS, ACTIVE, CONTRIBUTED, LEADERS, months),
    )
    with pytest.raises(ValueError, match="increasing"):
        ladders(MEMBERS, ACTIVE, CONTRIBUTED, LEADERS, window, [AT, JAN])


def test_member_days_as_arrays_give_the_same_ladder():
    def arrays(days_by_member):
        pairs = [(user, day.toordinal()) for user, days in days_by_member.items() for day in days]
        return DayArrays(
            np.array([u for u, _ in pairs], dtype=np.int64),
            np.array([d for _, d in pairs], dtype=np.int64),
        )

    months = [datetime(2024, m, 1, tzinfo=UTC) for m in (2, 3, 4)] + [AT]
    active = ACTIVE | {999: apr(1, 2, 3)}  # someone who is not a member any more
    expected = ladders(MEMBERS, active, CONTRIBUTED, LEADERS, months)
    assert ladders(MEMBERS, arrays(active), arrays(CONTRIBUTED), LEADERS, months) == expected
    assert ladders({}, arrays(active), arrays({}), LEADERS, months) == ladders(
        {}, active, {}, LEADERS, months
    )
