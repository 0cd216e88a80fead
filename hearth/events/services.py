"""Writes for events: create, edit, cancel, RSVP with a waitlist, attendance, settings.

Each service checks ``policy`` for the actor, writes in one transaction and records an
interaction event (``event.create``, ``event.rsvp``, ``event.promote``, ``event.attend``…);
notifications and badges read those from the log, so nothing here calls them."""

from __future__ import annotations

import functools
import secrets
import zoneinfo
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.core.events import record_event
from hearth.core.images import process_image
from hearth.core.markdown import clean_text, render_markdown
from hearth.core.uploads import discard_uploads_on_error, store_in_field
from hearth.discussions.models import Category
from hearth.events import policy, recurrence
from hearth.events.models import (
    CalendarFeed,
    Event,
    EventSettings,
    Recurrence,
    Rsvp,
    RsvpStatus,
)

MAX_DESCRIPTION_CHARS = 20_000
MAX_CAPACITY = 100_000
MAX_DURATION = timedelta(days=14)
MAX_EXCEPTIONS = 200
COVER_MAX_SIDE = 1600
# RSVP answers a member can give; the waitlist is where "going" lands when full.
ANSWERS = (RsvpStatus.GOING, RsvpStatus.MAYBE, RsvpStatus.NOT_GOING)
# Who holds or wants a seat, and hears the reminders.
SEATED = (RsvpStatus.GOING,)


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(name: str) -> zoneinfo.ZoneInfo:
    if name not in _zones():
        raise ValidationError({"time_zone": [_("Choose a time zone from the list.")]})
    return zoneinfo.ZoneInfo(name)


def settings_for(community: Community) -> EventSettings | None:
    return EventSettings.objects.filter(community=community).first()


def _clean_fields(
    *,
    title: str,
    description: str,
    starts_local: datetime,
    ends_local: datetime,
    time_zone: str,
    location: str,
    online_url: str,
    capacity: int | None,
    repeats: str,
    repeats_until: date | None,
    exceptions: list[date],
) -> dict:
    """Validate an event's fields; the dict holds what the model stores."""
    errors: dict[str, list[str]] = {}
    title = " ".join(clean_text(title).split())
    if not title:
        errors["title"] = [_("Give the event a title.")]
    elif len(title) > 200:
        errors["title"] = [_("Keep the title under 200 characters.")]
    description = clean_text(description).strip()
    if len(description) > MAX_DESCRIPTION_CHARS:
        errors["description"] = [_("Keep the description under 20,000 characters.")]
    location = " ".join(clean_text(location).split())[:300]
    zone = None
    try:
        zone = validate_time_zone(time_zone)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    starts_at = ends_at = None
    if zone is not None:
        starts_at = recurrence.localize(starts_local, zone)
        ends_at = recurrence.localize(ends_local, zone)
        if ends_at <= starts_at:
            errors["ends_local"] = [_("The event must end after it starts.")]
        elif ends_at - starts_at > MAX_DURATION:
            errors["ends_local"] = [_("An event can last at most 14 days.")]
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = [_("Capacity is at least 1, or leave it empty for no limit.")]
    if online_url and not online_url.startswith(("https://", "http://")):
        errors["online_url"] = [_("Give a web address starting with https://.")]
    if repeats not in Recurrence.values:
        errors["repeats"] = [_("Choose how the event repeats.")]
    elif repeats:
        if repeats_until is None:
            errors["repeats_until"] = [_("Say until when the event repeats.")]
        elif repeats_until < starts_local.date():
            errors["repeats_until"] = [_("The repetition must end after the first event.")]
        elif repeats_until > starts_local.date() + timedelta(days=recurrence.MAX_SERIES_DAYS):
            errors["repeats_until"] = [_("A series can run for at most two years.")]
    if len(exceptions) > MAX_EXCEPTIONS:
        errors["exceptions"] = [_("Too many skipped dates.")]
    if errors:
        raise ValidationError(errors)
    fields = {
        "title": title, "description": description,
        "description_html": render_markdown(description) if description else "",
        "starts_at": starts_at, "ends_at": ends_at, "time_zone": time_zone,
        "location": location, "online_url": online_url, "capacity": capacity,
        "recurrence": repeats, "recurrence_until": repeats_until if repeats else None,
        "exceptions": sorted({d.isoformat() for d in exceptions}) if repeats else [],
    }  # fmt: skip
    series = recurrence.series(
        starts_at=starts_at, ends_at=ends_at, time_zone=time_zone, recurrence=repeats,
        until=fields["recurrence_until"], exceptions=fields["exceptions"],
    )  # fmt: skip
    if not series:
        raise ValidationError({"exceptions": [_("Every date of the series is skipped.")]})
    fields["last_ends_at"] = series[-1].ends_at
    return fields


