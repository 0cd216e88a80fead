"""The funnel per source on a tiny set of journeys worked out by hand, and brute force.

Everyone who joined did so on Monday 4 March 2024 (10:00 UTC), so "returned in week 2"
means active on some date 11–17 March, and "regular" 7 active dates within 30 consecutive
dates from 4 March on. Visitors: newsletter 100, twitter 40, direct ("") 10; none
recorded for podcast. Stages: signed up, joined, posted, reciprocated, returned, regular.

    newsletter n1  all six: active 11–17 Mar (7 consecutive dates)             → 6 stages
               n2  all six: active 17 Mar (day 13) and 20, 25, 30 Mar, 2, 5,
                   15 Apr: 7 dates from 17 Mar to 15 Apr = 30 dates            → 6
               n3  reciprocated, active 10 Mar (day 6) and 18 Mar (day 14), then
                   1–7 Apr daily: regular, but never returned in week 2       → 4
               n4  posted, never reciprocated (active in week 2 all the same)   → 3
               n5  signed up only                                             → 1
               n6  joined, never posted (a regular all the same)              → 2
    twitter    t1  returned on 12 Mar; 7 dates from 12 Mar to 11 Apr are 31
                   dates, one too many                                        → 5
               t2  signed up only                                             → 1
    direct     d1  joined                                                     → 2
               d2  joined and posted with no sign-up date: no stage at all     → 0
    podcast    p1  posted                                                     → 3

    newsletter  100   6   5   4   3   2   2
    twitter      40   2   1   1   1   1   0
    direct       10   1   1   0   0   0   0
    podcast    None   1   1   1   0   0   0
    total      None  10   8   6   4   3   2   (podcast's visitors are unknown)
"""

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from hearth.analytics.funnel import STAGES, Journey, funnel, regular, returned_in_week_2

JOINED = datetime(2024, 3, 4, 10, tzinfo=UTC)
DAY = timedelta(days=1)
VISITORS = {"newsletter": 100, "twitter": 40, "": 10}


def days(*pairs):
    return frozenset(date(2024, month, day) for month, day in pairs)


def march(*numbers):
    return days(*((3, n) for n in numbers))


def journey(user, source, stages, active=frozenset(), campaign=""):
    """A journey that reached the first ``stages`` of the four timestamped stages."""
    at = [JOINED - DAY, JOINED, JOINED + DAY, JOINED + 2 * DAY]
    at = [t if i < stages else None for i, t in enumerate(at)]
    return Journey(user, source, campaign, *at, active_days=active)


JOURNEYS = [
    journey(1, "newsletter", 4, march(*range(11, 18))),
    journey(2, "newsletter", 4, march(17, 20, 25, 30) | days((4, 2), (4, 5), (4, 15))),
    journey(3, "newsletter", 4, march(10, 18) | days(*((4, n) for n in range(1, 8)))),
    journey(4, "newsletter", 3, march(12, 13)),
    journey(5, "newsletter", 1),
    journey(6, "newsletter", 2, march(*range(11, 18))),
    journey(7, "twitter", 4, march(12, 20, 25) | days((4, 1), (4, 5), (4, 10), (4, 11))),
    journey(8, "twitter", 1, campaign="spring"),
    journey(9, "", 2),
    Journey(10, "", "", None, JOINED, JOINED + DAY, None, frozenset()),
    journey(11, "podcast", 3),
]


def counts(row):
    return [stage.count for stage in row.stages]


def test_counts_match_the_hand_computation():
    report = funnel(VISITORS, JOURNEYS)
    assert [(row.source, row.campaign) for row in report.rows] == [
        ("direct", None), ("newsletter", None), ("podcast", None), ("twitter", None),
    ]  # fmt: skip
    direct, newsletter, podcast, twitter = report.rows
    assert counts(newsletter) == [100, 6, 5, 4, 3, 2, 2]
    assert counts(twitter) == [40, 2, 1, 1, 1, 1, 0]
    assert counts(direct) == [10, 1, 1, 0, 0, 0, 0]
    assert counts(podcast) == [None, 1, 1, 1, 0, 0, 0]
    assert (report.total.source, report.total.campaign) == ("total", None)
    assert counts(report.total) == [None, 10, 8, 6, 4, 3, 2]
    assert [stage.name for stage in newsletter.stages] == list(STAGES)
    assert newsletter.count("regular") == 2


