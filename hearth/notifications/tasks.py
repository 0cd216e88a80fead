"""Background work: notifications from the event log, the email outbox, periodic jobs.
Every task is idempotent: run twice, it makes and sends nothing twice."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone
from django_tasks import default_task_backend, task

from hearth.analytics.rollups import configured_lag
from hearth.communities.models import Community
from hearth.core.models import InteractionEvent
from hearth.notifications import emails, fanout, scheduler

logger = logging.getLogger(__name__)
# Activity asks for the periodic jobs at most this often (cron may call `hearth tick` too).
TICK_EVERY = timedelta(minutes=5)


@task()
def deliver_notifications(community_id: int) -> int:
    """Turn the community's new committed events into notifications."""
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return 0
    return fanout.process(community)


def _later(task_, run_after: datetime, *args) -> None:
    if run_after > timezone.now() and default_task_backend.supports_defer:
        task_.using(run_after=run_after).enqueue(*args)
    else:
        task_.enqueue(*args)


def schedule_notifications(events: list[InteractionEvent]) -> None:
    """Event-log consumer (registered in NotificationsConfig.ready): one run per community
    after the commit-order lag, and the periodic jobs every few minutes of activity. A
    failure to enqueue must not turn a committed write into an error page: the next run
    catches up from the cursor."""
    try:
        lag = configured_lag()
        for community_id in {e.community_id for e in events if e.verb in fanout.VERBS}:
            if not lag:
                deliver_notifications.enqueue(community_id)
            elif cache.add(f"notifications:queued:{community_id}", 1, int(lag.total_seconds())):
                _later(
                    deliver_notifications,
                    timezone.now() + lag + timedelta(seconds=5),
                    community_id,
                )
        if cache.add("notifications:tick", 1, int(TICK_EVERY.total_seconds())):
            run_periodic_jobs.enqueue()
    except Exception:
        logger.exception("Could not schedule notifications for %d events", len(events))


@task()
def send_outbox_email(outbox_id: int) -> bool:
    return emails.send_outbox(outbox_id)


def send_outbox_email_later(outbox_ids: list[int], send_after: datetime) -> None:
    for outbox_id in outbox_ids:
        _later(send_outbox_email, send_after, outbox_id)


@task()
def run_periodic_jobs() -> list[str]:
    """The scheduler's one entry point on the worker (see scheduler.run_due)."""
    return scheduler.run_due()
