"""Run the discussions benchmark end to end and print the table.

    python -m bench.run                      # 10k posts, then 1M posts / 100k members
    python -m bench.run --posts 200000 --members 20000 --duration 5

For each size: seed (or reuse) a PostgreSQL database of its own, count each page's queries
in-process (``bench.probe``), start ``hearth serve`` on 127.0.0.1 with ``bench.settings``
as production runs it (``--mode production``: granian with two processes, a psycopg pool,
Redis for the cache; ``--mode embedded``: uvicorn, one process, a connection per request,
the cache in memory), sign the bench member in through the login form, then load every
page for a fixed time with wrk (or the Python client), read the server processes' memory
and stop the server. The framework floor (``/__floor__``, a bare Django view rendering a
template of the topic page's size) is measured in the same run, and every page is shown as
a share of it. Then the health dashboard's figures (``bench.analytics --quick``). Nothing
is asserted: the numbers are printed, with the targets next to them."""

from __future__ import annotations

import argparse
import atexit
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from bench import loadgen
from bench.pages import Page, pages
from bench.seed import check_database_url

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
HOST = "127.0.0.1"
SEED_TIMEOUT = 3 * 3600  # seconds; 1M posts take a few minutes
TARGET_FLOOR_SHARE = 0.50  # the other lists
# Issue 15: each page's req/s as a share of the floor's. Visitors get cached pages.
FLOOR_SHARE_TARGETS = {
    "topic": 1.0, "category": 1.0, "home": 1.0,
    "topic_member": 0.3, "home_member": 0.3,
    "search_member": 0.2,
}  # fmt: skip
TARGET_LARGE_SMALL = 0.80
TARGET_SEARCH_P50_MS = 50.0
TARGET_WORKER_MB = 80.0
TARGET_REBUILD_EVENTS_S = 20_000
TARGET_DASHBOARD_S = 5.0
# A reading whose busiest worker did more than this share of the workers' CPU time had its
# connections on one worker (two workers: ~0.5 when spread); taken up to BALANCE_TRIES times.
UNBALANCED_SHARE = 0.75
BALANCE_TRIES = 3


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    p.add_argument("--posts", type=int, default=env_int("BENCH_POSTS", 1_000_000))
    p.add_argument("--members", type=int, default=env_int("BENCH_MEMBERS", 100_000))
    p.add_argument("--small-posts", type=int, default=env_int("BENCH_SMALL_POSTS", 10_000))
    p.add_argument("--small-members", type=int, default=env_int("BENCH_SMALL_MEMBERS", 1_000))
    p.add_argument("--only-small", action="store_true", help="skip the large size")
    p.add_argument("--duration", type=float, default=env_int("BENCH_DURATION", 10))
    p.add_argument("--warmup", type=float, default=env_int("BENCH_WARMUP", 2))
    p.add_argument(
        "--solo", type=float, default=env_int("BENCH_SOLO", 4),
        help="seconds of one-connection load per page, for latency alone (0: skip)",
    )  # fmt: skip
    p.add_argument(
        "--mode", choices=("production", "embedded"),
        default=os.environ.get("BENCH_MODE", "production"),
        help="production: granian, a psycopg pool, Redis (deploy/hearth.env); embedded: "
        "uvicorn, a connection per request, the cache in memory (the earlier runs)",
    )  # fmt: skip
    # Both cores in production (as deployed), one process in embedded mode (the earlier
    # runs; `hearth serve` sets TCP_NODELAY with several uvicorn workers too).
    p.add_argument("--workers", type=int, default=env_int("BENCH_WORKERS", 0))
    p.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        help="production mode: the small size's Redis database; the large one uses the "
        "database below it (both emptied before and after)",
    )  # fmt: skip
    p.add_argument(
        "--no-dashboard", action="store_true",
        help="skip the health dashboard's figures (bench.analytics --quick)",
    )  # fmt: skip
    p.add_argument(
        "--dashboard-members", type=int, default=env_int("BENCH_DASHBOARD_MEMBERS", 100_000)
    )
    p.add_argument(
        "--dashboard-events", type=int, default=env_int("BENCH_DASHBOARD_EVENTS", 1_000_000)
    )
    p.add_argument(
        "--connections", type=int, default=env_int("BENCH_CONNECTIONS", 0),
        help="keep-alive connections (default: two per worker)",
    )  # fmt: skip
    p.add_argument("--port", type=int, default=env_int("BENCH_PORT", 8811))
    p.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server (no database name); bench databases are created on it",
    )
    p.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    p.add_argument("--pages", default="", help="comma-separated page keys (default: all)")
    return p.parse_args(argv)


