"""A locked or lost database: the worker lives on, ``hearth serve`` keeps its worker
running and stops it with itself, ``/readyz`` tells, reads still render and what cannot be
served answers 503 with ``Retry-After``."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from datetime import timedelta
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from hearth.core import readiness
from hearth.core.db import is_database_unavailable
from hearth.core.models import WorkerHeartbeat
from hearth.core.worker import ChildSupervisor, ResilientWorker, heartbeat_record
from hearth.discussions.views import topic_url
from hearth.testing.factories import actor_for

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LOCKED = OperationalError("database is locked")
ran = []


@task()
def remember(value):
    ran.append(value)
    return value


def _worker(**options):
    delays = []
    worker = ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
        sleep=delays.append,
        **options,
    )
    return worker, delays


def _fail_once(real, error):
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise error
        return real(*args, **kwargs)

    return flaky


# The worker closes its connections as in production, so no test transaction wraps these.
@pytest.mark.django_db(transaction=True)
class TestResilientWorker:
    def _enqueue(self, value):
        result = DatabaseBackend("default", {}).enqueue(remember, [value], {})
        return DBTaskResult.objects.get(pk=result.id)

    def test_survives_a_lost_connection_while_fetching(self):
        ran.clear()
        queued = self._enqueue("after the outage")
        lost = OperationalError("server closed the connection unexpectedly")
        flaky = _fail_once(DBTaskResultQuerySet.get_locked, lost)
        worker, delays = _worker()

        with mock.patch.object(DBTaskResultQuerySet, "get_locked", flaky):
            worker.run()

        assert ran == ["after the outage"]
        queued.refresh_from_db()
        assert queued.status == "SUCCESSFUL"
        assert worker.recoveries == 1
        assert delays == [1.0]

    def test_survives_a_lock_that_outlasts_the_busy_timeout(self):
        """SQLite raises "database is locked" when the worker starts its transaction."""
        from django_tasks_db.management.commands import db_worker

        ran.clear()
        self._enqueue("after the lock")
        flaky = _fail_once(db_worker.exclusive_transaction, LOCKED)
        worker, delays = _worker(backoff=lambda failures: 0.0)

        with mock.patch.object(db_worker, "exclusive_transaction", flaky):
            worker.run()

        assert ran == ["after the lock"]
        assert worker.recoveries == 1

    def test_lets_other_errors_through(self):
        worker, _delays = _worker()
        with (
            mock.patch.object(DBTaskResultQuerySet, "get_locked", side_effect=ValueError),
            pytest.raises(ValueError),
        ):
            worker.run()


class TestChildSupervisor:
    def test_restarts_a_child_that_exits(self):
        waits = []
        restarted_twice = threading.Event()

        def backoff(failures):
            waits.append(failures)
            if len(waits) >= 3:
                restarted_twice.set()
            return 0.001

        supervisor = ChildSupervisor(
            [sys.executable, "-c", "import sys; sys.exit(1)"], backoff=backoff
        )
        supervisor.start()
        try:
            assert restarted_twice.wait(timeout=30)
        finally:
            supervisor.stop()
        assert waits[:3] == [1, 2, 3]  # back-off grows while the child keeps failing
        assert supervisor.restarts >= 2

    def test_stop_terminates_the_child_and_does_not_restart_it(self):
        supervisor = ChildSupervisor(
            [sys.executable, "-c", "import time; time.sleep(60)"], backoff=lambda n: 0.001
        )
        supervisor.start()
        child = supervisor.process
        supervisor.stop()
        assert child.returncode == -signal.SIGTERM
        assert supervisor.process is child
        assert supervisor.restarts == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("server", ["uvicorn", "granian"])
def test_sigterm_to_serve_stops_its_worker(tmp_path, server):
    """uvicorn re-raises SIGTERM after its graceful shutdown; the worker must not outlive
    the server."""
    env = {
        **os.environ,
        "HEARTH_ENV": "embedded",
        "DJANGO_SETTINGS_MODULE": "hearth.settings",
        "HEARTH_DATA_DIR": str(tmp_path),
    }
    serve = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "hearth.cli",
            "serve",
            "--no-collectstatic",
            "--port",
            str(_free_port()),
            "--server",
            server,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        worker_pid = None
        for line in serve.stdout:
            if line.startswith("Background worker running (pid "):
                worker_pid = int(line.split("(pid ")[1].split(")")[0])
                break
        assert worker_pid is not None, "serve never started its worker"
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=60) == 0
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
    with pytest.raises(ProcessLookupError):
        os.kill(worker_pid, 0)


@pytest.mark.django_db
class TestReadyz:
    @pytest.fixture(autouse=True)
    def _database_tasks(self, settings):
        settings.TASKS = DB_TASKS
        settings.HEARTH_WORKER_HEARTBEAT_STALE_SECONDS = 60

    def test_ready_with_a_recent_heartbeat(self, client):
        heartbeat_record("w1", timezone.now())
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["worker"] == "ok"

    def test_unavailable_when_the_heartbeat_is_stale(self, client):
        heartbeat_record("w1", timezone.now())
        WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(seconds=61))
        response = client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unavailable"
        assert body["database"] == "ok"
        assert body["worker"] == "stale"
        assert body["worker_seen_seconds_ago"] >= 61

    def test_unavailable_when_no_worker_ever_ran(self, client):
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["worker"] == "missing"

    def test_the_worker_check_can_be_turned_off(self, client, settings):
        settings.HEARTH_WORKER_HEARTBEAT_STALE_SECONDS = 0
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["worker"] == "not expected"

    @pytest.mark.parametrize(
        "error, state",
        [(LOCKED, "locked"), (OperationalError("connection refused"), "unreachable")],
    )
    def test_unavailable_when_the_database_fails(self, client, error, state):
        from django.db import connections

        with mock.patch.object(connections["default"], "cursor", side_effect=error):
            response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json() == {
            "status": "unavailable",
            "database": state,
            "worker": "unknown",
            "cache": "local",
        }


def test_the_sqlite_lock_probe_sees_a_held_write_lock(tmp_path, monkeypatch):
    monkeypatch.setattr(readiness, "SQLITE_LOCK_PROBE_MS", 1)
    path = tmp_path / "probe.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    prober = sqlite3.connect(path, isolation_level=None, timeout=7)
    cursor = prober.cursor()

    readiness._probe_sqlite_write_lock(cursor)  # free: taken and released
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        readiness._probe_sqlite_write_lock(cursor)
    holder.execute("ROLLBACK")
    assert cursor.execute("PRAGMA busy_timeout").fetchone() == (7000,)


class TestReadsSurviveFailedBookkeeping:
    def test_topic_renders_when_the_read_position_cannot_be_written(self, client, member, topic):
        client.force_login(member)
        with mock.patch("hearth.discussions.services._mark_read", side_effect=LOCKED) as write:
            response = client.get(topic_url(topic))
        assert write.called
        assert response.status_code == 200
        assert b"Hello garden" in response.content

    def test_visitors_start_no_write_at_all(self, client, topic):
        with mock.patch("hearth.discussions.services._mark_read") as write:
            assert client.get(topic_url(topic)).status_code == 200
        assert not write.called

    def test_conversation_renders_when_it_cannot_be_marked_read(
        self, client, community, member, admin
    ):
        from hearth.conversations import services

        conversation = services.start_conversation(
            actor=actor_for(admin, community), recipients=[member], body="Hello there"
        )
        client.force_login(member)
        with mock.patch.object(services, "conversation_mark_read", side_effect=LOCKED) as write:
            response = client.get(f"/c/garden/messages/{conversation.pk}/")
        assert write.called
        assert response.status_code == 200
        assert b"Hello there" in response.content

    def test_a_failed_write_inside_a_transaction_leaves_it_usable(self, db, community):
        """The savepoint: on PostgreSQL a failed statement would break what follows."""
        from django.db import connection

        from hearth.communities.models import Community
        from hearth.core.db import best_effort

        with best_effort("a doomed write"), connection.cursor() as cursor:
            cursor.execute("UPDATE no_such_table SET x = 1")
        assert Community.objects.filter(pk=community.pk).exists()


@pytest.mark.django_db
class TestDatabaseUnavailableAnswers503:
    def test_html_page(self, client, topic):
        with mock.patch("hearth.discussions.selectors.topic_for", side_effect=LOCKED):
            response = client.get(topic_url(topic))
        assert response.status_code == 503
        assert response["Retry-After"].isdigit()
        assert response["Content-Type"].startswith("text/html")
        assert b"try again in a few seconds" in response.content

    def test_html_page_after_a_form_says_it_was_not_saved(self, client, member, topic):
        client.force_login(member)
        with mock.patch("hearth.discussions.services.post_reply", side_effect=LOCKED):
            response = client.post(f"/c/garden/t/{topic.pk}/reply", {"body": "Lost in the lock"})
        assert response.status_code == 503
        assert b"was not saved" in response.content

    def test_api_json(self, client, community):
        lost = InterfaceError("connection already closed")
        with mock.patch("hearth.communities.selectors.current_rules", side_effect=lost):
            response = client.get("/api/v1/communities/garden")
        assert response.status_code == 503
        assert response["Retry-After"].isdigit()
        assert "Try again" in response.json()["error"]["message"]

    def test_outside_the_view(self, community):
        """Finding the community happens in middleware, before any view."""
        client = Client(raise_request_exception=False)
        with mock.patch(
            "hearth.core.middleware.CommunityActorMiddleware.process_view", side_effect=LOCKED
        ):
            response = client.get("/c/garden/")
        assert response.status_code == 503
        assert response["Retry-After"].isdigit()

    def test_a_bug_stays_a_500(self, community):
        client = Client(raise_request_exception=False)
        bug = OperationalError("no such table: discussions_topic")
        bug.__cause__ = sqlite3.OperationalError("no such table: discussions_topic")
        with mock.patch("hearth.communities.selectors.current_rules", side_effect=bug):
            response = client.get("/c/garden/")
        assert response.status_code == 500


@pytest.mark.parametrize(
    "error, unavailable",
    [
        (LOCKED, True),
        (OperationalError("server closed the connection unexpectedly"), True),
        (InterfaceError("connection already closed"), True),
        (ValueError("database is locked"), False),
    ],
)
def test_is_database_unavailable(error, unavailable):
    assert is_database_unavailable(error) is unavailable


def test_page_views_are_written_when_the_server_shuts_down(db, community):
    from hearth.asgi import application
    from hearth.audience.models import AudienceDay
    from hearth.audience.recording import PageView, buffer

    buffer.take()
    buffer.add(PageView(community.pk, timezone.now().date(), 1, "", "", ""))
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent = []

    async def receive():
        return next(messages)

    async def send(message):
        sent.append(message["type"])

    async_to_sync(application)({"type": "lifespan"}, receive, send)

    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert len(buffer) == 0
    assert AudienceDay.objects.get(community=community).page_views == 1