def _cover(cover) -> object | None:
    if not cover:
        return None
    try:
        return process_image(cover, max_side=COVER_MAX_SIDE, prefix="events")
    except ValidationError as exc:
        raise ValidationError({"cover": exc.messages}) from exc


@discard_uploads_on_error()
@transaction.atomic
def event_create(*, actor: Actor, category: Category, cover=None, **fields) -> Event:
    """Create an event and its discussion topic (in ``category``, which decides who sees
    the event)."""
    from hearth.discussions import services as discussion_services

    policy.ensure_create_event(actor, settings_for(actor.community))
    values = _clean_fields(**fields)
    cover_file = _cover(cover)
    topic = discussion_services.topic_create(
        actor=actor, category=category, title=values["title"],
        body=_("Talk about the event “%(title)s” here: questions, plans, lifts to share.")
        % {"title": values["title"]},
    )  # fmt: skip
    event = Event.objects.create(
        community=actor.community, topic=topic, created_by=actor.user, **values
    )
    if cover_file is not None:
        store_in_field(event.cover, cover_file, field="cover")
        event.save(update_fields=["cover"])
    record_event(community=actor.community, actor=actor.user, verb="event.create", obj=event,
                 data={"topic": topic.pk})  # fmt: skip
    return event


@discard_uploads_on_error()
@transaction.atomic
def event_update(*, actor: Actor, event: Event, cover=None, remove_cover=False, **fields) -> Event:
    event = Event.objects.select_for_update().select_related("topic__category").get(pk=event.pk)
    policy.ensure_manage_event(actor, event)
    values = _clean_fields(**fields)
    cover_file = _cover(cover)
    for name, value in values.items():
        setattr(event, name, value)
    event.updated_at = timezone.now()
    if remove_cover and not cover_file:
        event.cover = ""
    event.save()
    if cover_file is not None:
        store_in_field(event.cover, cover_file, field="cover")
        event.save(update_fields=["cover"])
    record_event(community=actor.community, actor=actor.user, verb="event.update", obj=event)
    _promote_everywhere(event)
    return event


def _promote_everywhere(event: Event) -> None:
    """After an edit (a larger capacity, or none): fill the seats it freed in every
    occurrence still to come (caller holds the event lock)."""
    now = timezone.now()
    waiting_days = set(
        Rsvp.objects.filter(event=event, status=RsvpStatus.WAITLISTED).values_list(
            "occurrence", flat=True
        )
    )
    for occurrence in recurrence.occurrences(event):
        if occurrence.day in waiting_days and occurrence.starts_at > now:
            _promote(event, occurrence.day, now)


@transaction.atomic
def event_cancel(*, actor: Actor, event: Event) -> Event:
    event = Event.objects.select_for_update().select_related("topic__category").get(pk=event.pk)
    policy.ensure_manage_event(actor, event)
    if event.cancelled_at is None:
        event.cancelled_at = timezone.now()
        event.save(update_fields=["cancelled_at"])
        record_event(community=actor.community, actor=actor.user, verb="event.cancel", obj=event)
    return event


def _going_count(event: Event, day: date) -> int:
    return Rsvp.objects.filter(event=event, occurrence=day, status=RsvpStatus.GOING).count()


def _promote(event: Event, day: date, now: datetime) -> list[Rsvp]:
    """Fill free seats from the waitlist, first come first served (caller holds the event
    lock)."""
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - _going_count(event, day)
        if free <= 0:
            return []
    waiting = Rsvp.objects.filter(
        event=event, occurrence=day, status=RsvpStatus.WAITLISTED
    ).order_by("queued_at", "pk")
    promoted = list(waiting if free is None else waiting[:free])
    for rsvp in promoted:
        rsvp.status, rsvp.updated_at = RsvpStatus.GOING, now
        rsvp.save(update_fields=["status", "updated_at"])
        record_event(
            community=event.community, actor=None, verb="event.promote", target_user=rsvp.user,
            obj=event, data={"occurrence": day.isoformat()},
        )  # fmt: skip
    return promoted


