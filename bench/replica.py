"""Throughput with and without a read replica (issue 17). Printed, not asserted.

    .venv/bin/python -m bench.replica                     # the small bench database
    .venv/bin/python -m bench.replica --duration 5 --workers 2 --pages topic_member

Copies the small bench database (seeded on 127.0.0.1:5432 by ``bench.seed`` if needed)
into a throwaway primary of its own and makes a streaming replica of it
(``hearth.testing.pgcluster``: the PostgreSQL server binaries are needed), then serves it
with ``hearth serve`` twice: once with ``DATABASE_URL`` alone, once with
``DATABASE_REPLICA_URL`` too, and loads the same pages against each. Each row shows the
requests per second both ways and the share of the run's transactions the replica served
(from ``pg_stat_database``), so a figure where the replica was not used shows as such.

Both servers live on this machine with the app, so the replica adds no CPU: the figure
shows the router's own cost and that reads move, not the gain of a replica on its own
host (see docs/operators/replica.md).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

from bench import loadgen
from bench.pages import pages
from bench.run import (
    HOST,
    Server,
    check_page,
    database_url,
    member_headers,
    python_module,
    sign_in,
)
from hearth.testing import pgcluster

DEFAULT_PAGES = "topic,topic_member,category,home,search"


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bench.replica", description=__doc__)
    p.add_argument("--posts", type=int, default=10_000)
    p.add_argument("--members", type=int, default=1_000)
    p.add_argument("--duration", type=float, default=8)
    p.add_argument("--warmup", type=float, default=2)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--connections", type=int, default=0, help="default: four per worker")
    p.add_argument("--port", type=int, default=8871)
    p.add_argument("--pages", default=DEFAULT_PAGES)
    p.add_argument("--rounds", type=int, default=1, help="alternate the two modes N times")
    p.add_argument(
        "--pool", action="store_true", help="HEARTH_DB_POOL=1: a connection pool per process"
    )
    p.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    p.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    )
    return p.parse_args(argv)


def _copy_database(source_url: str, primary: pgcluster.Cluster) -> None:
    primary.execute("CREATE DATABASE hearth")
    dump = subprocess.Popen(  # noqa: S603
        [str(primary.bindir / "pg_dump"), "--no-owner", "-Fc", "-d", source_url],
        stdout=subprocess.PIPE,
    )
    subprocess.run(  # noqa: S603
        [str(primary.bindir / "pg_restore"), "--no-owner", "-d", primary.dsn("hearth")],
        stdin=dump.stdout, check=True,
    )  # fmt: skip
    if dump.wait() != 0:
        sys.exit("bench.replica: pg_dump failed")
    primary.execute("ANALYZE", dbname="hearth")


def _transactions(cluster: pgcluster.Cluster) -> int:
    rows = cluster.execute("SELECT xact_commit FROM pg_stat_database WHERE datname = 'hearth'")
    return int(rows[0][0]) if rows else 0


def main(argv=None) -> int:
    args = parse_args(argv)
    if reason := pgcluster.skip_reason():
        sys.exit(f"bench.replica: {reason}")
    connections = args.connections or 4 * args.workers
    source = database_url(args.pg_url, args.posts, args.members)
    print(f"seeding (or reusing) {source.rsplit('/', 1)[1]} …", flush=True)
    python_module(
        "bench.seed", "--posts", str(args.posts), "--members", str(args.members),
        "--database-url", source, timeout=3 * 3600,
    )  # fmt: skip
    info = json.loads(
        python_module(
            "bench.seed", "--print-info", "--database-url", source, timeout=60, capture=True
        )
    )
    wanted = {key for key in args.pages.split(",") if key}
    todo = [p for p in pages(info) if p.key in wanted and p.method == "GET"]
    with pgcluster.TempDir() as base:
        print("a throwaway primary and its replica …", flush=True)
        primary = pgcluster.create_primary(base / "primary")
        replica = None
        try:
            _copy_database(source, primary)
            replica = pgcluster.create_replica(primary, base / "replica")
            rows = {}
            common = {"HEARTH_DB_POOL": "1"} if args.pool else {}
            modes = (
                ("primary only", common),
                ("with replica", {**common, "DATABASE_REPLICA_URL": replica.dsn("hearth")}),
            )
            for label, env in modes * args.rounds:
                with Server(
                    database_url=primary.dsn("hearth"), port=args.port, workers=args.workers,
                    env=env,
                ) as server:  # fmt: skip
                    headers = member_headers(sign_in(server.port, info["bench_user"],
                                                     info["bench_password"]))  # fmt: skip
                    for page in todo:
                        h = headers if page.member else {}
                        status, _size = check_page(server.port, page, h)
                        if status != 200:
                            print(f"  {page.label}: answered {status}; skipped", flush=True)
                            continue
                        url = f"http://{HOST}:{server.port}{page.path}"
                        options = {"connections": connections, "headers": h,
                                   "tool": args.loadgen}  # fmt: skip
                        loadgen.run(url, duration=args.warmup, **options)
                        before = (_transactions(primary), _transactions(replica))
                        result = loadgen.run(url, duration=args.duration, **options)
                        after = (_transactions(primary), _transactions(replica))
                        on_primary, on_replica = (a - b for a, b in zip(after, before, strict=True))
                        share = on_replica / max(1, on_primary + on_replica)
                        row = rows.setdefault(page.key, {"label": page.label})
                        row.setdefault(label, []).append((result.rps, share))
                        print(f"  {label:13} {page.label:<34} {result.rps:7.1f} req/s  "
                              f"p99 {result.p99_ms:6.1f} ms  errors {result.errors}  "
                              f"replica share {share:4.0%}", flush=True)  # fmt: skip
        finally:
            if replica is not None:
                replica.stop("immediate")
            primary.stop("immediate")
    pool = ", a connection pool per process" if args.pool else ""
    print(f"\n== {args.workers} worker(s){pool}, {connections} connections, "
          f"{args.duration:g} s a page, median of {args.rounds} round(s) ==")  # fmt: skip
    print(f"{'page':<36} {'primary only':>13} {'with replica':>13} {'ratio':>6} {'on replica':>10}")
    for row in rows.values():
        if "primary only" not in row or "with replica" not in row:
            continue
        alone = statistics.median(rps for rps, _share in row["primary only"])
        replicated = statistics.median(rps for rps, _share in row["with replica"])
        share = statistics.median(share for _rps, share in row["with replica"])
        ratio = replicated / alone if alone else 0
        print(f"{row['label']:<36} {alone:>13.1f} {replicated:>13.1f} {ratio:>6.2f} "
              f"{share:>10.0%}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
