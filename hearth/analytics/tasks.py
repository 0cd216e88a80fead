"""Background work for the health dashboard: keeping each community's rollups current."""

from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from django_tasks import default_task_backend, task

from hearth.analytics import rollups
from hearth.communities.models import Community


@task()
def update_rollups(community_id: int, *, wait_for_commits: bool = True) -> int:
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return 0
    return rollups.update(community, lag=rollups.DEFAULT_LAG if wait_for_commits else timedelta(0))


def schedule_rollups(events) -> None:
    """Event-log consumer: queue one rollup run per community per lag period, timed to run
    once the lag has passed so the events that woke it are applied."""
    for community_id in {e.community_id for e in events}:
        if not cache.add(
            f"analytics:rollups-queued:{community_id}", 1, rollups.DEFAULT_LAG.seconds
        ):
            continue
        if default_task_backend.supports_defer:
            run_after = timezone.now() + rollups.DEFAULT_LAG + timedelta(seconds=5)
            update_rollups.using(run_after=run_after).enqueue(community_id)
        else:
            # A backend that runs tasks at once (tests, development) runs it right after
            # this commit, in this process: there is nothing to wait for.
            cache.delete(f"analytics:rollups-queued:{community_id}")
            update_rollups.enqueue(community_id, wait_for_commits=False)
