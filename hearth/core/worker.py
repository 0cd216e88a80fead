"""Keeping the background worker alive.

Three layers, each for a failure the one inside cannot handle:

- ``ResilientWorker``: django-tasks-db's worker loop, restarted in-process with back-off
  when the database is locked or the connection is lost, instead of exiting.
- ``Heartbeat``: a thread of the worker process recording that the process lives (a row
  in ``WorkerHeartbeat``), even while a long task runs; ``/readyz`` reads it.
- ``ChildSupervisor``: what ``hearth serve`` runs the embedded worker under. It restarts
  the worker process when it exits by itself and terminates it when the server stops.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from hearth.core.db import best_effort

logger = logging.getLogger(__name__)

# A worker or child that ran this long before failing was healthy: back-off starts over.
HEALTHY_SECONDS = 60
# Seconds a worker's write waits for SQLite's lock: no visitor waits on it, and a task
# that gives up is not retried.
WORKER_SQLITE_BUSY_TIMEOUT = 20
HEARTBEAT_KEPT = timedelta(days=1)


def backoff_delay(failures: int, *, base: float = 1.0, cap: float = 60.0) -> float:
    """Seconds to wait after the ``failures``-th failure in a row: 1, 2, 4, … 60."""
    return min(cap, base * 2 ** max(0, failures - 1))


def close_connections() -> None:
    """Drop this thread's database connections; the next query opens fresh ones."""
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except (OperationalError, InterfaceError):
            logger.debug("Closing a broken connection failed", exc_info=True)


def wait_longer_for_sqlite_lock() -> None:
    """Give this process's SQLite connections the worker's longer lock wait."""
    for conn in connections.all():
        if conn.vendor == "sqlite":
            options = conn.settings_dict.setdefault("OPTIONS", {})
            options["timeout"] = max(options.get("timeout", 0), WORKER_SQLITE_BUSY_TIMEOUT)
            conn.close()


class ResilientWorker(Worker):
    """django-tasks-db's ``Worker`` that outlives a locked or lost database.

    Its loop raises OperationalError when SQLite stays locked past the busy timeout while
    it starts a transaction, or when a PostgreSQL connection drops; the process would
    exit and its tasks wait for a restart. Here the error is logged, the connections are
    closed and the loop starts again after a back-off; signals still stop it (the base
    class exits on them), and a task the error interrupted stays as it was left.
    """

    def __init__(
        self,
        *,
        backoff: Callable[[int], float] = backoff_delay,
        sleep: Callable[[float], None] = time.sleep,
        **options,
    ):
        super().__init__(**options)
        self.backoff = backoff
        self.sleep = sleep
        self.recoveries = 0

    def run(self) -> None:
        failures = 0
        while self.running:
            started = time.monotonic()
            try:
                super().run()
                return  # --batch ran dry, or --max-tasks were run
            except (OperationalError, InterfaceError) as exc:
                failures = 1 if time.monotonic() - started > HEALTHY_SECONDS else failures + 1
                delay = self.backoff(failures)
                logger.warning(
                    "Worker %s lost the database (%s); retrying in %.1f s",
                    self.worker_id,
                    exc,
                    delay,
                )
                close_connections()
                self.recoveries += 1
                self.startup_delay = False
                self.sleep(delay)


def heartbeat_record(worker_id: str, started_at) -> None:
    """Record that worker ``worker_id`` is alive now."""
    from hearth.core.models import WorkerHeartbeat

    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            host=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=started_at,
            seen_at=now,
        )


def heartbeats_prune() -> None:
    """Forget workers not seen for a day: each process start adds a row."""
    from hearth.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - HEARTBEAT_KEPT).delete()