def database_url(pg_url: str, posts: int, members: int) -> str:
    url = f"{pg_url.rstrip('/')}/hearth_bench_{posts}_{members}"
    check_database_url(url)
    return url


def python_module(*args: str, timeout: float, capture: bool = False) -> str:
    done = subprocess.run(  # noqa: S603 -- our own interpreter and module
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=timeout,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return done.stdout or ""


# The server ------------------------------------------------------------------------------


class Server:
    """``hearth serve`` in its own process group, stopped (the whole group) on exit."""

    def __init__(
        self, *, database_url: str, port: int, workers: int, env: dict[str, str] | None = None,
        serve_args: tuple[str, ...] = ("--no-collectstatic",), data_dir: Path | None = None,
        start_seconds: float = 60,
    ):  # fmt: skip
        """``env`` is laid over the embedded-mode defaults below (``bench.mix`` runs
        production mode); a given ``data_dir`` is kept (its collected static files too)."""
        self.database_url, self.port, self.workers = database_url, port, workers
        self.env, self.serve_args, self.start_seconds = env or {}, serve_args, start_seconds
        self.process: subprocess.Popen | None = None
        self.keep_data_dir = data_dir is not None
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="hearth-bench-serve-"))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log = self.data_dir / "server.log"

    def __enter__(self) -> Server:
        with socket.socket() as probe:
            if probe.connect_ex((HOST, self.port)) == 0:
                sys.exit(f"bench.run: port {self.port} is already in use; pass --port.")
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": self.database_url,
            "HEARTH_DATA_DIR": str(self.data_dir),
            "HEARTH_ENV": "embedded",
            "HEARTH_DEBUG": "0",
            **self.env,
        }
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "hearth.cli", "serve", "--host", HOST,
                 "--port", str(self.port), "--workers", str(self.workers), *self.serve_args],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        atexit.register(self.stop)
        deadline = time.monotonic() + self.start_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"bench.run: the server exited:\n{self.log.read_text()[-3000:]}")
            try:
                status, _h, _b = request(self.port, "GET", "/healthz")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        sys.exit(
            f"bench.run: the server did not answer in {self.start_seconds:g} s:\n"
            f"{self.log.read_text()[-3000:]}"
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        pgid = self.process.pid  # start_new_session: the group is ours, with this id
        try:
            os.killpg(pgid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass
        self.process = None

    def keep_log(self, path: Path) -> None:
        """Copy the server's log (errors, tracebacks) before its directory goes."""
        if self.log.exists() and self.log.stat().st_size:
            path.parent.mkdir(exist_ok=True)
            shutil.copyfile(self.log, path)

    def __exit__(self, *exc) -> None:
        self.stop()
        if not self.keep_data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def request(port: int, method: str, path: str, *, headers=None, body=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def _cookies(headers) -> dict[str, str]:
    jar = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    return {key: morsel.value for key, morsel in jar.items()}


def sign_in(port: int, username: str, password: str) -> dict[str, str]:
    """The bench member's cookies, got the way a browser gets them: the login form."""
    status, headers, _body = request(port, "GET", "/accounts/login/")
    cookies = _cookies(headers)
    if status != 200 or "csrftoken" not in cookies:
        sys.exit(f"bench.run: the login page answered {status} without a CSRF cookie")
    form = urlencode(
        {"login": username, "password": password, "csrfmiddlewaretoken": cookies["csrftoken"]}
    )
    status, headers, body = request(
        port, "POST", "/accounts/login/", body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Cookie": f"csrftoken={cookies['csrftoken']}"},
    )  # fmt: skip
    cookies.update(_cookies(headers))
    if status != 302 or "sessionid" not in cookies:
        sys.exit(f"bench.run: signing in failed ({status}): {body[:300]!r}")
    return cookies


def member_headers(cookies: dict[str, str]) -> dict[str, str]:
    return {
        "Cookie": f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}",
        "X-CSRFToken": cookies["csrftoken"],
    }


def check_page(port: int, page: Page, headers: dict[str, str]) -> tuple[int, int]:
    form = page.form()
    h = dict(headers)
    if form is not None:
        h["Content-Type"] = "application/x-www-form-urlencoded"
    status, _headers, body = request(
        port, page.method, page.path, headers=h, body=urlencode(form) if form else None
    )
    return status, len(body)


# Production mode and memory ----------------------------------------------------------------


def redis_url_for(args, index: int) -> str:
    """Each size's server gets a Redis database of its own (their communities share ids)."""
    base, _slash, db = args.redis_url.rpartition("/")
    return f"{base}/{int(db) - index}"


def flush_redis(url: str) -> None:
    """Empty the bench's own Redis database: no cached page from an earlier run."""
    import redis

    redis.Redis.from_url(url).flushdb()


def server_for(args, run: dict, index: int) -> Server:
    port = args.port + index
    if args.mode == "embedded":
        return Server(database_url=run["url"], port=port, workers=args.workers)
    redis_url = redis_url_for(args, index)
    flush_redis(redis_url)
    env = {
        "HEARTH_ENV": "production",
        "HEARTH_SECRET_KEY": "bench-run-secret-key-not-secret-" + "x" * 32,
        "HEARTH_SSL_REDIRECT": "0",  # plain HTTP on the loopback, as behind a TLS proxy
        "HEARTH_DB_POOL": "1",
        "REDIS_URL": redis_url,
        "HEARTH_POSTING_LIMITS": "0",
    }
    return Server(
        database_url=run["url"], port=port, workers=args.workers, env=env,
        serve_args=("--server", "granian", "--no-with-worker"),
        data_dir=OUT / f"run-data-{run['label']}",  # kept: static files are collected once
        start_seconds=300,
    )  # fmt: skip


def _group(pgid: int):
    """``(/proc entry, stat fields after the command)`` of each process in the group."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            group = int(fields[2])  # state, ppid, pgrp
        except (OSError, ValueError, IndexError):  # it ended while being read
            continue
        if group == pgid:
            yield entry, fields


def worker_cpu(leader: int) -> dict[int, int]:
    """CPU time so far (clock ticks, user and system) of each worker in the server's group,
    the supervising leader left out."""
    return {
        int(entry.name): int(fields[11]) + int(fields[12])  # utime, stime
        for entry, fields in _group(leader)
        if int(entry.name) != leader
    }


def busiest_share(before: dict[int, int], after: dict[int, int]) -> float | None:
    """The busiest worker's share of the workers' CPU time between two readings."""
    spent = [after[pid] - before[pid] for pid in after if pid in before]
    if len(spent) < 2 or sum(spent) <= 0:
        return None
    return max(spent) / sum(spent)


def process_memory(pgid: int) -> list[dict]:
    """Memory of each process in the server's group (the app's processes): resident (RSS),
    its proportional share of pages shared with the others (PSS) and its own (USS: what
    one more such process costs)."""
    found = []
    for entry, _fields in _group(pgid):
        try:
            kb = {}
            for line in (entry / "smaps_rollup").read_text().splitlines()[1:]:
                name, value, *_unit = line.split()
                kb[name.rstrip(":")] = int(value)
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (OSError, ValueError, IndexError):
            continue
        found.append({
            "pid": int(entry.name), "rss_mb": kb["Rss"] / 1024, "pss_mb": kb["Pss"] / 1024,
            "uss_mb": (kb["Private_Clean"] + kb["Private_Dirty"]) / 1024,
            "command": command[:100],
        })  # fmt: skip
    return sorted(found, key=lambda p: p["pid"])


def worker_mb(processes: list[dict], leader: int) -> dict | None:
    """The largest app process (by PSS) and its RSS, PSS and USS: the group's leader is the
    supervisor when there are others (granian and uvicorn start the app in worker
    processes). granian's workers are forked from the supervisor with the application
    loaded (``hearth.core.preload``), so most of each one's resident pages are shared: PSS
    is what a worker costs the machine, RSS counts the shared pages in full in each."""
    workers = [p for p in processes if p["pid"] != leader] or processes
    if not workers:
        return None
    largest = max(workers, key=lambda p: p["pss_mb"])
    return {key: largest[key] for key in ("rss_mb", "pss_mb", "uss_mb")}


# The sizes ---------------------------------------------------------------------------------


def prepare(args, label: str, posts: int, members: int) -> dict:
    """Seed (or reuse) the size's database, count its queries, leave it as seeded."""
    url = database_url(args.pg_url, posts, members)
    print(f"\n== {label}: {posts:,} posts, {members:,} members ({url.rsplit('/', 1)[1]}) ==")
    python_module(
        "bench.seed", "--posts", str(posts), "--members", str(members), "--database-url", url,
        timeout=SEED_TIMEOUT,
    )  # fmt: skip
    info = json.loads(
        python_module("bench.seed", "--print-info", "--database-url", url, timeout=60, capture=True)
    )
    python_module("bench.seed", "--reset", "--database-url", url, timeout=600)
    print("counting queries (bench.probe)…", flush=True)
    probe = json.loads(
        python_module("bench.probe", "--database-url", url, timeout=600, capture=True)
    )
    python_module("bench.seed", "--reset", "--database-url", url, timeout=600)
    return {
        "label": label, "posts": posts, "members": members, "url": url, "info": info,
        "probe": probe, "results": {},
    }  # fmt: skip


def start(run: dict, server: Server, wanted: set[str]) -> None:
    """Sign in, size the floor to the topic page, and check every page answers."""
    info = run["info"]
    run["cookies"] = sign_in(server.port, info["bench_user"], info["bench_password"])
    status, topic_bytes = check_page(server.port, pages(info)[0], {})
    if status != 200:
        sys.exit(f"bench.run: the topic page answered {status}")
    todo = pages(info, floor_bytes=topic_bytes)
    # The floor again at the end: the two readings show how steady the machine was.
    todo.append(
        Page("floor_after", "framework floor, again at the end", todo[0].path, kind="floor")
    )
    run["pages"] = {}
    for page in todo:
        if wanted and page.key not in wanted and page.kind != "floor":
            continue
        headers = member_headers(run["cookies"]) if page.member else {}
        status, size = check_page(server.port, page, headers)
        row = {"page": asdict(page), "status": status, "bytes": size}
        run["results"][page.key] = row
        if status == 404 and page.kind == "search":
            row["skipped"] = "no search URL yet"
            print(f"  {page.label}: skipped, {page.path.split('?')[0]} is not there yet")
        elif status != page.expect:
            row["skipped"] = f"answered {status}, expected {page.expect}"
            print(f"  {page.label}: skipped, it answered {status} (expected {page.expect})")
        else:
            run["pages"][page.key] = (page, headers)


def measure(args, run: dict, key: str, server: Server) -> None:
    page, headers = run["pages"][key]
    row = run["results"][key]
    target = f"http://{HOST}:{server.port}{page.path}"
    options = {"headers": headers, "post": page.method == "POST", "tool": args.loadgen}
    if args.warmup > 0:
        loadgen.run(target, duration=args.warmup, connections=args.connections, **options)
    # The workers share one listening socket, and the kernel may hand every keep-alive
    # connection of a reading to the same worker: the page is then read on one core of two,
    # at about half its rate. Such a reading is taken again, with new connections.
    leader = server.process.pid
    for attempt in range(1, BALANCE_TRIES + 1):
        before = worker_cpu(leader)
        result = loadgen.run(
            target, duration=args.duration, connections=args.connections, **options
        )
        share = busiest_share(before, worker_cpu(leader))
        if share is None or share <= UNBALANCED_SHARE or attempt == BALANCE_TRIES:
            break
        print(
            f"  ({page.label}, {_size(run['posts'])}: one worker did {share:.0%} of the work "
            f"at {result.rps:.1f} req/s; read again)",
            flush=True,
        )
    row.update(asdict(result))
    row["busiest_worker_share"], row["attempts"] = share, attempt
    if args.solo > 0:  # latency with nothing queued in front
        solo = loadgen.run(target, duration=args.solo, connections=1, **options)
        row["solo_p50_ms"], row["solo_rps"] = solo.p50_ms, solo.rps
    print(
        f"  {page.label:<38} {_size(run['posts']):>10} {result.rps:7.1f} req/s  "
        f"p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms  "
        f"alone p50 {row.get('solo_p50_ms', 0):6.1f} ms  "
        f"({result.requests} requests, {result.errors} errors)",
        flush=True,
    )


def measure_all(args, runs: list[dict], wanted: set[str]) -> None:
    """Start one server per size, then load page by page, each size in turn: the sizes are
    compared under the same background load, whatever else the machine is doing."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    with ExitStack() as stack:
        servers = []
        for i, run in enumerate(runs):
            server = stack.enter_context(server_for(args, run, i))
            stack.callback(server.keep_log, OUT / f"server-{stamp}-{run['label']}.log")
            servers.append(server)
            start(run, server, wanted)
            run["memory_start"] = process_memory(server.process.pid)
        print(f"\n== load: {args.connections} connections, {args.duration:g} s per page ==")
        keys = list(dict.fromkeys(key for run in runs for key in run["pages"]))
        for key in keys:
            for run, server in zip(runs, servers, strict=True):
                if key in run["pages"]:
                    measure(args, run, key, server)
        for run, server in zip(runs, servers, strict=True):
            run["memory_end"] = process_memory(server.process.pid)
            run["worker_mb"] = worker_mb(run["memory_end"], server.process.pid)
            run["worker_mb_start"] = worker_mb(run["memory_start"], server.process.pid)
    for i, run in enumerate(runs):
        python_module("bench.seed", "--reset", "--database-url", run["url"], timeout=600)
        if args.mode == "production":
            flush_redis(redis_url_for(args, i))


# The table -------------------------------------------------------------------------------


def _size(posts: int) -> str:
    if posts >= 1_000_000 and posts % 1_000_000 == 0:
        return f"{posts // 1_000_000}M posts"
    if posts >= 1000:
        return f"{posts / 1000:g}k posts"
    return f"{posts} posts"


def _fmt(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def floor_rps(run: dict) -> float | None:
    """The mean of the two floor readings of a run (before and after its pages)."""
    readings = [run["results"].get(key, {}).get("rps") for key in ("floor", "floor_after")]
    readings = [r for r in readings if r]
    return sum(readings) / len(readings) if readings else None


def table(runs: list[dict]) -> str:
    small = runs[0]
    large = runs[-1] if len(runs) > 1 else None
    keys = list(small["results"])
    header = (
        f"{'page':<40} {'size':>10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'alone p50':>9} {'vs floor':>8} {'large/small':>11} {'queries':>7}"
    )
    lines = [header, "-" * len(header)]
    for key in keys:
        for run in runs:
            row = run["results"].get(key)
            if row is None:
                continue
            probe = run["probe"].get(key, {})
            label = row["page"]["label"]
            size = _size(run["posts"])
            if "skipped" in row:
                lines.append(f"{label:<40} {size:>10}  skipped: {row['skipped']}")
                continue
            floor = floor_rps(run)
            share = row["rps"] / floor if floor and "rps" in row else None
            ratio = None
            if large is not None and run is large:
                base = small["results"].get(key, {}).get("rps")
                ratio = row["rps"] / base if base else None
            errors = f"  ({row['errors']} errors)" if row.get("errors") else ""
            lines.append(
                f"{label:<40} {size:>10} {row['rps']:8.1f} {row['p50_ms']:8.1f} "
                f"{row['p99_ms']:8.1f} {_fmt(row.get('solo_p50_ms'), '9.1f')} "
                f"{_fmt(share, '8.0%')} {_fmt(ratio, '11.2f')} "
                f"{probe.get('queries', '—'):>7}{errors}"
            )
    return "\n".join(lines)


# Two readings of the same work further apart than this say the machine's speed moved
# during the run, and every share of the floor with it: the floor before and after the
# pages, and the pages that do the same work at every size (served from the visitors' page
# cache), read at the two sizes back to back.
STEADY_SPREAD = 1.25
SAME_WORK_AT_EVERY_SIZE = ("topic", "category", "home")


def steadiness(runs: list[dict]) -> list[str]:
    out = []
    for run in runs:
        readings = [run["results"].get(k, {}).get("rps") for k in ("floor", "floor_after")]
        if all(readings) and max(readings) / min(readings) > STEADY_SPREAD:
            out.append(
                f"NOT steady: the floor at {_size(run['posts'])} read {readings[0]:.0f} req/s "
                f"before the pages and {readings[1]:.0f} after: the machine's speed moved by "
                f"{max(readings) / min(readings) - 1:.0%} during the run, and the shares below "
                "can be off by as much (run again on a quieter machine)"
            )
    for run in runs:
        for key, row in run["results"].items():
            share = row.get("busiest_worker_share")
            if share is not None and share > UNBALANCED_SHARE:
                out.append(
                    f"NOT steady: {key} at {_size(run['posts'])}: one worker did {share:.0%} "
                    f"of the work in each of {row['attempts']} readings (its connections all "
                    "went to it), so the page was read on one core"
                )
    if len(runs) < 2:
        return out
    small, large = runs[0], runs[-1]
    for key in SAME_WORK_AT_EVERY_SIZE:
        pair = [run["results"].get(key, {}).get("rps") for run in (small, large)]
        if all(pair) and max(pair) / min(pair) > STEADY_SPREAD:
            out.append(
                f"NOT steady: {key}, the same work at both sizes (a page from the visitors' "
                f"cache), read {pair[0]:.0f} req/s at {_size(small['posts'])} and "
                f"{pair[1]:.0f} at {_size(large['posts'])}, back to back: the machine's speed "
                "moved between readings, and the shares below can be off by as much"
            )
    return out


def verdicts(runs: list[dict]) -> str:
    small, large = runs[0], runs[-1]
    out = steadiness(runs)

    def rps(run, key):
        row = run["results"].get(key) or {}
        return row.get("rps")

    floor = floor_rps(large)
    for key in (
        "topic", "topic_member", "category", "home", "home_member", "search_member",
        "unanswered", "ideas_votes", "ideas_trending", "roadmap",
    ):  # fmt: skip
        value = rps(large, key)
        target = FLOOR_SHARE_TARGETS.get(key, TARGET_FLOOR_SHARE)
        if value and floor:
            share = value / floor
            mark = "met" if share >= target else "NOT met"
            out.append(
                f"{mark:>7}: {key} at {_size(large['posts'])} is {share:.2f}× the floor "
                f"(target ≥ {target:.1f}×)"
            )
    if len(runs) > 1:
        for key in small["results"]:
            if key in ("floor", "floor_after"):
                continue
            a, b = rps(small, key), rps(large, key)
            if a and b:
                mark = "met" if b / a >= TARGET_LARGE_SMALL else "NOT met"
                out.append(
                    f"{mark:>7}: {key} at {_size(large['posts'])} runs at {b / a:.0%} of its "
                    f"{_size(small['posts'])} throughput (target ≥ {TARGET_LARGE_SMALL:.0%})"
                )
    for key in ("search_member", "search", "search_rare"):
        row = large["results"].get(key) or {}
        probe = large["probe"].get(key) or {}
        alone = row.get("solo_p50_ms")
        if alone is not None:
            mark = "met" if alone < TARGET_SEARCH_P50_MS else "NOT met"
            out.append(
                f"{mark:>7}: {key} p50 alone at {_size(large['posts'])} is {alone:.1f} ms "
                f"({row['p50_ms']:.1f} ms under load; in-process best "
                f"{probe.get('wall_ms', 0):.1f} ms, {probe.get('db_ms', 0):.1f} ms of it in "
                f"queries; target < {TARGET_SEARCH_P50_MS:.0f} ms alone)"
            )
    for run in runs:
        end, start = run.get("worker_mb"), run.get("worker_mb_start")
        if end is None or start is None:
            continue
        mark = "met" if end["pss_mb"] <= TARGET_WORKER_MB else "NOT met"
        out.append(
            f"{mark:>7}: largest app process at {_size(run['posts'])} after the load "
            f"{end['pss_mb']:.0f} MB PSS ({start['pss_mb']:.0f} MB after start and "
            f"sign-in; USS {end['uss_mb']:.0f} MB; target ≤ {TARGET_WORKER_MB:.0f} MB)"
        )
        # Not judged: RSS counts the pages the processes share in full in each of them.
        out.append(
            f"  shown: largest app process at {_size(run['posts'])} after the load "
            f"{end['rss_mb']:.0f} MB resident (RSS), shared pages counted in full "
            f"({start['rss_mb']:.0f} MB after start and sign-in)"
        )
    return "\n".join(out)


def memory_lines(runs: list[dict]) -> str:
    lines = []
    for run in runs:
        for moment in ("memory_start", "memory_end"):
            for p in run.get(moment, []):
                lines.append(
                    f"{_size(run['posts']):>10} {moment.split('_')[1]:<5} pid {p['pid']:>7} "
                    f"RSS {p['rss_mb']:6.1f} MB  PSS {p['pss_mb']:6.1f} MB  "
                    f"USS {p['uss_mb']:6.1f} MB  {p['command']}"
                )
    return "\n".join(lines)


def dashboard(args) -> tuple[str, list[str]]:
    """The health dashboard's issue-15 figures, from bench.analytics --quick (its own
    databases, both sizes), and their verdicts."""
    python_module(
        "bench.analytics", "--quick", "--runs", "3", "--db-prefix", "hearth_bench_rollups",
        "--members", str(args.dashboard_members), "--events", str(args.dashboard_events),
        "--pg-url", f"{args.pg_url.rstrip('/')}/postgres", timeout=SEED_TIMEOUT,
    )  # fmt: skip
    table_text = python_module(
        "bench.analytics", "--quick", "--report", "--db-prefix", "hearth_bench_rollups",
        "--members", str(args.dashboard_members), "--events", str(args.dashboard_events),
        "--pg-url", f"{args.pg_url.rstrip('/')}/postgres", timeout=120, capture=True,
    )  # fmt: skip
    marks = []
    sizes = [(args.dashboard_events, args.dashboard_members)]
    sizes.append((args.dashboard_events // 10, args.dashboard_members // 10))
    for events, members in sizes:
        path = OUT / f"analytics_{events}_{members}_quick.json"
        if not path.exists():
            continue
        rows = json.loads(path.read_text())["rows"]
        rate = events / rows["rebuild"]["seconds"]
        mark = "met" if rate >= TARGET_REBUILD_EVENTS_S else "NOT met"
        marks.append(
            f"{mark:>7}: full rollup rebuild at {members:,} members, {events:,} events: "
            f"{rate:,.0f} events/s (target ≥ {TARGET_REBUILD_EVENTS_S:,})"
        )
        seconds = rows["dashboard"]["seconds"]
        mark = "met" if seconds < TARGET_DASHBOARD_S else "NOT met"
        marks.append(
            f"{mark:>7}: whole dashboard at {members:,} members: {seconds:.2f} s wall "
            f"({rows['dashboard']['cpu_seconds']:.2f} s of app CPU; median of "
            f"{rows['dashboard']['runs']}; target < {TARGET_DASHBOARD_S:.0f} s)"
        )
    return table_text, marks


def slow_queries(runs: list[dict]) -> str:
    lines = []
    for run in runs:
        lines.append(f"-- {_size(run['posts'])} --")
        for key, probe in run["probe"].items():
            if probe.get("missing") or not probe.get("slowest"):
                continue
            ms, sql = probe["slowest"][0]
            sql = re.sub(r"\s+", " ", sql)
            lines.append(
                f"{key:<14} {probe['queries']:>3} queries, {probe['db_ms']:7.1f} ms in the "
                f"database; slowest {ms:6.1f} ms: {sql[:150]}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.workers = args.workers or (2 if args.mode == "production" else 1)
    args.connections = args.connections or 2 * args.workers
    # A plain kill runs the atexit hooks too, so the server never outlives the run.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    wanted = {k.strip() for k in args.pages.split(",") if k.strip()}
    tool = "wrk" if args.loadgen in ("auto", "wrk") and loadgen.wrk_path() else "python"
    if args.loadgen == "wrk" and tool != "wrk":
        sys.exit("bench.run: wrk is not installed (apt-get install wrk, or --loadgen python)")
    print(
        f"Hearth discussions benchmark: {args.mode} mode, load generator {tool}, "
        f"{args.connections} connections, {args.workers} server process(es), "
        f"{args.duration:g} s per page after {args.warmup:g} s of warm-up, "
        f"{os.cpu_count()} CPU cores"
    )
    sizes = [("small", args.small_posts, args.small_members)]
    if not args.only_small:
        sizes.append(("large", args.posts, args.members))
    runs = [prepare(args, label, p, m) for label, p, m in sizes]
    measure_all(args, runs, wanted)

    report = [
        "",
        f"Hearth discussions benchmark — {datetime.now().isoformat(timespec='seconds')}",
        f"load: {tool}, {args.connections} connections, {args.workers} server process(es), "
        f"{args.duration:g} s per page; PostgreSQL; {os.cpu_count()} cores shared by "
        "server, database and load generator",
        (
            "production mode: granian, a psycopg pool per process, Redis for the cache"
            if args.mode == "production"
            else "embedded mode: uvicorn, database connections as the environment sets them "
            f"(HEARTH_DB_POOL={os.environ.get('HEARTH_DB_POOL', '0')}), the cache in memory"
        ),
        "",
        table(runs),
        "",
        "vs floor: requests/s as a share of the framework floor (mean of its two readings in "
        "the same run).",
        "large/small: requests/s at the large size over the small size.",
        "p50/p99: under load (all connections busy); alone p50: one connection, nothing "
        "queued. queries: per request (bench.probe).",
        "",
        verdicts(runs),
        "",
        "Slowest query per page:",
        slow_queries(runs),
        "",
        "Memory of the server's processes (resident), after start and after the load:",
        memory_lines(runs),
    ]
    if not args.no_dashboard and not args.only_small:
        print("\n== the health dashboard (bench.analytics --quick) ==", flush=True)
        table_text, marks = dashboard(args)
        report += ["", "The health dashboard (bench.analytics --quick):", table_text, *marks]
    for run in runs:
        info = run["info"]
        if run["info"].get("seconds") is None:
            continue
        report.append(
            f"{_size(run['posts'])}: {info['topics']:,} topics, {run['members']:,} members, "
            f"seeded in {info['seconds']} s ({run['posts'] / max(info['seconds'], 0.1):,.0f} "
            f"posts/s); search word {info['search_word']!r} in {info['search_word_docs']:,} "
            "posts"
        )
    text = "\n".join(report)
    print(text)
    OUT.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (OUT / f"report-{stamp}.txt").write_text(text + "\n")
    for run in runs:
        run.pop("pages", None)
        run.pop("cookies", None)
    (OUT / f"report-{stamp}.json").write_text(json.dumps(runs, indent=1, default=str))
    print(f"\n(saved in bench/out/report-{stamp}.txt, with plans in the .json)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
