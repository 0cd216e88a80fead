"""What ``/readyz`` checks: the database answers (and, on SQLite, its write lock is free)
and, where tasks go through the database, a worker has been seen lately. Each check is a
query or two: load balancers ask every few seconds."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, InterfaceError, connection
from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import import_string

from hearth.core.cache import status as cache_status
from hearth.core.models import WorkerHeartbeat

# How long the readiness probe waits for SQLite's write lock. A healthy write holds it
# for milliseconds; a lock held longer than this is what readiness should report.
SQLITE_LOCK_PROBE_MS = 500


def _probe_sqlite_write_lock(cursor) -> None:
    """Take and release SQLite's write lock without writing, waiting at most
    ``SQLITE_LOCK_PROBE_MS``; raises OperationalError("database is locked") if held."""
    cursor.execute("PRAGMA busy_timeout")
    busy_timeout = cursor.fetchone()[0]
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_LOCK_PROBE_MS}")
    try:
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute("ROLLBACK")
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout)}")


def database_status() -> str:
    """``ok``, ``locked`` (SQLite's write lock is held) or ``unreachable``."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            # Inside a transaction (tests) the lock is ours already.
            if connection.vendor == "sqlite" and not connection.in_atomic_block:
                _probe_sqlite_write_lock(cursor)
    except (DatabaseError, InterfaceError) as exc:
        return "locked" if "locked" in str(exc).lower() else "unreachable"
    return "ok"


def worker_expected() -> bool:
    """A worker must run when tasks are queued in the database and the heartbeat check is
    on (``HEARTH_WORKER_HEARTBEAT_STALE_SECONDS`` > 0)."""
    from django_tasks_db import DatabaseBackend

    if settings.HEARTH_WORKER_HEARTBEAT_STALE_SECONDS <= 0:
        return False
    backend = import_string(settings.TASKS["default"]["BACKEND"])
    return issubclass(backend, DatabaseBackend)


def worker_status() -> tuple[str, int | None]:
    """(``ok``, ``stale``, ``missing`` or ``not expected``; seconds since the newest
    heartbeat, None when there is none)."""
    if not worker_expected():
        return "not expected", None
    seen_at = WorkerHeartbeat.objects.aggregate(newest=Max("seen_at"))["newest"]
    if seen_at is None:
        return "missing", None
    age = timezone.now() - seen_at
    stale = timedelta(seconds=settings.HEARTH_WORKER_HEARTBEAT_STALE_SECONDS)
    return ("ok" if age <= stale else "stale"), max(0, int(age.total_seconds()))


def readiness() -> tuple[bool, dict]:
    """(ready, the JSON body of ``/readyz``), naming each check's state."""
    database = database_status()
    report: dict = {"database": database}
    ready = database == "ok"
    if ready:
        worker, seen_seconds_ago = worker_status()
        report["worker"] = worker
        if seen_seconds_ago is not None:
            report["worker_seen_seconds_ago"] = seen_seconds_ago
        ready = worker in ("ok", "not expected")
    else:
        report["worker"] = "unknown"
    # Reported, never a reason to take the process out of service: without Redis pages are
    # still served (hearth/core/cache.py), and every process shares the same Redis.
    report["cache"] = cache_status()
    return ready, {"status": "ok" if ready else "unavailable", **report}