def tasks_reclaim(stale_seconds: float) -> int:
    """Put back in the queue the tasks whose worker died while running them; returns how
    many. django-tasks-db marks a task RUNNING when a worker claims it and never looks at
    it again: a worker killed mid-task (SIGKILL, out of memory, the machine lost) would
    leave it RUNNING for ever, its work never done. A worker is dead when its heartbeat
    is older than ``stale_seconds``, or when it has none and the task started more than a
    day ago (heartbeats are pruned after a day; ``--batch`` runs record none).

    The task then runs again from the start on another worker, so tasks must be
    idempotent: the outbox, the webhook deliveries and the event cursors are (what a
    killed transaction wrote was rolled back; what it committed is not done twice)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from hearth.core.models import WorkerHeartbeat

    now = timezone.now()
    beats = dict(WorkerHeartbeat.objects.values_list("worker_id", "seen_at"))
    stale = now - timedelta(seconds=stale_seconds)
    reclaimed = 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    for pk, worker_ids, started_at in running.values_list("pk", "worker_ids", "started_at"):
        worker = worker_ids[-1] if worker_ids else None
        seen = beats.get(worker)
        dead = seen < stale if seen else (started_at or now) < now - HEARTBEAT_KEPT
        if not dead:
            continue
        # Only if no one claimed it meanwhile (a claim sets a new started_at).
        updated = DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
        ).update(status=TaskResultStatus.READY, started_at=None)
        if updated:
            logger.warning("Task %s was left running by dead worker %s: queued again", pk, worker)
        reclaimed += updated
    return reclaimed


class Heartbeat(threading.Thread):
    """Records the worker's heartbeat every ``interval`` seconds, from its own thread so
    that a long task does not make a live worker look dead. A failed write is logged and
    tried again at the next beat."""

    def __init__(self, worker_id: str, interval: float):
        super().__init__(name="hearth-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.started_at = timezone.now()
        self._stopping = threading.Event()
        # A worker silent this long is dead: its running tasks are queued again.
        self.stale_seconds = settings.HEARTH_WORKER_HEARTBEAT_STALE_SECONDS or 60

    def run(self) -> None:
        with best_effort("pruning old worker heartbeats"):
            heartbeats_prune()
        try:
            while True:
                with best_effort("worker heartbeat"):
                    heartbeat_record(self.worker_id, self.started_at)
                with best_effort("reclaiming tasks of dead workers"):
                    tasks_reclaim(self.stale_seconds)
                if self._stopping.wait(self.interval):
                    return
                close_connections()  # a lost connection is replaced at the next beat
        finally:
            close_connections()

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=5)


class ChildSupervisor:
    """Keeps one child process running: restarts it after a back-off whenever it exits
    without being asked to, and ``stop()`` terminates it and waits for it.

    ``backoff(failures)`` gives the wait after the n-th exit in a row (tests pass a tiny
    one); a child that ran ``HEALTHY_SECONDS`` before exiting starts the count over.
    """

    def __init__(
        self,
        command: Sequence[str],
        *,
        log_path: Path | None = None,
        backoff: Callable[[int], float] = backoff_delay,
        name: str = "worker",
    ):
        self.command = list(command)
        self.log_path = log_path
        self.backoff = backoff
        self.name = name
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    def _spawn(self) -> subprocess.Popen:
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            # Its own session: a Ctrl+C in the terminal reaches the server, which stops
            # the child in order, instead of both at once.
            return subprocess.Popen(  # noqa: S603
                self.command, stdout=log, stderr=log, start_new_session=True
            )
        finally:
            if log is not subprocess.DEVNULL:
                log.close()

    def start(self) -> None:
        with self._lock:
            self.process = self._spawn()
        self._watcher = threading.Thread(target=self._watch, name=f"{self.name}-supervisor")
        self._watcher.daemon = True
        self._watcher.start()

    def _watch(self) -> None:
        failures = 0
        while True:
            process = self.process
            started = time.monotonic()
            returncode = process.wait()
            if self._stopping.is_set():
                return
            failures = 1 if time.monotonic() - started > HEALTHY_SECONDS else failures + 1
            delay = self.backoff(failures)
            logger.warning(
                "The %s (pid %d) exited with status %s; restarting it in %.1f s",
                self.name,
                process.pid,
                returncode,
                delay,
            )
            if self._stopping.wait(delay):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                self.process = self._spawn()
                self.restarts += 1

    def stop(self, timeout: float = 10) -> None:
        """Terminate the child (SIGTERM, then SIGKILL after ``timeout`` seconds) and wait
        for it; no restart follows."""
        self._stopping.set()
        with self._lock:
            process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._watcher is not None:
            self._watcher.join(timeout=timeout)
