"""Where a request's time goes, measured inside the benchmark server (``bench.mix``).

With ``BENCH_TIMING=1``, ``bench.settings`` puts ``TimingMiddleware`` first. For every
request but the live streams and ``/metrics`` it adds up, per server process, in
Prometheus counters (so ``/metrics`` sums them over the processes, like the app's own):

- ``bench_django_seconds``: wall time from the request reaching Django to its response;
- ``bench_django_cpu_seconds``: CPU time of the thread that ran it (Django runs a sync
  view and the sync middleware in one thread per request, so this is the request's Python);
- ``bench_db_seconds`` and ``bench_db_queries``: time spent in the database driver's
  ``execute`` (``connection.execute_wrapper``): the query on PostgreSQL, the round trip and
  the driver's own work;
- ``bench_requests``.

Wall minus CPU minus database is time the request waited: for the GIL, for a core, for a
pool connection, for Redis. Nothing here is part of the app; the bench settings add it.
"""

from __future__ import annotations

import time

from django.db import connection

SKIP_PREFIXES = ("/metrics", "/healthz", "/readyz")


class _Counters:
    def __init__(self):
        from prometheus_client import Counter  # after hearth serve chose the metrics mode

        self.wall = Counter("bench_django_seconds", "Wall time inside Django.")
        self.cpu = Counter("bench_django_cpu_seconds", "CPU time of the request's thread.")
        self.db = Counter("bench_db_seconds", "Time in the database driver's execute.")
        self.queries = Counter("bench_db_queries", "Queries run.")
        self.requests = Counter("bench_requests", "Requests timed.")


_counters: _Counters | None = None


def counters() -> _Counters:
    global _counters
    if _counters is None:
        _counters = _Counters()
    return _counters


class TimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if path.startswith(SKIP_PREFIXES) or path.endswith("/live") or path == "/live":
            return self.get_response(request)
        db = [0.0, 0]

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                db[0] += time.perf_counter() - started
                db[1] += 1

        wall, cpu = time.perf_counter(), time.thread_time()
        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        c = counters()
        c.cpu.inc(time.thread_time() - cpu)
        c.wall.inc(time.perf_counter() - wall)
        c.db.inc(db[0])
        c.queries.inc(db[1])
        c.requests.inc()
        return response
