"""Background work for webhooks: follow the event log, send deliveries, catch up."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone
from django_tasks import default_task_backend, task

from hearth.analytics.rollups import configured_lag
from hearth.communities.models import Community
from hearth.core.models import InteractionEvent
from hearth.webhooks import catalogue, dispatch
from hearth.webhooks.models import Endpoint

logger = logging.getLogger(__name__)


@task()
def follow_events(community_id: int) -> int:
    """Make the deliveries for the community's new committed events."""
    community = Community.objects.filter(pk=community_id).first()
    return dispatch.process(community) if community is not None else 0


@task()
def send_delivery(delivery_id: int) -> bool:
    return dispatch.send(delivery_id) is not None


def schedule_webhooks(events: list[InteractionEvent]) -> None:
    """Event-log consumer (registered in WebhooksConfig.ready): a follow run for each
    community with an active endpoint, after the commit-order lag. It only hastens the
    periodic follow job; a failure here loses nothing, the cursor catches up."""
    try:
        ids = {e.community_id for e in events if e.verb in catalogue.VERBS}
        if not ids:
            return
        listening = set(
            Endpoint.objects.filter(community_id__in=ids, is_active=True)
            .values_list("community_id", flat=True)
            .distinct()
        )
        lag = configured_lag()
        for community_id in listening:
            if not lag:
                follow_events.enqueue(community_id)
            elif cache.add(f"webhooks:queued:{community_id}", 1, int(lag.total_seconds())):
                _later(follow_events, timezone.now() + lag + timedelta(seconds=5), community_id)
    except Exception:
        logger.exception("Could not schedule webhooks for %d events", len(events))


def _later(task_, run_after: datetime, *args) -> None:
    if default_task_backend.supports_defer:
        task_.using(run_after=run_after).enqueue(*args)
    else:
        task_.enqueue(*args)


# Periodic jobs (hearth.core.scheduler), registered in WebhooksConfig.ready --------------------


def follow_job(community: Community, now: datetime, slot: str) -> None:
    dispatch.process(community)


def retry_job(now: datetime, slot: str) -> None:
    dispatch.send_due(now)
