"""Background work for the health dashboard: keeping each community's rollups current."""

from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.utils import timezone
from django_tasks import default_task_backend, task

from hearth.analytics import dashboard, rollups, snapshots
from hearth.analytics.emails import send_weekly_email
from hearth.communities.models import Community

# A large community's dashboard takes the worker tens of seconds: at most this often.
SNAPSHOT_REFRESH_EVERY = timedelta(minutes=5)


@task()
def update_rollups(community_id: int) -> int:
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return 0
    applied = rollups.update(community)
    if applied:
        snapshots.refresh_stale_snapshots(community, older_than=SNAPSHOT_REFRESH_EVERY)
    return applied


@task()
def compute_snapshot(community_id: int, start: str, end: str) -> bool:
    """Compute and keep one window's dashboard (queued by a page that found none, or an
    old one)."""
    community = Community.objects.filter(pk=community_id).first()
    window = dashboard.Window(date.fromisoformat(start), date.fromisoformat(end))
    try:
        if community is None:
            return False
        rollups.update(community)
        snapshots.refresh_snapshot(community, window)
        return True
    finally:
        if community is not None:
            snapshots.snapshot_done(community, window)


def schedule_rollups(events) -> None:
    """Event-log consumer: one rollup run per community. Where young events must wait (the
    lag), queue at most one run per lag period, timed to start once the lag has passed."""
    lag = rollups.configured_lag()
    for community_id in {e.community_id for e in events}:
        if not lag or not default_task_backend.supports_defer:
            update_rollups.enqueue(community_id)
        elif cache.add(f"analytics:rollups-queued:{community_id}", 1, int(lag.total_seconds())):
            run_after = timezone.now() + lag + timedelta(seconds=5)
            update_rollups.using(run_after=run_after).enqueue(community_id)


# Periodic jobs (registered in AnalyticsConfig.ready, run by the scheduler) ------------------


def catch_up_rollups(community: Community, now: datetime, slot: str) -> None:
    """Every tick: what the activity-triggered run missed (a lost enqueue, a quiet
    community whose last events were still inside the lag)."""
    update_rollups.call(community.pk)


def weekly_email(community: Community, now: datetime, slot: str) -> None:
    """Monday's health email to the staff (it brings the rollups up to date first)."""
    send_weekly_email(community, as_of=now)
