"""Occurrences of an event, computed in the event's own time zone.

An event is set in wall-clock time where it happens ("Tuesdays at 19:00, Europe/Berlin"),
so each occurrence keeps that wall-clock time across daylight-saving changes and its UTC
instant moves instead. Occurrences are generated with dateutil's ``rrule`` on *naive* local
times and only then given the zone, so the rule never sees an offset.

Two wall-clock times need a rule of their own, and get one deterministically:

- **A time that does not exist** (02:30 on a spring-forward day, when clocks jump from
  02:00 to 03:00): it is read with the offset in force *before* the change (Python's
  ``fold=0``), which puts it the length of the gap later on the clock: 02:30 becomes 03:30.
- **A time that happens twice** (01:30 on a fall-back day): the first of the two, still on
  summer time (``fold=0``).

Each occurrence lasts as long as the first one in real time (``ends_at - starts_at``), so an
event that runs across a change is not stretched or shortened.

A monthly event repeats on the same day of the month; a month without that day (the 31st
in April) has no occurrence, as in RFC 5545. An occurrence is named by its local date
(at most one per day), which is what RSVPs, reminders and exceptions refer to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, WEEKLY, rrule

if TYPE_CHECKING:
    from hearth.events.models import Event

# A series may run at most this long after its first occurrence, so the number of
# occurrences (and the work of listing them) stays small.
MAX_SERIES_DAYS = 2 * 366
FREQUENCIES = {"weekly": WEEKLY, "monthly": MONTHLY}


@dataclass(frozen=True)
class Occurrence:
    day: date  # the local date: the occurrence's name
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC

    @property
    def key(self) -> str:
        return self.day.isoformat()


def localize(naive: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in ``zone`` as a UTC instant, by the rules in the module docstring."""
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def wall_clock(moment: datetime, zone: ZoneInfo) -> datetime:
    """The naive local time of an aware instant in ``zone``."""
    return moment.astimezone(zone).replace(tzinfo=None)


def series(
    *,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    recurrence: str,
    until: date | None,
    exceptions: list[str] | tuple[str, ...] = (),
) -> list[Occurrence]:
    """Every occurrence of a series, first to last, without the exception dates."""
    zone = ZoneInfo(time_zone)
    duration = ends_at - starts_at
    first_local = wall_clock(starts_at, zone)
    skipped = set(exceptions)
    if not recurrence or until is None:
        days = [first_local]
    else:
        last = min(until, first_local.date() + timedelta(days=MAX_SERIES_DAYS))
        days = list(
            rrule(
                FREQUENCIES[recurrence],
                dtstart=first_local,
                until=datetime.combine(last, time.max),
            )
        )
    out = []
    for local in days:
        if local.date().isoformat() in skipped:
            continue
        start = localize(local, zone)
        out.append(Occurrence(local.date(), start, start + duration))
    return out


def occurrences(event: Event) -> list[Occurrence]:
    return series(
        starts_at=event.starts_at, ends_at=event.ends_at, time_zone=event.time_zone,
        recurrence=event.recurrence, until=event.recurrence_until,
        exceptions=event.exceptions,
    )  # fmt: skip


def occurrence_on(event: Event, day: date | str | None) -> Occurrence | None:
    """The occurrence named by a local date, or None when there is none that day."""
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day)
        except ValueError:
            return None
    for occurrence in occurrences(event):
        if occurrence.day == day:
            return occurrence
    return None


def next_occurrence(event: Event, now: datetime) -> Occurrence | None:
    """The first occurrence that has not ended, or None when the series is over."""
    for occurrence in occurrences(event):
        if occurrence.ends_at > now:
            return occurrence
    return None


def between(event: Event, start: datetime, end: datetime) -> list[Occurrence]:
    """The occurrences that overlap ``[start, end)``."""
    return [o for o in occurrences(event) if o.starts_at < end and o.ends_at > start]
