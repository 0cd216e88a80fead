"""Reads for events: lists of occurrences (upcoming, past, a month), one event for an
actor, attendee lists that respect hidden profiles."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.http import Http404
from django.utils import timezone

from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.discussions.models import ReviewState
from hearth.events import policy, recurrence
from hearth.events.models import CalendarFeed, Event, Rsvp, RsvpStatus
from hearth.members import policy as members_policy

LIST_LIMIT = 50


@dataclass
class Listed:
    """An occurrence in a list, with its event."""

    event: Event
    occurrence: recurrence.Occurrence
    going: int = 0


def event_for(actor: Actor, event_id: int) -> Event:
    """The event, or 404 when it does not exist for this actor."""
    event = (
        Event.objects.filter(pk=event_id, community=actor.community)
        .select_related("topic__category", "community", "created_by")
        .first()
    )
    if event is None or not policy.can_see_event(actor, event):
        raise Http404
    return event


def _with_going(rows: list[Listed]) -> list[Listed]:
    if not rows:
        return rows
    counts: dict[tuple[int, date], int] = {}
    pairs = {(r.event.pk, r.occurrence.day) for r in rows}
    for event_id, day in Rsvp.objects.filter(
        event_id__in={p[0] for p in pairs},
        occurrence__in={p[1] for p in pairs},
        status=RsvpStatus.GOING,
    ).values_list("event_id", "occurrence"):
        counts[(event_id, day)] = counts.get((event_id, day), 0) + 1
    for r in rows:
        r.going = counts.get((r.event.pk, r.occurrence.day), 0)
    return rows


def upcoming(
    actor: Actor,
    community: Community,
    *,
    limit: int = LIST_LIMIT,
    published_only: bool = False,
    group=None,
) -> list[Listed]:
    """The next occurrences that have not ended, soonest first (``published_only``: not
    even the actor's own events whose topic waits in review, for HTML shared by many;
    ``group``: only events in that group's categories)."""
    now = timezone.now()
    events = policy.visible_events(actor, community)
    if group is not None:
        events = events.filter(topic__category__group=group)
    if published_only:
        events = events.filter(topic__review_state=ReviewState.PUBLISHED)
    events = (
        events.filter(last_ends_at__gt=now)
        .order_by("starts_at", "pk")
        .select_related("topic")[: limit * 2]
    )
    rows = [Listed(e, o) for e in events for o in recurrence.occurrences(e) if o.ends_at > now]
    rows.sort(key=lambda r: (r.occurrence.starts_at, r.event.pk))
    return _with_going(rows[:limit])


def past(actor: Actor, community: Community, *, limit: int = LIST_LIMIT) -> list[Listed]:
    """Occurrences that ended, latest first."""
    now = timezone.now()
    events = (
        policy.visible_events(actor, community)
        .filter(starts_at__lt=now)
        .order_by("-last_ends_at", "-pk")
        .select_related("topic")[: limit * 2]
    )
    rows = [Listed(e, o) for e in events for o in recurrence.occurrences(e) if o.ends_at <= now]
    rows.sort(key=lambda r: (r.occurrence.starts_at, r.event.pk), reverse=True)
    return _with_going(rows[:limit])


@dataclass
class MonthDay:
    day: date
    in_month: bool
    items: list[Listed] = field(default_factory=list)


def month_grid(actor: Actor, community: Community, year: int, month: int) -> list[list[MonthDay]]:
    """Weeks (Monday first) of the month, each day with the occurrences starting on it in
    the viewer's time zone."""
    zone = timezone.get_current_timezone()
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1] + timedelta(days=1)
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    events = (
        policy.visible_events(actor, community)
        .filter(starts_at__lt=end, last_ends_at__gt=start)
        .select_related("topic")[:500]
    )
    by_day: dict[date, list[Listed]] = {}
    for e in events:
        for o in recurrence.between(e, start, end):
            local = o.starts_at.astimezone(zone).date()
            by_day.setdefault(local, []).append(Listed(e, o))
    grid = []
    for week in weeks:
        grid.append([
            MonthDay(d, d.month == month,
                     sorted(by_day.get(d, []), key=lambda r: r.occurrence.starts_at))
            for d in week
        ])  # fmt: skip
    return grid


@dataclass
class Attendees:
    going: list[Rsvp]
    maybe: list[Rsvp]
    hidden_going: int
    hidden_maybe: int
    going_count: int
    waitlist_count: int
    mine: Rsvp | None
    waitlist_position: int | None


def attendees(actor: Actor, event: Event, day: date) -> Attendees:
    """Who is going and who might, as this actor may see them: members who hid their
    profile (from the directory, or from non-members) are counted but not named, except to
    staff (who mark attendance) and to themselves."""
    answers = list(
        Rsvp.objects.filter(event=event, occurrence=day)
        .select_related("user")
        .order_by("queued_at", "pk")
    )
    me = actor.user.pk if actor.user is not None else None
    mine = next((r for r in answers if r.user_id == me), None)
    rsvps = [r for r in answers if r.status != RsvpStatus.NOT_GOING]
    if actor.is_staff:
        shown = {r.user_id for r in rsvps}
    else:
        shown = set(
            members_policy.listed_profiles(actor, event.community)
            .filter(user_id__in=[r.user_id for r in rsvps])
            .values_list("user_id", flat=True)
        )
    if me is not None:
        shown.add(me)
    going = [r for r in rsvps if r.status == RsvpStatus.GOING]
    maybe = [r for r in rsvps if r.status == RsvpStatus.MAYBE]
    waiting = [r for r in rsvps if r.status == RsvpStatus.WAITLISTED]
    position = None
    if mine is not None and mine.status == RsvpStatus.WAITLISTED:
        position = waiting.index(mine) + 1
    return Attendees(
        going=[r for r in going if r.user_id in shown],
        maybe=[r for r in maybe if r.user_id in shown],
        hidden_going=sum(1 for r in going if r.user_id not in shown),
        hidden_maybe=sum(1 for r in maybe if r.user_id not in shown),
        going_count=len(going), waitlist_count=len(waiting), mine=mine,
        waitlist_position=position,
    )  # fmt: skip


def rsvps_for_attendance(event: Event, day: date) -> list[Rsvp]:
    return list(
        Rsvp.objects.filter(event=event, occurrence=day)
        .exclude(status=RsvpStatus.NOT_GOING)
        .select_related("user")
        .order_by("user__username")
    )


def feed_events(actor: Actor, community: Community) -> list[Event]:
    """What the calendar feed lists: visible events that ended at most 90 days ago."""
    since = timezone.now() - timedelta(days=90)
    return list(
        policy.visible_events(actor, community)
        .filter(last_ends_at__gt=since)
        .select_related("topic", "community")
        .order_by("starts_at", "pk")[:500]
    )


def calendar_feed_owner(community: Community, token: str) -> Actor | None:
    """Who a private calendar address stands for, as they stand in the community now (a
    member who left sees what a visitor sees); None for an unknown or reset address."""
    feed = (
        CalendarFeed.objects.filter(community=community, token=token).select_related("user").first()
    )
    if feed is None or not feed.user.is_active:
        return None
    return Actor.for_user(feed.user, community)


def calendar_feed_of(actor: Actor) -> CalendarFeed | None:
    if actor.user is None:
        return None
    return CalendarFeed.objects.filter(community=actor.community, user=actor.user).first()
