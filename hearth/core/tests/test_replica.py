"""Where reads go with a read replica configured (hearth.core.replica, hearth.core.dbrouter),
without a replica: the request rules, the cookie, the lag and the down-marking with fakes.
The same against a real streaming replica: test_replica_live.py."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from hearth.core import replica
from hearth.core.dbrouter import ReplicaRouter

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def configured(monkeypatch):
    """A replica alias as far as the middleware is concerned, healthy unless a test
    says otherwise."""
    monkeypatch.setattr(replica, "configured", lambda: True)
    monkeypatch.setattr(replica.health, "usable", lambda: True)
    replica.health.reset()


def _serve(request, view=None):
    """Run ``view`` (default: note where a read goes) inside ReplicaMiddleware."""
    seen = {}

    def default_view(request):
        seen["reads"] = ReplicaRouter().db_for_read(None)
        return HttpResponse("ok")

    response = replica.ReplicaMiddleware(view or default_view)(request)
    return response, seen.get("reads")


rf = RequestFactory()


def test_without_a_replica_the_middleware_steps_aside():
    with pytest.raises(MiddlewareNotUsed):
        replica.ReplicaMiddleware(lambda r: HttpResponse())


def test_outside_a_request_reads_go_to_the_primary(configured):
    """The worker, management commands, the shell."""
    assert ReplicaRouter().db_for_read(None) == DEFAULT_DB_ALIAS


def test_a_page_reads_the_replica(configured):
    response, reads = _serve(rf.get("/c/garden/"))
    assert reads == replica.REPLICA
    assert replica.COOKIE not in response.cookies


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_request_reads_the_primary_and_marks_the_writer(configured, method):
    response, reads = _serve(getattr(rf, method)("/c/garden/t/1/reply"))
    assert reads == DEFAULT_DB_ALIAS
    cookie = response.cookies[replica.COOKIE]
    assert cookie["max-age"] == 5
    assert cookie["httponly"]


def test_a_refused_write_does_not_mark_the_writer(configured):
    response, reads = _serve(rf.post("/c/garden/t/1/reply"), lambda r: HttpResponse(status=400))
    assert replica.COOKIE not in response.cookies


def test_a_recent_writer_reads_the_primary(configured):
    request = rf.get("/c/garden/")
    request.COOKIES[replica.COOKIE] = _signed_cookie()
    assert _serve(request)[1] == DEFAULT_DB_ALIAS


def _signed_cookie() -> str:
    response = HttpResponse()
    response.set_signed_cookie(replica.COOKIE, "1", salt=replica.COOKIE_SALT)
    return response.cookies[replica.COOKIE].value


@pytest.mark.parametrize("value", ["1", "1:forged:signature", ""])
def test_a_forged_cookie_is_ignored(configured, value):
    request = rf.get("/c/garden/")
    request.COOKIES[replica.COOKIE] = value
    assert _serve(request)[1] == replica.REPLICA


def test_an_expired_cookie_is_ignored(configured, time_machine):
    time_machine.move_to("2026-01-01 12:00:00", tick=False)
    value = _signed_cookie()
    time_machine.move_to("2026-01-01 12:00:06", tick=False)  # sticky for 5 s
    request = rf.get("/c/garden/")
    request.COOKIES[replica.COOKIE] = value
    assert _serve(request)[1] == replica.REPLICA


def test_a_page_that_writes_reads_the_primary_after_the_write(configured):
    router = ReplicaRouter()
    seen = []

    def view(request):
        seen.append(router.db_for_read(None))
        assert router.db_for_write(None) == DEFAULT_DB_ALIAS
        seen.append(router.db_for_read(None))
        return HttpResponse()

    response, _reads = _serve(rf.get("/c/garden/invite/abc"), view)
    assert seen == [replica.REPLICA, DEFAULT_DB_ALIAS]
    assert replica.COOKIE in response.cookies


def test_a_bookkeeping_write_does_not_mark_the_reader(configured):
    """A read position recorded on the way (hearth.core.db.best_effort)."""
    router = ReplicaRouter()
    seen = []

    def view(request):
        seen.append(router.db_for_read(None))
        with replica.bookkeeping():
            router.db_for_write(None)
        seen.append(router.db_for_read(None))
        return HttpResponse()

    response, _reads = _serve(rf.get("/c/garden/t/x/1/"), view)
    assert seen == [replica.REPLICA, DEFAULT_DB_ALIAS]
    assert replica.COOKIE not in response.cookies


def test_reads_in_a_transaction_go_to_the_primary(configured, monkeypatch):
    from django.db import connections

    monkeypatch.setattr(connections[DEFAULT_DB_ALIAS], "in_atomic_block", True)
    assert _serve(rf.get("/c/garden/"))[1] == DEFAULT_DB_ALIAS


def test_primary_reads_block(configured):
    def view(request):
        with replica.primary_reads():
            return HttpResponse(ReplicaRouter().db_for_read(None))

    response, _reads = _serve(rf.get("/c/garden/"), view)
    assert response.content.decode() == DEFAULT_DB_ALIAS


def test_an_unhealthy_replica_is_skipped(configured, monkeypatch):
    monkeypatch.setattr(replica.health, "usable", lambda: False)
    assert _serve(rf.get("/c/garden/"))[1] == DEFAULT_DB_ALIAS


def test_a_503_after_reading_the_replica_marks_it_down(configured, monkeypatch):
    marked = []
    monkeypatch.setattr(replica.health, "mark_down", marked.append)

    def view(request):
        ReplicaRouter().db_for_read(None)
        return HttpResponse(status=503)

    _serve(rf.get("/c/garden/"), view)
    assert len(marked) == 1
    _serve(rf.post("/c/garden/"), lambda r: HttpResponse(status=503))  # primary's 503
    assert len(marked) == 1


def test_the_router_writes_and_migrates_on_the_primary_only():
    router = ReplicaRouter()
    assert router.db_for_write(None) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "discussions")
    assert not router.allow_migrate(replica.REPLICA, "discussions")
    assert router.allow_relation(object(), object())


# The replica's health, with a fake connection and a fake clock.


class FakeConnection:
    vendor = "postgresql"

    def __init__(self, lag=0.0, fail=False):
        self.lag, self.fail, self.queries = lag, fail, 0

    def close_if_health_check_failed(self):
        pass

    def ensure_connection(self):
        if self.fail:
            raise OperationalError("connection refused")

    def cursor(self):
        connection = self

        class Cursor:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def execute(self, sql):
                connection.queries += 1

            def fetchone(self):
                return (connection.lag,)

        return Cursor()


@pytest.fixture
def fake(monkeypatch, settings):
    settings.HEARTH_REPLICA_MAX_LAG = 4
    clock = {"now": 1000.0}
    connection = FakeConnection()
    monkeypatch.setattr(replica.time, "monotonic", lambda: clock["now"])
    primary = type("Primary", (), {"in_atomic_block": False})()
    monkeypatch.setattr(
        replica, "connections", {replica.REPLICA: connection, DEFAULT_DB_ALIAS: primary}
    )
    health = replica._Health()
    return health, connection, clock


def test_the_lag_is_measured_once_a_second(fake):
    health, connection, clock = fake
    assert health.usable() and health.usable()
    assert connection.queries == 1
    clock["now"] += replica.CHECK_SECONDS
    assert health.usable()
    assert connection.queries == 2


@pytest.mark.parametrize(("lag", "usable"), [(0, True), (3.9, True), (4.5, False), (None, False)])
def test_a_lagging_replica_is_skipped(fake, lag, usable):
    health, connection, _clock = fake
    connection.lag = lag
    assert health.usable() is usable


def test_an_unreachable_replica_is_skipped_for_a_while(fake):
    health, connection, clock = fake
    connection.fail = True
    assert not health.usable()
    connection.fail = False
    clock["now"] += replica.DOWN_SECONDS - 0.1
    assert not health.usable()
    clock["now"] += 0.2
    assert health.usable()


def test_a_replica_that_is_not_postgresql_has_no_lag():
    connection = FakeConnection(lag=100)
    connection.vendor = "sqlite"
    assert replica.measure_lag(connection) == 0.0


# Settings


def _settings(**env) -> dict:
    script = (
        "import json, hearth.settings as s; "
        "print(json.dumps({'aliases': sorted(s.DATABASES), "
        "'routers': getattr(s, 'DATABASE_ROUTERS', []), "
        "'replica': s.DATABASES.get('replica', {}).get('OPTIONS'), "
        "'test': s.DATABASES.get('replica', {}).get('TEST')}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "HEARTH_"))}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env={**clean, "PYTHONPATH": str(ROOT), "HEARTH_ENV": "test", **env},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    if result.returncode:
        return {"error": result.stderr.strip().splitlines()[-1]}
    return json.loads(result.stdout)


def test_settings_for_a_replica():
    assert _settings(
        DATABASE_URL="postgres://app@db1/hearth", DATABASE_REPLICA_URL="postgres://app@db2/hearth"
    ) == {
        "aliases": ["default", "replica"],
        "routers": ["hearth.core.dbrouter.ReplicaRouter"],
        # A replica is PostgreSQL too: page reads there run without Memoize as well.
        "replica": {"options": "-c enable_memoize=off", "connect_timeout": 2},
        "test": {"MIRROR": "default"},
    }
    assert _settings(DATABASE_URL="postgres://app@db1/hearth")["routers"] == []


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"DATABASE_REPLICA_URL": "postgres://app@db2/hearth"}, "needs DATABASE_URL"),
        (
            {"HEARTH_REPLICA_MAX_LAG": "10", "HEARTH_REPLICA_STICKY_SECONDS": "10"},
            "must be greater than HEARTH_REPLICA_MAX_LAG",
        ),
    ],
)
def test_settings_refused(env, error):
    assert error in _settings(**env)["error"]


def test_metrics_count_where_reads_went(configured, fake):
    from prometheus_client import REGISTRY

    def count(database):
        labels = {"database": database}
        return REGISTRY.get_sample_value("hearth_db_replica_requests_total", labels) or 0

    before = count("replica"), count("primary")
    _serve(rf.get("/c/garden/"))
    _serve(rf.post("/c/garden/"))
    assert (count("replica"), count("primary")) == (before[0] + 1, before[1] + 1)

    health, connection, _clock = fake
    connection.lag = 2.5
    health.usable()
    assert REGISTRY.get_sample_value("hearth_db_replica_lag_seconds") == 2.5
    health.mark_down("gone")
    assert REGISTRY.get_sample_value("hearth_db_replica_lag_seconds") == -1


def test_a_page_read_from_the_replica_is_cached_for_the_lag_at_most(configured, settings):
    """It may miss a write that already bumped the page cache's version."""
    from hearth.core import page_cache

    settings.HEARTH_PAGE_CACHE_SECONDS = 60
    settings.HEARTH_REPLICA_MAX_LAG = 4
    kept = {}

    def view(request):
        kept["before"] = page_cache._keep_seconds()
        ReplicaRouter().db_for_read(None)
        kept["after"] = page_cache._keep_seconds()
        return HttpResponse()

    _serve(rf.get("/c/garden/"), view)
    assert kept == {"before": 60, "after": 4}