@transaction.atomic
def rsvp_set(*, actor: Actor, event: Event, day: date, status: str) -> Rsvp:
    """Answer going, maybe or not going for one occurrence. "Going" to a full occurrence
    joins the waitlist; giving up a seat promotes the first on the waitlist.

    The event row is locked first: two members asking for the last seat at once are
    served one after the other, so the seats taken never exceed the capacity."""
    if status not in ANSWERS:
        raise ValidationError({"status": [_("Choose going, maybe or not going.")]})
    event = (
        Event.objects.select_for_update()
        .select_related("topic__category", "community")
        .get(pk=event.pk)
    )
    occurrence = recurrence.occurrence_on(event, day)
    if occurrence is None:
        raise ValidationError({"day": [_("The event does not take place on that day.")]})
    now = timezone.now()
    policy.ensure_rsvp(actor, event, occurrence, now)
    rsvp = Rsvp.objects.filter(event=event, occurrence=occurrence.day, user=actor.user).first()
    previous = rsvp.status if rsvp else None
    wanted = status
    if status == RsvpStatus.GOING:
        if previous in (RsvpStatus.GOING, RsvpStatus.WAITLISTED):
            return rsvp
        full = event.capacity is not None and _going_count(event, occurrence.day) >= event.capacity
        if full:
            wanted = RsvpStatus.WAITLISTED
    if rsvp is None:
        rsvp = Rsvp.objects.create(
            community=event.community, event=event, occurrence=occurrence.day, user=actor.user,
            status=wanted, queued_at=now, updated_at=now,
        )  # fmt: skip
    elif previous != wanted:
        rsvp.status, rsvp.updated_at = wanted, now
        if wanted == RsvpStatus.WAITLISTED:
            rsvp.queued_at = now
        rsvp.save(update_fields=["status", "updated_at", "queued_at"])
    else:
        return rsvp
    record_event(
        community=event.community, actor=actor.user, verb="event.rsvp", obj=event,
        data={"occurrence": occurrence.key, "status": wanted, "previous": previous or ""},
    )  # fmt: skip
    if previous == RsvpStatus.GOING and wanted != RsvpStatus.GOING:
        _promote(event, occurrence.day, now)
    return rsvp


@transaction.atomic
def attendance_mark(*, actor: Actor, event: Event, day: date, user_ids: set[int]) -> int:
    """Record who came to an occurrence (staff, once it started): each newly marked member
    gets an ``event.attend`` interaction; unticking a member takes the mark back. Returns
    how many were newly marked."""
    event = (
        Event.objects.select_for_update()
        .select_related("topic__category", "community")
        .get(pk=event.pk)
    )
    occurrence = recurrence.occurrence_on(event, day)
    if occurrence is None:
        raise ValidationError({"day": [_("The event does not take place on that day.")]})
    now = timezone.now()
    policy.ensure_mark_attendance(actor, event, occurrence, now)
    # In the order the members answered, so the interactions are recorded in an order the
    # database does not choose (PostgreSQL returns updated rows in any order).
    rsvps = (
        Rsvp.objects.filter(event=event, occurrence=occurrence.day)
        .select_related("user")
        .order_by("pk")
    )
    marked = 0
    for rsvp in rsvps:
        came = rsvp.user_id in user_ids
        if came and rsvp.attended_at is None:
            rsvp.attended_at = now
            rsvp.save(update_fields=["attended_at"])
            marked += 1
            record_event(
                community=event.community, actor=rsvp.user, verb="event.attend", obj=event,
                target_user=event.created_by,
                data={"occurrence": occurrence.key, "marked_by": actor.user.pk},
            )  # fmt: skip
        elif not came and rsvp.attended_at is not None:
            rsvp.attended_at = None
            rsvp.save(update_fields=["attended_at"])
    return marked


@transaction.atomic
def settings_update(*, actor: Actor, create_trust_level: int | None) -> EventSettings:
    policy.ensure_manage_settings(actor)
    if create_trust_level is not None and not 0 <= create_trust_level <= 4:
        raise ValidationError(
            {"create_trust_level": [_("Choose a trust level from 0 to 4, or staff only.")]}
        )
    row, _created = EventSettings.objects.update_or_create(
        community=actor.community, defaults={"create_trust_level": create_trust_level}
    )
    return row


def calendar_feed(*, actor: Actor) -> CalendarFeed:
    """The member's private calendar address, made the first time it is asked for."""
    policy.ensure_calendar_feed(actor)
    feed, _created = CalendarFeed.objects.get_or_create(
        community=actor.community,
        user=actor.user,
        defaults={"token": secrets.token_urlsafe(32)},
    )
    return feed


@transaction.atomic
def calendar_feed_reset(*, actor: Actor) -> CalendarFeed:
    """A new private address; the old one answers 404 from now on."""
    policy.ensure_calendar_feed(actor)
    CalendarFeed.objects.filter(community=actor.community, user=actor.user).delete()
    return CalendarFeed.objects.create(
        community=actor.community, user=actor.user, token=secrets.token_urlsafe(32)
    )