def test_conversion_shares():
    direct, newsletter, podcast, twitter = (report := funnel(VISITORS, JOURNEYS)).rows
    # newsletter: 6/100, 5/6, 4/5, 3/4, 2/3, 2/2; from the 100 visitors: 6, 5, 4, 3, 2, 2 %
    assert [s.from_previous for s in newsletter.stages] == [
        None, F(3, 50), F(5, 6), F(4, 5), F(3, 4), F(2, 3), F(1),
    ]  # fmt: skip
    assert [s.from_first for s in newsletter.stages] == [
        F(1), F(3, 50), F(1, 20), F(1, 25), F(3, 100), F(1, 50), F(1, 50),
    ]  # fmt: skip
    # direct: after 0 posts there is nothing to convert from
    assert [s.from_previous for s in direct.stages] == [
        None,
        F(1, 10),
        F(1),
        F(0),
        None,
        None,
        None,
    ]
    # podcast: visitors unknown, so conversions start at the sign-ups
    assert [s.from_previous for s in podcast.stages] == [None, None, F(1), F(1), F(0), None, None]
    assert [s.from_first for s in podcast.stages] == [None, F(1), F(1), F(1), F(0), F(0), F(0)]
    # total: 8/10, 6/8, 4/6, 3/4, 2/3 and from the 10 sign-ups
    assert [s.from_previous for s in report.total.stages] == [
        None, None, F(4, 5), F(3, 4), F(2, 3), F(3, 4), F(2, 3),
    ]  # fmt: skip
    assert [s.from_first for s in report.total.stages] == [
        None, F(1), F(4, 5), F(3, 5), F(2, 5), F(3, 10), F(1, 5),
    ]  # fmt: skip
    assert twitter.stages[-1].from_previous == 0


def test_total_visitors_when_every_source_is_counted():
    report = funnel(VISITORS | {"podcast": 5, "blog": 3}, JOURNEYS)
    assert [row.source for row in report.rows] == [
        "blog", "direct", "newsletter", "podcast", "twitter",
    ]  # fmt: skip
    assert counts(report.rows[0]) == [3, 0, 0, 0, 0, 0, 0]  # visitors, nobody signed up
    assert report.rows[0].stages[1].from_previous == 0
    assert counts(report.total)[:2] == [158, 10]
    assert report.total.stages[1].from_previous == F(10, 158)


def test_empty_and_missing_sources_are_direct():
    report = funnel({"": 4, "direct": 6}, [journey(1, "", 2), journey(2, None, 2)])
    (row,) = report.rows
    assert (row.source, counts(row)) == ("direct", [10, 2, 2, 0, 0, 0, 0])


def test_rows_by_campaign():
    report = funnel(VISITORS, JOURNEYS, by_campaign=True)
    keys = [(row.source, row.campaign) for row in report.rows]
    assert keys == [
        ("direct", ""), ("newsletter", ""), ("podcast", ""), ("twitter", ""),
        ("twitter", "spring"),
    ]  # fmt: skip
    assert counts(report.rows[3]) == [None, 1, 1, 1, 1, 1, 0]
    assert counts(report.rows[4]) == [None, 1, 0, 0, 0, 0, 0]
    assert counts(report.total) == [None, 10, 8, 6, 4, 3, 2]
    counted = funnel(VISITORS | {"podcast": 5}, JOURNEYS, by_campaign=True)
    assert counts(counted.total)[0] == 155


def test_nothing_at_all():
    report = funnel({}, [])
    assert report.rows == ()
    assert counts(report.total) == [0, 0, 0, 0, 0, 0, 0]
    assert all(s.from_previous is None and s.from_first is None for s in report.total.stages)


def test_week_2_is_days_7_to_13_after_the_join_date():
    late_join = datetime(2024, 3, 4, 23, 59, tzinfo=UTC)  # the date counts, not the hour
    for active, expected in [
        (march(10), False),  # day 6
        (march(11), True),  # day 7
        (march(17), True),  # day 13
        (march(18), False),  # day 14
        (frozenset(), False),
    ]:
        j = Journey(1, "", "", JOINED, late_join, None, None, active)
        assert returned_in_week_2(j) is expected
    assert not returned_in_week_2(Journey(1, "", "", JOINED, None, None, None, march(11)))


