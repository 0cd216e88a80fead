"""The registry of periodic jobs. Apps register theirs from ``AppConfig.ready``; the
scheduler (``hearth.notifications.scheduler.run_due``, run by ``hearth tick``) runs them,
so it imports none of them and lower apps need not import notifications.

A job with a ``slot`` runs once per slot (a day, an ISO week) however many workers call
in; with ``per_community`` it has a slot of its own per community, so one community's
failure does not stop the others'. A job without a slot is a catch-up: it runs at every
tick and must be idempotent by itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


def daily(now: datetime) -> str:
    """The UTC day: due at the first tick after midnight."""
    return now.date().isoformat()


def weekly(now: datetime) -> str:
    """The ISO week: due at the first tick of Monday (UTC), or the first after it."""
    year, week, _day = now.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Job:
    name: str
    # run(now, slot) or, per community, run(community, now, slot); slot is "" for a catch-up.
    run: Callable[..., object]
    slot: Callable[[datetime], str] | None = None
    per_community: bool = False


_jobs: dict[str, Job] = {}


def register(
    name: str,
    run: Callable[..., object],
    *,
    slot: Callable[[datetime], str] | None = None,
    per_community: bool = False,
) -> None:
    """Register a job under a unique ``name`` (at most 30 characters: it is stored with
    the community's id in ``PeriodicRun.job``). Registering the same name again replaces
    it, so a reloaded app config does not run a job twice."""
    if len(name) > 30:
        raise ValueError(f"Periodic job name too long: {name!r}")
    _jobs[name] = Job(name=name, run=run, slot=slot, per_community=per_community)


def jobs() -> list[Job]:
    return list(_jobs.values())
