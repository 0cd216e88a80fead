"""Page reads from a PostgreSQL streaming replica, without reading the past.

With ``DATABASE_REPLICA_URL`` set, the ``replica`` database alias exists and
``hearth.core.dbrouter.ReplicaRouter`` asks ``reads_replica()`` where each read goes. The
answer is the primary unless all of these hold:

- the read happens while ``ReplicaMiddleware`` handles a request (the worker, management
  commands and the shell read the primary);
- the request is a safe one (GET, HEAD, OPTIONS): a request that writes reads the primary
  throughout, so its permission checks and read-modify-writes see the latest rows;
- the request has not written yet (a GET that writes reads the primary afterwards), and
  no transaction is open on the primary;
- the visitor has not written in the last ``HEARTH_REPLICA_STICKY_SECONDS`` (a signed
  cookie, so anonymous writers are covered too): read-your-writes;
- the replica answers and is at most ``HEARTH_REPLICA_MAX_LAG`` seconds behind. Its lag is
  measured at most once a second per process; a replica that cannot be reached is skipped
  for ``DOWN_SECONDS``.

Bookkeeping writes done on the way by a read (``hearth.core.db.best_effort``: read
positions, last use of a key) move the rest of that request to the primary but do not set
the cookie: otherwise every signed-in page view would keep its reader off the replica.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
COOKIE = "hearth_primary"
COOKIE_SALT = "hearth.core.replica"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
# How often a process measures the replica's lag, and how long it skips an unreachable one.
CHECK_SECONDS = 1.0
DOWN_SECONDS = 5.0
UNKNOWN_LAG = float("inf")

# Seconds behind the primary. Caught up (everything received is replayed, and still
# receiving) is zero lag, since on an idle primary the last replayed transaction is old;
# a server not in recovery (promoted) is not behind anything.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
         AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0
    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""


@dataclass
class RequestState:
    """Where the reads of one request go, decided at most once per request."""

    pinned: bool = False  # to the primary (a write request, a recent writer, a write)
    wrote: bool = False  # wrote something other than bookkeeping: set the cookie
    replica_ok: bool | None = None  # the replica's health, asked on the first read
    used_replica: bool = False


_request: contextvars.ContextVar[RequestState | None] = contextvars.ContextVar(
    "hearth_replica_request", default=None
)
_bookkeeping: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "hearth_replica_bookkeeping", default=False
)


def configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def bookkeeping() -> Iterator[None]:
    """Writes in this block do not make the writer's next requests read the primary."""
    token = _bookkeeping.set(True)
    try:
        yield
    finally:
        _bookkeeping.reset(token)


@contextmanager
def primary_reads() -> Iterator[None]:
    """Reads in this block (and the rest of the request) go to the primary."""
    state = _request.get()
    if state is not None:
        state.pinned = True
    yield


def note_write() -> None:
    """The router is about to write: this request reads the primary from now on."""
    state = _request.get()
    if state is not None:
        state.pinned = True
        if not _bookkeeping.get():
            state.wrote = True


def read_replica_in_request() -> bool:
    """Whether this request has read the replica so far."""
    state = _request.get()
    return state is not None and state.used_replica


def reads_replica() -> bool:
    state = _request.get()
    if state is None or state.pinned or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return False
    if state.replica_ok is None:
        state.replica_ok = health.usable()
    state.used_replica = state.used_replica or state.replica_ok
    return state.replica_ok


class _Health:
    """This process's view of the replica: its last measured lag, or down until when."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.checked_at = -CHECK_SECONDS
        self.lag = UNKNOWN_LAG
        self.down_until = 0.0

    def mark_down(self, reason: object) -> None:
        _record_lag(UNKNOWN_LAG)
        with self._lock:
            if time.monotonic() >= self.down_until:
                logger.warning("Read replica skipped for %s s: %s", DOWN_SECONDS, reason)
            self.down_until = time.monotonic() + DOWN_SECONDS
            self.lag = UNKNOWN_LAG

    def usable(self) -> bool:
        """Whether this request may read the replica; connects to it (this thread's
        connection, which the request's reads then use) so a stopped replica is
        skipped before any read fails."""
        now = time.monotonic()
        with self._lock:
            if now < self.down_until:
                return False
            measure = now - self.checked_at >= CHECK_SECONDS
            if measure:  # other threads use the last answer meanwhile
                self.checked_at = now
            lag = self.lag
        connection = connections[REPLICA]
        try:
            connection.close_if_health_check_failed()
            connection.ensure_connection()
            if measure:
                lag = measure_lag(connection)
                with self._lock:
                    self.lag = lag
                _record_lag(lag)
        except Exception as exc:  # noqa: BLE001 (any failure: skip the replica)
            self.mark_down(exc)
            return False
        if lag > settings.HEARTH_REPLICA_MAX_LAG:
            if measure:
                logger.info("Read replica %.1f s behind: reading the primary", lag)
            return False
        return True


def measure_lag(connection) -> float:
    """Seconds ``connection``'s server is behind its primary (infinite when unknown)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(LAG_SQL)
        (lag,) = cursor.fetchone()
    return UNKNOWN_LAG if lag is None else max(0.0, float(lag))


health = _Health()


def _record_lag(lag: float) -> None:
    from hearth.core.metrics import REPLICA_LAG  # on first use: see its docstring

    REPLICA_LAG.set(lag if lag != UNKNOWN_LAG else -1)


def _recent_writer(request) -> bool:
    return (
        request.get_signed_cookie(
            COOKIE,
            default=None,
            salt=COOKIE_SALT,
            max_age=settings.HEARTH_REPLICA_STICKY_SECONDS,
        )
        is not None
    )


class ReplicaMiddleware:
    """Lets the router send this request's reads to the replica (see the module's
    docstring) and marks a writer with a short-lived signed cookie, so their next
    pages read the primary."""

    def __init__(self, get_response):
        if not configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        writes = request.method not in SAFE_METHODS
        state = RequestState(pinned=writes or _recent_writer(request))
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if response.status_code < 400 and (writes or state.wrote):
            response.set_signed_cookie(
                COOKIE,
                "1",
                salt=COOKIE_SALT,
                max_age=settings.HEARTH_REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        from hearth.core.metrics import REPLICA_REQUESTS  # see its docstring

        REPLICA_REQUESTS.labels("replica" if state.used_replica else "primary").inc()
        if response.status_code == 503 and state.used_replica:
            # Unreachable mid-request (hearth.core.middleware answered 503): skip it.
            health.mark_down(f"{request.method} {request.path} answered 503")
        return response
