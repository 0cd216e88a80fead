"""Background work of elections: each step at its moment (enqueued for that moment when
the step before it commits) and a catch-up at every scheduler tick for steps whose task was
lost or ran early. The steps themselves (``lifecycle``, ``recalls``) run once however many
times they are called."""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone
from django_tasks import default_task_backend, task

from hearth.elections import lifecycle, recalls

logger = logging.getLogger(__name__)


def later(task_, run_after: datetime, *args) -> None:
    """Enqueue ``task_`` for ``run_after`` (now when the backend cannot defer: the step
    then does nothing and the catch-up does it in time)."""
    try:
        if run_after > timezone.now() and default_task_backend.supports_defer:
            task_.using(run_after=run_after).enqueue(*args)
        else:
            task_.enqueue(*args)
    except Exception:
        logger.exception("Could not enqueue %s%r; the catch-up will run it", task_, args)


@task()
def advance_election(election_id: int) -> str:
    return lifecycle.election_advance(election_id)


@task()
def advance_recall(recall_id: int) -> str:
    return recalls.recall_advance(recall_id)


def advance_due(now: datetime, slot: str) -> None:
    """Catch-up job (registered in ElectionsConfig.ready)."""
    for election_id in lifecycle.due_elections(now):
        lifecycle.election_advance(election_id, now)
    for recall_id in recalls.due_recalls(now):
        recalls.recall_advance(recall_id, now)
