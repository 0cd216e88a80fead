"""Where a page's time goes: its queries, counted in-process with Django's test client.

    python -m bench.probe --database-url postgres://…/hearth_bench_10000_1000

Prints JSON: for each page of ``bench.pages``, the status and size, the best wall time of
a few warm requests (no concurrency, no HTTP), and for that request its queries with their
times, and PostgreSQL's plan for the slowest read. Reads the seed's marker for the URLs;
the replies it posts are taken back by ``bench.seed --reset``."""

from __future__ import annotations

import argparse
import json
import re
import sys
import time

RUNS = 5  # the fastest is reported: on a shared machine the others measure the neighbours


class QueryTimer:
    """A ``connection.execute_wrapper`` recording each query's SQL, parameters and time."""

    def __init__(self):
        self.queries: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - started) * 1000, sql, params))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.probe")
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args(argv)

    from bench.seed import check_database_url, read_marker, setup_django

    check_database_url(args.database_url)
    info = read_marker(args.database_url)
    if info is None:
        sys.exit("bench.probe: the database is not seeded (run bench.seed first).")
    setup_django(args.database_url)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import Resolver404, resolve

    from bench.pages import pages

    anonymous, member = Client(), Client()
    member.force_login(get_user_model().objects.get(username=info["bench_user"]))
    out = {}
    for page in pages(info, floor_bytes=30_000):
        try:
            resolve(page.path.split("?")[0])
        except Resolver404:
            out[page.key] = {"missing": True}
            continue
        client = member if page.member else anonymous
        best = None
        for _ in range(RUNS):
            timer = QueryTimer()
            with connection.execute_wrapper(timer):
                started = time.perf_counter()
                if page.method == "POST":
                    response = client.post(page.path, page.form())
                else:
                    response = client.get(page.path)
                wall = (time.perf_counter() - started) * 1000
            if best is None or wall < best[0]:
                best = (wall, response, timer.queries)
        wall, response, queries = best
        slowest = sorted(queries, key=lambda q: q[0], reverse=True)
        plan = None
        read = next(((sql, params) for _ms, sql, params in slowest if _is_read(sql)), None)
        if read:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + read[0], read[1])
                plan = "\n".join(row[0] for row in cursor.fetchall())
        out[page.key] = {
            "status": response.status_code,
            "bytes": len(response.content),
            "wall_ms": round(wall, 2),
            "queries": len(queries),
            "db_ms": round(sum(ms for ms, _sql, _p in queries), 2),
            "slowest": [(round(ms, 2), _short(sql)) for ms, sql, _p in slowest[:3]],
            "all": [(round(ms, 2), _short(sql)) for ms, sql, _p in queries],
            "plan": plan,
        }
    print(json.dumps(out))
    return 0


def _short(sql: str) -> str:
    """The SQL with its long column lists folded: ``SELECT … FROM "table" WHERE …``."""
    sql = re.sub(r"\s+", " ", sql).strip()
    sql = re.sub(r"^SELECT (DISTINCT )?(.{120,}?) FROM ", r"SELECT \1… FROM ", sql)
    return sql[:600]


def _is_read(sql: str) -> bool:
    head = sql.lstrip().upper()
    if any(word in head for word in ("FOR UPDATE", "UPDATE ", "INSERT ", "DELETE ")):
        return False
    return head.startswith(("SELECT", "WITH"))


if __name__ == "__main__":
    raise SystemExit(main())