def test_regular_is_7_dates_within_30_consecutive_dates_after_joining():
    def is_regular(active, joined=JOINED):
        return regular(Journey(1, "", "", JOINED, joined, None, None, active))

    assert is_regular(march(4, 5, 6, 7, 8, 9, 10))  # the join date counts
    assert not is_regular(march(3, 5, 6, 7, 8, 9, 10))  # 3 March is before joining
    assert is_regular(march(5, 10, 15, 20, 25, 30) | days((4, 3)))  # 5 Mar – 3 Apr: 30 dates
    assert not is_regular(march(5, 10, 15, 20, 25, 30) | days((4, 4)))  # 31 dates
    assert not is_regular(march(5, 6, 7, 8, 9, 10))  # only 6
    assert not is_regular(march(*range(4, 20)), joined=None)


# Property test against brute force -----------------------------------------------------

SOURCES = ["", "a", "b"]
moment_st = st.one_of(st.none(), st.integers(0, 60).map(lambda n: JOINED + n * DAY))
journey_st = st.builds(
    Journey,
    user=st.integers(1, 100),
    source=st.sampled_from(SOURCES),
    campaign=st.sampled_from(["", "x"]),
    signed_up_at=moment_st,
    joined_at=moment_st,
    first_post_at=moment_st,
    first_reciprocated_at=moment_st,
    active_days=st.frozensets(
        st.integers(-5, 90).map(lambda n: JOINED.date() + n * DAY), max_size=25
    ),
)


def naive_stages(j):
    """How many stages after "visited" the journey reached, one condition at a time."""
    if j.signed_up_at is None:
        return 0
    if j.joined_at is None:
        return 1
    if j.first_post_at is None:
        return 2
    if j.first_reciprocated_at is None:
        return 3
    joined = j.joined_at.date()
    if not any(joined + k * DAY in j.active_days for k in range(7, 14)):
        return 4
    last = max(j.active_days)
    starts = (joined + k * DAY for k in range((last - joined).days + 1))
    if not any(sum(1 for n in range(30) if s + n * DAY in j.active_days) >= 7 for s in starts):
        return 5
    return 6


@settings(max_examples=80, deadline=None)
@given(
    visitors=st.dictionaries(st.sampled_from(SOURCES), st.integers(0, 50)),
    journeys=st.lists(journey_st, max_size=12),
)
def test_funnel_equals_brute_force(visitors, journeys):
    report = funnel(visitors, journeys)
    names = {"": "direct", "a": "a", "b": "b"}
    expected_sources = sorted({names[s] for s in visitors} | {names[j.source] for j in journeys})
    assert [row.source for row in report.rows] == expected_sources
    for row in report.rows:
        mine = [j for j in journeys if names[j.source] == row.source]
        counted = [n for s, n in visitors.items() if names[s] == row.source]
        visited = sum(counted) if counted else None
        expected = [visited] + [
            sum(1 for j in mine if naive_stages(j) >= k) for k in range(1, len(STAGES))
        ]
        assert counts(row) == expected
        first = next((c for c in expected if c is not None), None)
        for i, stage in enumerate(row.stages):
            before = expected[i - 1] if i else None
            assert stage.from_previous == (
                F(stage.count, before) if stage.count is not None and before else None
            )
            assert stage.from_first == (
                F(stage.count, first) if stage.count is not None and first else None
            )
    known = all(row.stages[0].count is not None for row in report.rows)
    assert counts(report.total) == [sum(visitors.values()) if known else None] + [
        sum(1 for j in journeys if naive_stages(j) >= k) for k in range(1, len(STAGES))
    ]


def test_visitors_per_campaign_fill_the_visited_step_of_each_campaign_row():
    from hearth.analytics.funnel import funnel as compute

    report = compute(
        {"ig": 5},
        [],
        visitors_by_campaign={("ig", "spring"): 3, ("ig", ""): 2},
    )
    rows = {(r.source, r.campaign): r.count("visited") for r in report.rows}
    assert rows == {("ig", ""): 2, ("ig", "spring"): 3}
    assert report.total.count("visited") == 5
