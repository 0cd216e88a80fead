"""What a signed-in page costs in-process: the median of N warm requests, its queries, and
(with ``--profile``) where the Python time goes.

    python -m bench.profile_pages --database-url postgres://127.0.0.1/hearth_bench_10000_1000
    python -m bench.profile_pages --runs 30 --pages home_member,topic_member --profile

Each page is requested with Django's test client (no HTTP, no server), the bench member
signed in with ``force_login`` for the member pages. Printed per page: the first (cold:
empty caches) request's time, the median and best of ``--runs`` warm requests, the median
CPU time of this process (the Python side; steadier than wall time on a busy machine), the queries
of the last request with their total time, and for the slowest read its planning and
execution time from ``EXPLAIN (ANALYZE, SUMMARY)``. The framework floor (``/__floor__``,
a template of the given size and no query) is measured the same way, and each page's
median is shown as a share of the floor's. Prints; asserts nothing. The member's topic
visits move their reading position: ``bench.seed --reset`` takes that back."""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from urllib.parse import quote

from bench.probe import QueryTimer, _is_read, _short

PAGES = ("floor", "home_member", "topic_member", "home", "topic", "category")
# Also measurable, not in the default run: the signed-in searches (issue 15's search goal is
# a lone signed-in search of a common word at 1M posts) and the unanswered queue.
MORE_PAGES = ("search_member", "search_rare_member", "search", "unanswered_member", "unanswered")


def _page_paths(info: dict, floor_bytes: int) -> dict[str, tuple[str, bool]]:
    c, topic = info["community"], info["big_topic_id"]
    topic_path = f"/c/{c}/t/{info['big_topic_slug']}/{topic}/"
    return {
        "floor": (f"/__floor__?bytes={floor_bytes}", False),
        "home_member": (f"/c/{c}/", True),
        "topic_member": (f"{topic_path}?page=1", True),
        "home": (f"/c/{c}/", False),
        "topic": (topic_path, False),
        "category": (f"/c/{c}/category/{info['category']}/", True),
        "search_member": (f"/c/{c}/search?q={quote(info['search_word'])}", True),
        "search_rare_member": (f"/c/{c}/search?q={quote(info['rare_word'])}", True),
        "search": (f"/c/{c}/search?q={quote(info['search_word'])}", False),
        "unanswered_member": (f"/c/{c}/unanswered", True),
        "unanswered": (f"/c/{c}/unanswered", False),
    }


def _plan_times(connection, sql: str, params) -> tuple[float, float] | None:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, SUMMARY) " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    planning = execution = None
    for line in lines:
        if line.startswith("Planning Time:"):
            planning = float(line.split(":")[1].split()[0])
        elif line.startswith("Execution Time:"):
            execution = float(line.split(":")[1].split()[0])
    return (planning, execution) if planning is not None else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_pages")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/hearth_bench_10000_1000"
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--pages", default=",".join(PAGES), help=f"of {', '.join(PAGES + MORE_PAGES)}"
    )
    parser.add_argument("--floor-bytes", type=int, default=33_000)
    parser.add_argument("--profile", action="store_true", help="cProfile the warm requests")
    parser.add_argument("--queries", action="store_true", help="list every query")
    args = parser.parse_args(argv)

    from bench.seed import check_database_url, read_marker, setup_django

    check_database_url(args.database_url)
    info = read_marker(args.database_url)
    if info is None:
        sys.exit("bench.profile_pages: the database is not seeded (run bench.seed first).")
    setup_django(args.database_url)
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    cache.clear()
    anonymous, member = Client(), Client()
    member.force_login(get_user_model().objects.get(username=info["bench_user"]))
    paths = _page_paths(info, args.floor_bytes)
    wanted = [p.strip() for p in args.pages.split(",") if p.strip()]
    results = {}
    for key in wanted:
        path, signed_in = paths[key]
        client = member if signed_in else anonymous
        if not signed_in:
            client.cookies.clear()
        times, cpu_times = [], []
        profiler = cProfile.Profile() if args.profile else None
        timer = None
        for run in range(args.runs + 1):
            timer = QueryTimer()
            with connection.execute_wrapper(timer):
                if profiler is not None and run > 0:
                    profiler.enable()
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(path)
                wall = (time.perf_counter() - started) * 1000
                cpu = (time.process_time() - cpu_started) * 1000
                if profiler is not None and run > 0:
                    profiler.disable()
            if response.status_code != 200:
                sys.exit(f"{key}: {path} answered {response.status_code}")
            times.append(wall)
            cpu_times.append(cpu)
        cold, warm = times[0], times[1:]
        queries = timer.queries
        slowest = sorted(queries, key=lambda q: q[0], reverse=True)
        read = next(((sql, p) for _ms, sql, p in slowest if _is_read(sql)), None)
        plan = _plan_times(connection, *read) if read else None
        results[key] = {
            "cold": cold,
            "median": statistics.median(warm),
            "best": min(warm),
            "cpu": statistics.median(cpu_times[1:]),
            "queries": len(queries),
            "db_ms": sum(ms for ms, _s, _p in queries),
            "bytes": len(response.content),
            "slowest": _short(read[0])[:160] if read else "",
            "plan": plan,
        }
        if args.queries:
            print(f"\n{key}: {len(queries)} queries")
            for ms, sql, _p in queries:
                print(f"  {ms:6.2f} ms  {_short(sql)[:200]}")
        if profiler is not None:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
            print(f"\n===== {key}: cProfile of {args.runs} warm requests =====")
            print(out.getvalue())

    floor = results.get("floor", {}).get("median")
    floor_cpu = results.get("floor", {}).get("cpu")
    print(
        f"\n{'page':14} {'cold ms':>8} {'median':>8} {'best':>8} {'vs floor':>9} "
        f"{'cpu ms':>7} {'cpu vs floor':>12} "
        f"{'queries':>8} {'db ms':>7} {'KB':>5}  slowest read (plan / exec ms)"
    )
    for key, r in results.items():
        ratio = f"{floor / r['median']:.2f}×" if floor else ""
        cpu_ratio = f"{floor_cpu / r['cpu']:.2f}×" if floor_cpu and r["cpu"] else ""
        plan = f"{r['plan'][0]:.1f} / {r['plan'][1]:.2f}" if r["plan"] else ""
        print(
            f"{key:14} {r['cold']:8.1f} {r['median']:8.1f} {r['best']:8.1f} {ratio:>9} "
            f"{r['cpu']:7.1f} {cpu_ratio:>12} "
            f"{r['queries']:8} {r['db_ms']:7.1f} {r['bytes'] / 1000:5.0f}  {plan}  {r['slowest']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
