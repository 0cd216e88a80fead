"""Reminders a day and an hour before each occurrence, sent by the worker.

``run`` is a catch-up job of the scheduler (``hearth tick``, every few minutes): for each
occurrence whose reminder fell due and whose start has not come, it inserts a
``ReminderSent`` row and records an ``event.remind`` interaction event, in one transaction.
The row is unique per (event, occurrence, kind), so however many workers run and however
often, each reminder is decided once; notifications turn the event into one notification
(and email) per member going, through the durable cursor, exactly once per member.

A reminder whose moment passed without a tick (the worker was down) still goes out while
the occurrence has not started, except a day-before reminder once the hour-before one is
due: members get the nearer one only."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from hearth.core.events import record_event
from hearth.events import recurrence
from hearth.events.models import Event, ReminderKind, ReminderSent

BEFORE = {ReminderKind.DAY: timedelta(days=1), ReminderKind.HOUR: timedelta(hours=1)}


def due(occurrence: recurrence.Occurrence, now: datetime) -> str | None:
    """Which reminder of this occurrence is due at ``now``, if any."""
    if occurrence.starts_at <= now:
        return None
    if now >= occurrence.starts_at - BEFORE[ReminderKind.HOUR]:
        return ReminderKind.HOUR
    if now >= occurrence.starts_at - BEFORE[ReminderKind.DAY]:
        return ReminderKind.DAY
    return None


def send_due(now: datetime | None = None) -> int:
    """Decide every reminder due at ``now``; returns how many were decided."""
    now = now or timezone.now()
    horizon = now + BEFORE[ReminderKind.DAY]
    events = Event.objects.filter(
        cancelled_at__isnull=True, last_ends_at__gt=now, starts_at__lte=horizon,
        topic__deleted_at__isnull=True,
    ).select_related("community")  # fmt: skip
    sent = 0
    for event in events.iterator(chunk_size=200):
        for occurrence in recurrence.between(event, now, horizon):
            kind = due(occurrence, now)
            if kind is not None and _decide(event, occurrence, kind):
                sent += 1
    return sent


def _decide(event: Event, occurrence: recurrence.Occurrence, kind: str) -> bool:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                community=event.community, event=event, occurrence=occurrence.day, kind=kind
            )
            record_event(
                community=event.community, actor=None, verb="event.remind", obj=event,
                data={"occurrence": occurrence.key, "kind": kind,
                      "starts_at": occurrence.starts_at.isoformat()},
            )  # fmt: skip
    except IntegrityError:
        return False  # decided already, by this worker earlier or by another
    return True


def run(now: datetime, slot: str) -> int:
    """The scheduler's entry point (a catch-up job)."""
    return send_due(now)
