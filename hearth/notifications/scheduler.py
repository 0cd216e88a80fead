"""Periodic jobs, from one entry point: :func:`run_due`, run by the ``run_periodic_jobs``
task, which ``hearth tick`` (cron, every few minutes) and members' activity enqueue.

Each job has slots (a day, an ISO week); a slot runs once however many workers or cron
hosts call in, because running it starts by inserting its unique :class:`PeriodicRun` row
in the transaction that does the work: a second caller's insert fails, and a run that dies
rolls its row back so the next tick does it again. Catching up work that must not wait
for a slot (notifications from the event log, emails whose task was lost) runs every
time; it is idempotent by itself."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from hearth.communities.models import Community
from hearth.notifications import digests, fanout
from hearth.notifications.models import DigestFrequency, OutboxEmail, PeriodicRun

logger = logging.getLogger(__name__)
# An unsent email whose task should have run this long ago is sent again (its task was
# lost: a worker killed mid-task, a failed enqueue).
STALE_OUTBOX = timedelta(minutes=10)


def slots(now: datetime) -> list[tuple[str, str]]:
    year, week, _day = now.isocalendar()
    return [
        (f"digest:{DigestFrequency.DAILY}", now.date().isoformat()),
        (f"digest:{DigestFrequency.WEEKLY}", f"{year}-W{week:02d}"),
    ]


def _run_slot(job: str, slot: str, now: datetime) -> bool:
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(job=job, slot=slot, started_at=now)
            frequency = job.split(":", 1)[1]
            digests.queue(frequency, f"{frequency}:{slot}", now=now)
            PeriodicRun.objects.filter(job=job, slot=slot).update(finished_at=timezone.now())
    except IntegrityError:
        return False
    return True


def catch_up(now: datetime) -> None:
    for community in Community.objects.all().iterator():
        fanout.process(community)
    from hearth.notifications.tasks import send_outbox_email

    stale = OutboxEmail.objects.filter(
        sent_at__isnull=True, dropped_at__isnull=True, send_after__lt=now - STALE_OUTBOX
    ).values_list("pk", flat=True)
    for outbox_id in stale.iterator():
        send_outbox_email.enqueue(outbox_id)


def run_due(now: datetime | None = None) -> list[str]:
    """Run what is due now; returns the slots this call ran."""
    now = now or timezone.now()
    catch_up(now)
    return [f"{job} {slot}" for job, slot in slots(now) if _run_slot(job, slot, now)]
