"""iCalendar (RFC 5545) for events, written with the ``icalendar`` package: it escapes
text values (backslash, ``;``, ``,`` and line breaks become ``\\;``, ``\\,``, ``\\n``) and
folds long lines, so a title or place with line breaks cannot start a property of its own
("property injection"). Times carry the event's time zone (a VTIMEZONE is included) and a
series is one VEVENT with an RRULE and EXDATEs, so calendar apps follow DST as we do."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hearth.core.lazy_import import lazy
from hearth.events.models import Event

icalendar = lazy("icalendar")  # loaded by the first feed or .ics asked for, not by every process

PRODID = "-//Hearth//Events//EN"
FREQ = {"weekly": "WEEKLY", "monthly": "MONTHLY"}


def _one_line(text: str) -> str:
    """Properties that are one line by nature (title, place) lose their line breaks."""
    return " ".join(text.split())


def vevent(event: Event, *, url: str, host: str) -> icalendar.Event:
    zone = ZoneInfo(event.time_zone)
    item = icalendar.Event()
    item.add("uid", f"event-{event.pk}@{host}")
    item.add("dtstamp", event.updated_at)
    item.add("summary", _one_line(event.title))
    item.add("dtstart", event.starts_at.astimezone(zone))
    item.add("dtend", event.ends_at.astimezone(zone))
    text = event.description
    if event.online_url:
        text = f"{text}\n\n{event.online_url}" if text else event.online_url
    if text:
        item.add("description", text)
    if event.location:
        item.add("location", _one_line(event.location))
    elif event.online_url:
        item.add("location", event.online_url)
    item.add("url", url)
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    if event.recurrence and event.recurrence_until:
        local = event.starts_at.astimezone(zone)
        until = datetime.combine(event.recurrence_until, local.time().replace(second=59))
        item.add("rrule", {"freq": FREQ[event.recurrence], "until": until.replace(tzinfo=zone)})
        for day in event.exceptions:
            skipped = datetime.combine(datetime.fromisoformat(day).date(), local.time())
            item.add("exdate", skipped.replace(tzinfo=zone))
    return item


def calendar_bytes(events: list[Event], *, name: str, url_of, host: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _one_line(name))
    for event in events:
        cal.add_component(vevent(event, url=url_of(event), host=host))
    cal.add_missing_timezones()
    return cal.to_ical()
