"""The dashboard's computed snapshots: pages read them, the worker computes them.

A page never computes the dashboard (seconds at 100,000 members): it shows the window's
last snapshot and, when there is none or it is old, queues one computation in the worker.
The page, its export, its drill-downs and the API share that computation."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

from hearth.analytics import dashboard
from hearth.analytics.dashboard import DAY, Dashboard, Window
from hearth.analytics.models import DashboardSnapshot
from hearth.communities.models import Community

SNAPSHOT_MAX_AGE = timedelta(minutes=15)  # older: shown, and computed again in the worker
SNAPSHOT_QUEUED_FOR = 15 * 60  # seconds a queued computation keeps others from queueing


def dashboard_for(community: Community, window: Window) -> Dashboard | None:
    """The window's last computed dashboard; ``None`` while it is being computed. A page
    never computes: a missing snapshot, or one older than ``SNAPSHOT_MAX_AGE``, queues
    the computation in the worker (once: see :func:`request_snapshot`) and the page shows
    what there is. The page, its export, drill-downs and the API share one computation."""
    data, made_at = _stored(community, window)
    if data is None or made_at <= timezone.now() - SNAPSHOT_MAX_AGE:
        request_snapshot(community, window)
        if data is None:  # without a worker (tests, an immediate backend) it ran already
            data, _made_at = _stored(community, window)
    return data


def _stored(community: Community, window: Window) -> tuple[Dashboard | None, datetime | None]:
    snapshot = (
        DashboardSnapshot.objects.filter(
            community_id=community.pk, start=window.start, end=window.end
        )
        .only("made_at", "data")
        .first()
    )
    if snapshot is None:
        return None, None
    try:
        return pickle.loads(snapshot.data), snapshot.made_at  # noqa: S301 - refresh_snapshot's
    except (pickle.UnpicklingError, AttributeError, TypeError, ValueError, EOFError):
        return None, None  # made by another version of Hearth: to compute again


def _queued_key(community: Community, window: Window) -> str:
    return f"analytics:snapshot-queued:{community.pk}:{window.start}:{window.end}"


def request_snapshot(community: Community, window: Window) -> None:
    """Queue the window's computation in the worker, unless it is queued already."""
    from hearth.analytics import tasks

    key = _queued_key(community, window)
    if cache.add(key, 1, SNAPSHOT_QUEUED_FOR):
        try:
            tasks.compute_snapshot.enqueue(
                community.pk, window.start.isoformat(), window.end.isoformat()
            )
        except Exception:
            cache.delete(key)
            raise


def snapshot_done(community: Community, window: Window) -> None:
    """The queued computation ended (done or failed): the next stale view may queue one."""
    cache.delete(_queued_key(community, window))


def refresh_stale_snapshots(community: Community, *, older_than: timedelta) -> int:
    """Recompute the community's snapshots of windows ending today that are older than
    ``older_than`` (the worker's job after rollups move on), and compute today's windows of
    those that ended yesterday, so the page has the new day's figures ready after midnight;
    returns how many. Windows nobody opened lately have no snapshot and cost nothing."""
    now = timezone.now()
    today = now.date()
    kept = set(
        DashboardSnapshot.objects.filter(
            community_id=community.pk, end__gte=today - DAY, made_at__gte=now - older_than
        ).values_list("start", "end")
    )
    due = []
    for start, end in DashboardSnapshot.objects.filter(
        community_id=community.pk, end__gte=today - DAY
    ).values_list("start", "end"):
        window = Window(start, end)
        if end < today:
            window = Window(start + (today - end), today)
        if (window.start, window.end) not in kept and window not in due:
            due.append(window)
    for window in due:
        refresh_snapshot(community, window, now=now)
    return len(due)


def refresh_snapshot(
    community: Community, window: Window, *, now: datetime | None = None
) -> Dashboard:
    now = now or timezone.now()
    data = dashboard.build_dashboard(community, window, as_of=now)
    DashboardSnapshot.objects.update_or_create(
        community_id=community.pk,
        start=window.start,
        end=window.end,
        defaults={"made_at": now, "data": pickle.dumps(data)},
    )
    return data
