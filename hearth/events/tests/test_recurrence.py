"""Properties of occurrences across time zones and DST changes (hypothesis)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from hearth.events import recurrence

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC",
         "America/Santiago", "Pacific/Chatham", "Europe/London"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31)),
    minutes=st.integers(min_value=1, max_value=24 * 60),
    freq=st.sampled_from(["weekly", "monthly"]),
    weeks=st.integers(min_value=0, max_value=60),
)
def test_occurrences_keep_wall_clock_time_and_duration(zone, start, minutes, freq, weeks):
    start = start.replace(second=0, microsecond=0)
    tz = ZoneInfo(zone)
    starts_at = recurrence.localize(start, tz)
    duration = timedelta(minutes=minutes)
    until = start.date() + timedelta(weeks=weeks)
    found = recurrence.series(
        starts_at=starts_at, ends_at=starts_at + duration, time_zone=zone,
        recurrence=freq, until=until,
    )  # fmt: skip
    assert found, "the first occurrence is always there"
    assert found[0].starts_at == starts_at
    days = [o.day for o in found]
    assert days == sorted(set(days)), "one occurrence per local day, in order"
    for o in found:
        assert o.ends_at - o.starts_at == duration
        assert o.starts_at.tzinfo is UTC or o.starts_at.utcoffset() == timedelta(0)
        local = o.starts_at.astimezone(tz)
        assert local.date() == o.day
        wall = (local.hour, local.minute)
        if wall != (start.hour, start.minute):
            # Only a time the clocks skipped moves, and only forward by the gap.
            naive = datetime.combine(o.day, start.time())
            assert (
                naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None)
                != naive
            )
            assert local.replace(tzinfo=None) > naive
        assert o.day <= until
        if freq == "weekly":
            assert (o.day - start.date()).days % 7 == 0
        else:
            assert o.day.day == start.day


@given(zone=st.sampled_from(ZONES), day=st.dates(min_value=date(2025, 1, 1),
                                                 max_value=date(2030, 12, 31)))  # fmt: skip
def test_localize_is_deterministic_and_round_trips_outside_gaps(zone, day):
    tz = ZoneInfo(zone)
    naive = datetime.combine(day, datetime.min.time()).replace(hour=12)
    moment = recurrence.localize(naive, tz)
    assert moment == recurrence.localize(naive, tz)
    assert recurrence.wall_clock(moment, tz) == naive
