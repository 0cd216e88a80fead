"""Background work for governance: closing votes and adopting passed proposals after the
owner's veto window.

A proposal's close is queued for its closing moment when it opens (a deferred task, on a
backend that can defer); the scheduler's catch-up job (``governance:close``, run by
``hearth tick``) closes whatever is due in case that task was lost or the backend cannot
defer. Either way the close happens once: the service locks the proposal and acts only
on an open proposal whose time is up."""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone
from django_tasks import task

from hearth.governance import services
from hearth.governance.models import Proposal, ProposalStatus

logger = logging.getLogger(__name__)


@task()
def close_proposal(proposal_id: int) -> str | None:
    """Close the vote (if due and still open); returns the result, if it closed."""
    closed = services.proposal_close(proposal_id)
    return closed.status if closed is not None else None


@task()
def adopt_after_veto_window(proposal_id: int) -> bool:
    """Adopt a passed proposal whose veto window ended without a veto (if still so)."""
    return services.proposal_adopt_after_veto_window(proposal_id)


def close_due(now: datetime | None = None) -> dict[str, int]:
    """Close every vote whose time is up and adopt every passed proposal whose veto window
    ended; returns how many of each. A failure on one proposal is logged and left to the
    next run, without stopping the others."""
    now = now or timezone.now()
    closed = adopted = 0
    due = Proposal.objects.filter(status=ProposalStatus.OPEN, closes_at__lte=now)
    for proposal_id in due.values_list("pk", flat=True).iterator():
        try:
            closed += services.proposal_close(proposal_id, now=now) is not None
        except Exception:
            logger.exception("Closing proposal %s failed", proposal_id)
    waiting = Proposal.objects.filter(status=ProposalStatus.AWAITING_VETO, veto_until__lte=now)
    for proposal_id in waiting.values_list("pk", flat=True).iterator():
        try:
            adopted += services.proposal_adopt_after_veto_window(proposal_id, now=now)
        except Exception:
            logger.exception("Adopting proposal %s failed", proposal_id)
    return {"closed": closed, "adopted": adopted}


def close_due_job(now: datetime, slot: str) -> dict[str, int]:
    """The scheduler's entry point (a catch-up job)."""
    return close_due(now)
