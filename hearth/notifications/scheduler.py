"""Periodic jobs, from one entry point: :func:`run_due`, run by the ``run_periodic_jobs``
task, which ``hearth tick`` (cron, every few minutes) and members' activity enqueue. The
jobs are those the apps registered in :mod:`hearth.core.scheduler` (digests here, the trust
sweep, the analytics rollups and weekly email).

Each slotted job runs once per slot however many workers or cron hosts call in, because
running it starts by inserting its unique :class:`PeriodicRun` row in the transaction that
does the work: a second caller's insert fails, and a run that dies rolls its row back so
the next tick does it again. Catch-up jobs (notifications from the event log, emails whose
task was lost, rollups) run every time; they are idempotent by themselves."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from hearth.communities.models import Community
from hearth.core import scheduler as registry
from hearth.notifications import digests, fanout
from hearth.notifications.models import DigestFrequency, OutboxEmail, PeriodicRun

logger = logging.getLogger(__name__)
# An unsent email whose task should have run this long ago is sent again (its task was
# lost: a worker killed mid-task, a failed enqueue).
STALE_OUTBOX = timedelta(minutes=10)


def _run_slot(job: str, slot: str, now: datetime, run, *args) -> bool:
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(job=job, slot=slot, started_at=now)
            run(*args, now, slot)
            PeriodicRun.objects.filter(job=job, slot=slot).update(finished_at=timezone.now())
    except IntegrityError:
        return False
    return True


def _run_job(job: registry.Job, now: datetime) -> list[str]:
    """Run one job (for each community if it is per community); a failure is logged and
    leaves its slot to the next tick, without stopping the other jobs."""
    targets = Community.objects.order_by("pk").iterator() if job.per_community else [None]
    ran = []
    for community in targets:
        args = (community,) if community is not None else ()
        name = f"{job.name}:{community.pk}" if community is not None else job.name
        try:
            if job.slot is None:
                job.run(*args, now, "")
            elif _run_slot(name, slot := job.slot(now), now, job.run, *args):
                ran.append(f"{name} {slot}")
        except Exception:
            logger.exception("Periodic job %s failed", name)
    return ran


def run_due(now: datetime | None = None) -> list[str]:
    """Run what is due now, catch-ups first (so slotted jobs see current data); returns
    the slots this call ran."""
    now = now or timezone.now()
    jobs = sorted(registry.jobs(), key=lambda job: job.slot is not None)
    return [ran for job in jobs for ran in _run_job(job, now)]


# This app's jobs (registered in NotificationsConfig.ready) ---------------------------------


def deliver_notifications(community: Community, now: datetime, slot: str) -> None:
    fanout.process(community)


def resend_stale_outbox(now: datetime, slot: str) -> None:
    from hearth.notifications.tasks import send_outbox_email

    stale = OutboxEmail.objects.filter(
        sent_at__isnull=True, dropped_at__isnull=True, send_after__lt=now - STALE_OUTBOX
    ).values_list("pk", flat=True)
    for outbox_id in stale.iterator():
        send_outbox_email.enqueue(outbox_id)


def daily_digests(now: datetime, slot: str) -> None:
    digests.queue(DigestFrequency.DAILY, f"{DigestFrequency.DAILY}:{slot}", now=now)


def weekly_digests(now: datetime, slot: str) -> None:
    digests.queue(DigestFrequency.WEEKLY, f"{DigestFrequency.WEEKLY}:{slot}", now=now)


def register_jobs() -> None:
    registry.register("notifications:fanout", deliver_notifications, per_community=True)
    registry.register("notifications:outbox", resend_stale_outbox)
    registry.register(f"digest:{DigestFrequency.DAILY}", daily_digests, slot=registry.daily)
    registry.register(f"digest:{DigestFrequency.WEEKLY}", weekly_digests, slot=registry.weekly)
