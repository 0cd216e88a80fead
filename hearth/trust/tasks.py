"""Background work for trust levels: applying new events after activity, and the daily
sweep (a periodic job registered in TrustConfig.ready, run by the scheduler)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone
from django_tasks import default_task_backend, task

from hearth.analytics.rollups import configured_lag
from hearth.communities.models import Community
from hearth.core.models import InteractionEvent
from hearth.trust import levels

logger = logging.getLogger(__name__)
# Our own output: a batch of nothing else has nothing to re-evaluate.
IGNORED_VERBS = frozenset({"trust.level_changed"})


@task()
def update_trust_levels(community_id: int) -> int:
    """Apply the community's new events and re-evaluate the members they name."""
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return 0
    return levels.update(community)


@task()
def sweep_trust_levels(community_id: int) -> int:
    """Re-evaluate every member now (the thresholds changed)."""
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return 0
    levels.update(community)
    return levels.sweep(community, force=True) or 0


def daily_sweep(community: Community, now: datetime, slot: str) -> None:
    """Once a day: re-evaluate every member, since falling below level 3 happens without
    any event. The slot makes it daily, so the sweep is forced."""
    levels.update(community)
    levels.sweep(community, force=True)


def schedule_trust(events: list[InteractionEvent]) -> None:
    """Event-log consumer (registered in TrustConfig.ready): one run per community, after
    the lag where young events must wait (as the analytics rollups are scheduled). A
    failure to enqueue must not turn an already committed write into an error page; the
    next run catches up from the cursor."""
    try:
        lag = configured_lag()
        communities = {e.community_id for e in events if e.verb not in IGNORED_VERBS}
        for community_id in communities:
            if not lag or not default_task_backend.supports_defer:
                update_trust_levels.enqueue(community_id)
            elif cache.add(f"trust:queued:{community_id}", 1, int(lag.total_seconds())):
                run_after = timezone.now() + lag + timedelta(seconds=5)
                update_trust_levels.using(run_after=run_after).enqueue(community_id)
    except Exception:
        logger.exception("Could not schedule trust levels for %d events", len(events))
