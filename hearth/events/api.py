"""``/api/v1/communities/{slug}/events…``: the community's events, read-only.

What the caller may see is what the pages show (``policy.visible_events``: events whose
discussion topic the caller may read); a recurring event appears once per date."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema

from hearth.api.access import community_actor
from hearth.api.auth import API_AUTH
from hearth.api.schemas import READ_ERRORS, errors
from hearth.discussions.api import ID
from hearth.events import recurrence, selectors
from hearth.events.models import Event

router = Router(tags=["events"], auth=API_AUTH)


class OccurrenceOut(Schema):
    date: str = Field(..., description="The local date naming this occurrence (YYYY-MM-DD).")
    starts_at: datetime
    ends_at: datetime
    going: int = Field(0, description="Members going (waitlist excluded).")


class EventOut(Schema):
    id: int
    title: str
    description: str = Field(..., description="Markdown, as written.")
    time_zone: str
    location: str
    online_url: str
    capacity: int | None
    recurrence: str = Field(..., description='"", "weekly" or "monthly".')
    cancelled: bool
    topic_id: int = Field(..., description="The event's discussion topic.")
    occurrence: OccurrenceOut


class EventPage(Schema):
    items: list[EventOut]


class EventQuery(Schema):
    when: Literal["upcoming", "past"] = "upcoming"
    limit: int = Field(20, ge=1, le=50)


def _out(event: Event, occurrence: recurrence.Occurrence, going: int) -> EventOut:
    return EventOut(
        id=event.pk, title=event.title, description=event.description,
        time_zone=event.time_zone, location=event.location, online_url=event.online_url,
        capacity=event.capacity, recurrence=event.recurrence, cancelled=event.is_cancelled,
        topic_id=event.topic_id,
        occurrence=OccurrenceOut(
            date=occurrence.key, starts_at=occurrence.starts_at, ends_at=occurrence.ends_at,
            going=going,
        ),
    )  # fmt: skip


@router.get("/{slug}/events", response={200: EventPage, **errors(*READ_ERRORS)})
def event_list(request, slug: str, query: Query[EventQuery]):
    """The next (or, with ``when=past``, the latest past) dates of the events the caller may
    see, one item per date."""
    community, actor = community_actor(request, slug)
    pick = selectors.past if query.when == "past" else selectors.upcoming
    rows = pick(actor, community, limit=query.limit)
    return {"items": [_out(r.event, r.occurrence, r.going) for r in rows]}


@router.get("/{slug}/events/{event_id}", response={200: EventOut, **errors(*READ_ERRORS)})
def event_detail(request, slug: str, event_id: int = ID):
    """One event with its next date (or its last, when the series is over)."""
    from django.utils import timezone

    _community, actor = community_actor(request, slug)
    event = selectors.event_for(actor, event_id)
    occurrence = (
        recurrence.next_occurrence(event, timezone.now()) or (recurrence.occurrences(event)[-1])
    )
    going = selectors.attendees(actor, event, occurrence.day).going_count
    return _out(event, occurrence, going)
