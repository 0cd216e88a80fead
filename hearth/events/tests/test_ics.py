"""The .ics downloads: hostile text stays inside its property; times carry their zone."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from hearth.events import services
from hearth.events.tests.conftest import event_fields
from hearth.testing.factories import actor_for

pytestmark = pytest.mark.django_db

HOSTILE = [
    "Party\r\nATTENDEE:mailto:evil@example.com",
    "Party\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:Injected",
    "a;b:c,d\\e",
    "Party\rURL:https://evil.example",
    "Party\u2028X-EVIL:1",
]


def _ics(client, event):
    response = client.get(reverse("events:ics", args=[event.community.slug, event.pk]))
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_cannot_inject_properties(client, community, owner, general, text):
    event = services.event_create(
        actor=actor_for(owner, community), category=general,
        **event_fields(title=text, description=text, location=text),
    )  # fmt: skip
    body = _ics(client, event)
    lines = body.decode().split("\r\n")
    for line in lines:
        assert not line.startswith(("ATTENDEE", "X-EVIL", "SUMMARY:Injected"))
    assert [line for line in lines if line.startswith("URL")] == [
        f"URL:http://testserver/c/garden/events/{event.pk}/"
    ]
    assert lines.count("BEGIN:VEVENT") == 1
    parsed = Calendar.from_ical(body)
    (vevent,) = parsed.walk("VEVENT")
    assert "\n" not in str(vevent["SUMMARY"])
    assert str(vevent["DESCRIPTION"]).replace("\n", "") == (event.description.replace("\n", ""))


def test_a_series_has_its_rule_exceptions_and_zone(client, community, owner, general):
    event = services.event_create(
        actor=actor_for(owner, community), category=general,
        **event_fields(
            starts_local=datetime(2031, 3, 4, 19), ends_local=datetime(2031, 3, 4, 21),
            time_zone="America/New_York", repeats="weekly", repeats_until=date(2031, 4, 1),
            exceptions=[date(2031, 3, 18)],
        ),
    )  # fmt: skip
    parsed = Calendar.from_ical(_ics(client, event))
    (vevent,) = parsed.walk("VEVENT")
    assert vevent["RRULE"]["FREQ"] == ["WEEKLY"]
    assert vevent.decoded("DTSTART").hour == 19
    assert str(vevent.decoded("DTSTART").tzinfo) == "America/New_York"
    assert parsed.walk("VTIMEZONE")
    exdates = [d.dt for d in vevent["EXDATE"].dts]
    assert [d.date() for d in exdates] == [date(2031, 3, 18)] and exdates[0].hour == 19


def test_cancelled_events_say_so(client, community, owner, general):
    event = services.event_create(actor=actor_for(owner, community), category=general,
                                  **event_fields())  # fmt: skip
    services.event_cancel(actor=actor_for(owner, community), event=event)
    assert b"STATUS:CANCELLED" in _ics(client, event)
