"""The one scheduler: every app's periodic jobs registered, each slot run once however
often (or by however many workers) run_due is called, a failing job left for the next tick."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.core import mail

from hearth.core import scheduler as registry
from hearth.notifications import scheduler
from hearth.notifications.models import PeriodicRun
from hearth.trust.models import TrustState

MONDAY = datetime(2026, 3, 2, 0, 3, tzinfo=UTC)
DAY = timedelta(days=1)


def _tick(at: datetime) -> list[str]:
    """A tick at ``at``, as the clock reads then (the jobs read it too)."""
    with time_machine.travel(at, tick=False):
        return scheduler.run_due()


def _health_emails():
    return [m for m in mail.outbox if "this week" in m.subject]


def test_every_apps_periodic_job_is_registered():
    jobs = {job.name: job for job in registry.jobs()}
    assert jobs["trust:sweep"].slot is registry.daily
    assert jobs["trust:sweep"].per_community
    assert jobs["analytics:weekly-email"].slot is registry.weekly
    assert jobs["analytics:weekly-email"].per_community
    assert jobs["analytics:rollups"].slot is None  # a catch-up, at every tick
    assert jobs["customers:staged"].slot is None
    assert jobs["digest:daily"].slot is registry.daily
    assert jobs["digest:weekly"].slot is registry.weekly
    assert {"notifications:fanout", "notifications:outbox"} <= jobs.keys()


def test_each_slot_runs_once_however_often_run_due_is_called(community):
    first = scheduler.run_due(MONDAY)
    assert scheduler.run_due(MONDAY) == []
    assert scheduler.run_due(MONDAY + timedelta(hours=5)) == []
    assert sorted(first) == sorted(
        [
            "digest:daily 2026-03-02",
            "digest:weekly 2026-W10",
            f"trust:sweep:{community.pk} 2026-03-02",
            f"analytics:weekly-email:{community.pk} 2026-W10",
            "privacy:expired-exports 2026-03-02",
        ]
    )
    assert PeriodicRun.objects.filter(finished_at__isnull=False).count() == 5


def test_a_slot_another_worker_holds_is_not_run_again(community):
    """The second worker's insert of the unique row fails, so it skips the slot."""
    PeriodicRun.objects.create(job=f"trust:sweep:{community.pk}", slot="2026-03-02")
    ran = scheduler.run_due(MONDAY)
    assert f"trust:sweep:{community.pk} 2026-03-02" not in ran
    assert not TrustState.objects.filter(community=community, swept_at__isnull=False).exists()


def test_the_trust_sweep_runs_daily_from_the_scheduler(community, member):
    def swept_at():
        return TrustState.objects.get(community=community).swept_at

    _tick(MONDAY)
    assert swept_at() == MONDAY
    _tick(MONDAY + timedelta(hours=23))  # the same day: nothing
    assert swept_at() == MONDAY
    # The next day's first tick sweeps, though the last sweep is not yet 24 hours old.
    _tick(tuesday := MONDAY + DAY - timedelta(minutes=2))
    assert swept_at() == tuesday


def test_the_weekly_health_email_goes_out_once_a_week(community, owner, admin):
    scheduler.run_due(MONDAY)
    assert sorted(m.to[0] for m in _health_emails()) == sorted([admin.email, owner.email])
    mail.outbox.clear()
    scheduler.run_due(MONDAY + 3 * DAY)
    assert _health_emails() == []
    scheduler.run_due(MONDAY + 7 * DAY)
    assert sorted(m.to[0] for m in _health_emails()) == sorted([admin.email, owner.email])


def test_a_failing_job_is_logged_and_its_slot_left_for_the_next_tick(community, monkeypatch):
    calls = []

    def flaky(now, slot):
        calls.append(slot)
        if len(calls) == 1:
            raise RuntimeError("mail server down")

    monkeypatch.setitem(
        registry._jobs, "test:flaky", registry.Job("test:flaky", flaky, registry.daily)
    )
    first = scheduler.run_due(MONDAY)
    assert "test:flaky 2026-03-02" not in first
    assert "digest:daily 2026-03-02" in first  # the other jobs still ran
    assert not PeriodicRun.objects.filter(job="test:flaky").exists()
    assert scheduler.run_due(MONDAY) == ["test:flaky 2026-03-02"]
    assert calls == ["2026-03-02", "2026-03-02"]
