"""Prometheus metrics at ``/metrics``.

- ``hearth_http_request_duration_seconds``: a histogram per route (the URL pattern the
  resolver matched, ``c/<slug:community>/t/...``, never the raw path, so a million topics
  are one series), method and status class.
- ``hearth_task_queue_depth`` and ``hearth_task_queue_oldest_age_seconds``: tasks waiting
  in the database queue (django-tasks-db) and how long the oldest has waited, read from the
  database when scraped, so every web and worker process agrees.
- ``hearth_emails_sent_total`` and ``hearth_emails_failed_total``: counted where an email
  is sent (``hearth.notifications.emails.send``), usually in the worker process.
- ``hearth_live_streams``: open live-update (Server-Sent Events) connections.
- ``hearth_db_replica_requests_total{database="replica|primary"}`` and
  ``hearth_db_replica_lag_seconds``: with a read replica (``hearth.core.replica``), where
  each request's reads went, and the replica's lag as last measured (-1: unreachable).

Several processes: ``hearth serve`` points ``PROMETHEUS_MULTIPROC_DIR`` at
``<data dir>/metrics`` before the server processes and the embedded worker start, and
prometheus_client's multiprocess mode adds up what each of them wrote there. The variable
must be set before prometheus_client is first imported in a process, so only this module
imports it, and nothing imports this module while Django starts up (the middleware and
the view import it on first use).

Who may read it: addresses in ``HEARTH_METRICS_ALLOW`` (the loopback by default), or a
request with ``Authorization: Bearer <HEARTH_METRICS_TOKEN>``. Anyone else gets a 404, as
if there were nothing here. A request forwarded by a proxy (``X-Forwarded-For``) counts as
the client the proxy names when the proxy is trusted (``HEARTH_TRUSTED_PROXIES``), and is
refused otherwise: behind a reverse proxy on the same machine every visitor would
otherwise arrive from the loopback.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
import time
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, InterfaceError
from django.http import Http404, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from hearth.core.metrics_dir import MULTIPROC_ENV  # noqa: E402

# Seconds; a page served alone takes 5-150 ms here, a slow one under load up to seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10)

REQUEST_SECONDS = Histogram(
    "hearth_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by URL pattern.",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
EMAILS_SENT = Counter("hearth_emails_sent", "Emails handed to the mail server.")
EMAILS_FAILED = Counter(
    "hearth_emails_failed", "Emails the mail server refused or could not be reached for."
)
LIVE_STREAMS = Gauge(
    "hearth_live_streams",
    "Open live-update (Server-Sent Events) connections.",
    multiprocess_mode="livesum",
)

REPLICA_REQUESTS = Counter(
    "hearth_db_replica_requests",
    "Requests while a read replica is configured, by where their reads went "
    "(replica, or primary: a write, a recent writer, a lagging or unreachable replica).",
    ["database"],
)
REPLICA_LAG = Gauge(
    "hearth_db_replica_lag_seconds",
    "The read replica's lag as each process last measured it; -1: unreachable or unknown.",
    multiprocess_mode="livemax",
)

UNMATCHED = "<unmatched>"
STATIC = "<static>"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None or match.route is None:
        if settings.STATIC_URL and request.path.startswith(settings.STATIC_URL):
            return STATIC  # whitenoise answers before URL resolution
        return UNMATCHED
    return match.route or "/"


def observe(request, status: int, seconds: float) -> None:
    method = request.method if request.method in _METHODS else "OTHER"
    REQUEST_SECONDS.labels(route_of(request), method, f"{status // 100}xx").observe(seconds)


class MetricsMiddleware:
    """Times each request through the rest of the middleware and the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        observe(request, response.status_code, time.perf_counter() - started)
        return response


# The task queue, read from the database when scraped -------------------------------------


class TaskQueueCollector:
    """Queue depth and the age of the oldest waiting task, from django-tasks-db's table."""

    def collect(self):
        from django.utils import timezone
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        depth = GaugeMetricFamily(
            "hearth_task_queue_depth", "Tasks waiting to run (ready, not yet started)."
        )
        age = GaugeMetricFamily(
            "hearth_task_queue_oldest_age_seconds",
            "How long the oldest task that could run has waited (0 when none waits).",
        )
        running = GaugeMetricFamily("hearth_task_running", "Tasks being run by a worker now.")
        readable = GaugeMetricFamily(
            "hearth_task_queue_readable", "1 when the queue could be read from the database."
        )
        now = timezone.now()
        try:
            ready = DBTaskResult.objects.ready()
            depth.add_metric([], ready.count())
            oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
            age.add_metric([], max(timedelta(0), now - oldest).total_seconds() if oldest else 0)
            running.add_metric(
                [], DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count()
            )
        except (DatabaseError, InterfaceError):
            readable.add_metric([], 0)
            yield readable
            return
        readable.add_metric([], 1)
        yield from (depth, age, running, readable)


_LIVE_FILE = re.compile(r"^gauge_live\w+?_(\d+)\.db$")


def forget_dead_processes(directory: str) -> None:
    """Drop the live gauges of server processes that are gone (a restarted worker would
    otherwise count its predecessor's open streams for ever)."""
    for path in Path(directory).glob("gauge_live*.db"):
        match = _LIVE_FILE.match(path.name)
        if not match:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, directory)
        except PermissionError:
            pass  # alive, someone else's


def exposition() -> bytes:
    directory = multiprocess_dir()
    if directory:
        forget_dead_processes(directory)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
    else:
        registry = CollectorRegistry()
        registry.register(_ProcessMetrics())
    registry.register(TaskQueueCollector())
    return generate_latest(registry)


class _ProcessMetrics:
    """This process's own metrics (one process: no multiprocess directory)."""

    def collect(self):
        yield from REGISTRY.collect()


# Who may read it ---------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _networks(allowed: tuple[str, ...]):
    return tuple(ipaddress.ip_network(item, strict=False) for item in allowed)


def _token_ok(request) -> bool:
    token = settings.HEARTH_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if not token or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header.removeprefix("Bearer ").strip().encode(), token.encode())


def _address_ok(request) -> bool:
    from hearth.core.client_ip import client_ip

    if request.headers.get("X-Forwarded-For") and not settings.HEARTH_TRUSTED_PROXIES:
        return False  # came through a proxy we were not told about: the address is the proxy's
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in network for network in _networks(tuple(settings.HEARTH_METRICS_ALLOW)))


def allowed(request) -> bool:
    return _token_ok(request) or _address_ok(request)


def metrics_view(request):
    if not allowed(request):
        raise Http404
    response = HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
