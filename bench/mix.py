"""The mixed load (issue 17): what a community of 100,000 members can take at once.

    python -m bench.mix                     # 1M posts / 100k members, 1 and 2 processes
    python -m bench.mix --posts 10000 --members 1000 --step-seconds 5 --processes 1

Production mode (``HEARTH_ENV=production``: granian, a psycopg pool per process, Redis for
the cache, rate-limit counters and live fan-out) on the seeded PostgreSQL database of
``bench.seed`` and a Redis database of its own, on 127.0.0.1 only. One wrk per request
class, all at once, each cycling through its own requests (``bench/wrk/mix.lua``); a
class's share of the load is its share of the connections:

| class | requests |
|---|---|
| anonymous reads | hot topics, category lists, the community home, page 1 (page cache) |
| signed-in reads | the bench member reading on: a topic (302 to its first unread post), its |
|                 | last page (marks it read), the home with its panels                     |
| searches | varied words from the topics' titles, the seed's common and rare words |
| replies | POST to the big topic with the CSRF header and a fresh ``client_token`` |
| reactions | POST toggling a reaction on recent posts of the big topic |

plus ``--streams`` live-update (Server-Sent Events) connections on the big topic and the
latest list, held open by a thread of this process for the whole run (each reply reaches
them all).

The step search raises the offered load (connections) step by step, ``--step-seconds``
each, and keeps the highest throughput whose p99 over every request of the step is under
``--p99-ms`` (250) with no error (non-2xx/3xx answers, socket errors, timeouts). It stops
after the first step that fails. For each process count, the best passing step (or, when
none passed, the first) is shown with its time split, measured on the server: Python (CPU
of the requests' threads), the database (time in the driver's execute) and the rest
(waiting: for a core, the GIL, a pool connection, Redis), from ``bench.timing``'s counters
at ``/metrics``; beside it the CPU of the server processes and of PostgreSQL's backends
(``/proc``) as a share of the step's wall time, and what the backends waited on and ran
(``pg_stat_activity``, sampled).

Printed, not asserted. Posting limits are off (one member posts many replies a second) and
the per-address live-stream limit is raised (every stream comes from 127.0.0.1).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlencode

from bench.pages import REPLY_BODY
from bench.run import (
    HOST,
    OUT,
    SEED_TIMEOUT,
    Server,
    database_url,
    env_int,
    member_headers,
    python_module,
    request,
    sign_in,
)

WRK_SCRIPT = Path(__file__).resolve().parent / "wrk" / "mix.lua"
P99_LIMIT_MS = 250.0
REACTION_KINDS = ("thumbsup", "heart")
POSTS_PER_PAGE = 20  # hearth.discussions.selectors.POSTS_PER_PAGE


# The mix ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MixClass:
    key: str
    label: str
    weight: float  # share of the connections
    member: bool  # as the signed-in bench member


CLASSES = (
    MixClass("anon", "anonymous reads", 0.40, False),
    MixClass("member", "signed-in reads", 0.25, True),
    MixClass("search", "searches", 0.15, False),
    MixClass("reply", "replies", 0.10, True),
    MixClass("react", "reactions", 0.10, True),
)


def allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    """``total`` connections shared by weight (largest remainder), at least one each."""
    keys = list(weights)
    total = max(total, len(keys))
    spare = total - len(keys)
    whole = sum(weights.values())
    exact = {k: spare * weights[k] / whole for k in keys}
    given = {k: 1 + math.floor(exact[k]) for k in keys}
    left = total - sum(given.values())
    for k in sorted(keys, key=lambda k: exact[k] - math.floor(exact[k]), reverse=True)[:left]:
        given[k] += 1
    return given


def step_totals(start: int, factor: float, maximum: int) -> list[int]:
    """Connection counts for the steps: ``start``, then × ``factor`` (rounded up, always
    growing), up to ``maximum``."""
    totals, n = [], max(1, start)
    while n <= maximum:
        totals.append(n)
        n = max(n + 1, math.ceil(n * factor))
    return totals


# Results ---------------------------------------------------------------------------------


@dataclass
class ClassResult:
    requests: int
    seconds: float
    errors: int
    percentiles: list[tuple[float, float]]  # (percent, ms), 0 and 100 included
    mean_ms: float
    statuses: dict[int, int] = field(default_factory=dict)  # failed answers by status

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def at(self, percent: float) -> float:
        return quantile(self.percentiles, percent)


@dataclass
class StepResult:
    connections: int
    classes: dict[str, ClassResult]
    streams_open: int = 0
    timing: dict = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return sum(c.requests for c in self.classes.values())

    @property
    def rps(self) -> float:
        return sum(c.rps for c in self.classes.values())

    @property
    def errors(self) -> int:
        return sum(c.errors for c in self.classes.values())

    @property
    def p99_ms(self) -> float:
        return merged_percentile(list(self.classes.values()), 99.0)

    @property
    def p50_ms(self) -> float:
        return merged_percentile(list(self.classes.values()), 50.0)

    @property
    def mean_ms(self) -> float:
        n = self.requests
        return sum(c.mean_ms * c.requests for c in self.classes.values()) / n if n else 0.0


def passes(step: StepResult, p99_limit_ms: float = P99_LIMIT_MS) -> bool:
    return step.requests > 0 and step.errors == 0 and step.p99_ms < p99_limit_ms


def step_search(measure, totals: list[int], p99_limit_ms: float = P99_LIMIT_MS):
    """Measure each step in turn until one fails; return (the best passing step or None,
    every step measured)."""
    best, steps = None, []
    for total in totals:
        step = measure(total)
        steps.append(step)
        if not passes(step, p99_limit_ms):
            break
        if best is None or step.rps > best.rps:
            best = step
    return best, steps


def parse_wrk_mix(output: str) -> ClassResult:
    summary = re.search(r"^MIX summary (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", output, re.M)
    if not summary:
        raise RuntimeError(f"could not read wrk's output:\n{output[-2000:]}")
    n, micros, *errors = (int(g) for g in summary.groups())
    pct = [
        (float(p), int(us) / 1000) for p, us in re.findall(r"^MIX pct (\S+) (\d+)$", output, re.M)
    ]
    mean = re.search(r"^MIX mean (\S+)$", output, re.M)
    statuses: dict[int, int] = {}
    for status, count in re.findall(r"^MIX status (\d+) (\d+)$", output, re.M):
        statuses[int(status)] = statuses.get(int(status), 0) + int(count)
    return ClassResult(
        statuses=statuses,
        requests=n,
        seconds=micros / 1e6,
        errors=sum(errors),
        percentiles=pct,
        mean_ms=float(mean.group(1)) / 1000 if mean else 0.0,
    )


def quantile(points: list[tuple[float, float]], percent: float) -> float:
    """The latency at ``percent``, interpolated between the sampled (percent, ms) points."""
    if not points:
        return 0.0
    for (p0, v0), (p1, v1) in zip(points, points[1:], strict=False):
        if p0 <= percent <= p1:
            return v0 if p1 == p0 else v0 + (v1 - v0) * (percent - p0) / (p1 - p0)
    return points[-1][1]


def share_below(points: list[tuple[float, float]], ms: float) -> float:
    """The share (0-100) of a class's requests faster than ``ms`` (the inverse of quantile)."""
    if not points:
        return 100.0
    if ms < points[0][1]:
        return 0.0
    for (p0, v0), (p1, v1) in zip(points, points[1:], strict=False):
        if v0 <= ms < v1:
            return p0 + (p1 - p0) * (ms - v0) / (v1 - v0)
    return 100.0


def merged_percentile(classes: list[ClassResult], percent: float) -> float:
    """The latency under which ``percent`` of all the classes' requests fall together
    (bisection on the mixed distribution, each class weighed by its request count)."""
    classes = [c for c in classes if c.requests and c.percentiles]
    if not classes:
        return 0.0
    total = sum(c.requests for c in classes)
    lo, hi = 0.0, max(c.percentiles[-1][1] for c in classes)
    for _ in range(60):
        mid = (lo + hi) / 2
        below = sum(c.requests * share_below(c.percentiles, mid) for c in classes) / total
        lo, hi = (mid, hi) if below < percent else (lo, mid)
    return hi


# Requests of each class --------------------------------------------------------------------


def gather(url: str, info: dict) -> dict:
    """Topics, posts and search words from the seeded database, to vary the requests."""
    import psycopg

    c = info["community_id"]
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as db:
        hot = db.execute(
            "SELECT t.id, t.slug, t.post_count FROM discussions_topic t "
            "JOIN discussions_category c ON c.id = t.category_id "
            "WHERE t.community_id = %s AND c.read_access = 'everyone' AND c.kind = 'discussion' "
            "AND t.deleted_at IS NULL AND t.merged_into_id IS NULL "
            "ORDER BY t.last_posted_at DESC LIMIT 200",
            [c],
        ).fetchall()
        categories = [
            row[0]
            for row in db.execute(
                "SELECT slug FROM discussions_category WHERE community_id = %s "
                "AND read_access = 'everyone' ORDER BY id",
                [c],
            )
        ]
        posts = [
            row[0]
            for row in db.execute(
                "SELECT id FROM discussions_post WHERE topic_id = %s AND deleted_at IS NULL "
                "ORDER BY number DESC LIMIT 100",
                [info["big_topic_id"]],
            )
        ]
        user = db.execute(
            "SELECT id, email FROM accounts_user WHERE username = %s", [info["bench_user"]]
        ).fetchone()
        # Production mode asks for a verified address before signing in.
        db.execute(
            'INSERT INTO account_emailaddress (user_id, email, verified, "primary") '
            "VALUES (%s, %s, true, true) ON CONFLICT DO NOTHING",
            [user[0], user[1] or f"{info['bench_user']}@example.invalid"],
        )
        db.execute("UPDATE account_emailaddress SET verified = true WHERE user_id = %s", [user[0]])
    words = sorted({w.lower() for _id, slug, _n in hot for w in slug.split("-") if len(w) > 4})
    words = words[:40] + [info["search_word"], info["rare_word"]]
    return {"hot": hot, "categories": categories, "posts": posts, "words": words}


def class_requests(key: str, info: dict, data: dict) -> list[str]:
    """The lines of the class's requests file: METHOD<TAB>PATH[<TAB>BODY]."""
    c, big = info["community"], info["big_topic_id"]
    topic = lambda tid, slug: f"/c/{c}/t/{slug}/{tid}/"  # noqa: E731
    if key == "anon":
        lines = [f"GET\t{topic(tid, slug)}" for tid, slug, _n in data["hot"][:60]]
        lines += [f"GET\t/c/{c}/category/{slug}/" for slug in data["categories"]]
        lines += [f"GET\t/c/{c}/"] * 10 + [f"GET\t/c/{c}/latest"] * 5
        lines += [f"GET\t{topic(big, info['big_topic_slug'])}"] * 10
        return lines
    if key == "member":
        # A member reading on: the topic without ?page (answers 302 to the first unread
        # post when there is one, else shows the first page), then its last page, which
        # marks everything read; until a reply makes it unread again. (wrk follows no
        # redirect, so the page of the first unread post is the next line's.)
        lines = []
        for tid, slug, posts in data["hot"][:100]:
            last = max(1, math.ceil(posts / POSTS_PER_PAGE))
            lines += [f"GET\t{topic(tid, slug)}", f"GET\t{topic(tid, slug)}?page={last}"]
        lines += [f"GET\t/c/{c}/"] * 25
        return lines
    if key == "search":
        return [f"GET\t/c/{c}/search?q={quote(word)}" for word in data["words"]]
    if key == "reply":
        body = urlencode({"body": REPLY_BODY}) + "&client_token={token}"
        return [f"POST\t/c/{c}/t/{big}/reply\t{body}"]
    if key == "react":
        return [
            f"POST\t/c/{c}/p/{post}/react\tkind={kind}"
            for post in data["posts"]
            for kind in REACTION_KINDS
        ]
    raise ValueError(key)


# Live streams ------------------------------------------------------------------------------


class Streams:
    """``count`` Server-Sent Event connections held open (and reopened when the server
    ends one) by one thread, reading everything that arrives."""

    def __init__(self, port: int, paths: list[str], count: int):
        self.port, self.paths, self.count = port, paths, count
        self.open = 0
        self.refused = 0
        self.bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _connect(self, n: int, sel: selectors.BaseSelector) -> None:
        path = self.paths[n % len(self.paths)]
        try:
            sock = socket.create_connection((HOST, self.port), timeout=10)
            sock.sendall(
                f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept: text/event-stream\r\n\r\n".encode()
            )
            head = sock.recv(4096)
        except OSError:
            self.refused += 1
            return
        if not head.startswith(b"HTTP/1.1 200"):
            self.refused += 1
            sock.close()
            return
        sock.setblocking(False)
        sel.register(sock, selectors.EVENT_READ, n)
        self.open += 1

    def _run(self) -> None:
        sel = selectors.DefaultSelector()
        for n in range(self.count):
            if self._stop.is_set():
                break
            self._connect(n, sel)
        while not self._stop.is_set():
            for key, _mask in sel.select(timeout=0.5):
                try:
                    data = key.fileobj.recv(65536)
                except OSError:
                    data = b""
                if data:
                    self.bytes += len(data)
                    continue
                sel.unregister(key.fileobj)
                key.fileobj.close()
                self.open -= 1
                self._connect(key.data, sel)  # the server ended it: reconnect, as browsers do
        for key in list(sel.get_map().values()):
            key.fileobj.close()
        self.open = 0

    def __enter__(self) -> Streams:
        if self.count:
            self._thread.start()
            deadline = time.monotonic() + 60
            while self.open + self.refused < self.count and time.monotonic() < deadline:
                time.sleep(0.1)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)


# CPU from /proc ----------------------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def group_cpu(pgid: int) -> float:
    """CPU seconds (user + system) of the live processes in a process group."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat(int(entry.name))
        if fields and int(fields[2]) == pgid:  # field 5, pgrp
            total += (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return total


def backend_cpu(url: str, dbname: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to ``dbname`` (the pools keep them
    for the whole run, so their difference over a step is the step's database CPU)."""
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as db:
        pids = [
            row[0]
            for row in db.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [dbname],
            )
        ]
    out = {}
    for pid in pids:
        fields = _stat(pid)
        if fields:
            out[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    return out


class WaitSampler:
    """What the database's active backends are doing, sampled every ``every`` seconds
    from ``pg_stat_activity``: running (no wait event) or waiting, and on what (Lock,
    LWLock, IO, IPC... with the event's name). Tells lock contention, commits waiting for
    the disk and parallel workers from a database short of CPU."""

    def __init__(self, url: str, dbname: str, every: float = 0.05):
        self.url, self.dbname, self.every = url, dbname, every
        self.counts: dict[str, int] = {}
        self.queries: dict[str, int] = {}  # the statement, how often it was seen active
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg

        url = self.url.replace("postgres://", "postgresql://")
        with psycopg.connect(url, autocommit=True) as db:
            while not self._stop.wait(self.every):
                rows = db.execute(
                    "SELECT coalesce(wait_event_type || ':' || wait_event, 'running'), "
                    "regexp_replace(query, '\\s+', ' ', 'g'), backend_type "
                    "FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
                    "AND pid <> pg_backend_pid()",
                    [self.dbname],
                ).fetchall()
                self.samples += 1
                for kind, sql, backend in rows:
                    # Its start and its end (where FOR UPDATE, LIMIT and the like are).
                    query = sql if len(sql) <= 170 else f"{sql[:110]} … {sql[-55:]}"
                    self.counts[kind] = self.counts.get(kind, 0) + 1
                    if backend == "client backend":  # parallel workers repeat the query
                        self.queries[query] = self.queries.get(query, 0) + 1

    def __enter__(self) -> WaitSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def summary(self) -> dict[str, float]:
        """The mean number of active backends in each state."""
        return {k: n / self.samples for k, n in self.counts.items()} if self.samples else {}


def timing_counters(port: int) -> dict[str, float]:
    """``bench.timing``'s counters, summed over the server processes by ``/metrics``."""
    _status, _headers, body = request(port, "GET", "/metrics")
    found = {}
    for name, value in re.findall(
        r"^(bench_\w+?)_total(?:\{[^}]*\})? ([0-9.e+-]+)$", body.decode(), re.M
    ):
        found[name] = found.get(name, 0.0) + float(value)
    return found


# Running a step ------------------------------------------------------------------------------


def run_wrk(port: int, key: str, file: Path, connections: int, seconds: float,
            headers: dict[str, str]) -> subprocess.Popen:  # fmt: skip
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "5s",
        "-s", str(WRK_SCRIPT),
    ]  # fmt: skip
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command += [f"http://{HOST}:{port}", "--", str(file), f"{key}-{uuid.uuid4().hex[:10]}"]
    return subprocess.Popen(  # noqa: S603 -- our own arguments
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def measure_step(args, port: int, files: dict[str, Path], headers: dict[str, str],
                 total: int, *, server_pgid: int, db_url: str, dbname: str,
                 streams: Streams) -> StepResult:  # fmt: skip
    shares = allocate(total, {c.key: c.weight for c in CLASSES})
    before = (timing_counters(port), group_cpu(server_pgid), backend_cpu(db_url, dbname))
    started = time.monotonic()
    with WaitSampler(db_url, dbname) as sampler:
        running = {
            c.key: run_wrk(
                port,
                c.key,
                files[c.key],
                shares[c.key],
                args.step_seconds,
                headers if c.member else {},
            )  # fmt: skip
            for c in CLASSES
        }
        results = {}
        for key, process in running.items():
            out, err = process.communicate(timeout=args.step_seconds + 60)
            if process.returncode != 0:
                raise RuntimeError(f"wrk ({key}) failed: {err or out}")
            results[key] = parse_wrk_mix(out)
    wall = time.monotonic() - started
    after = (timing_counters(port), group_cpu(server_pgid), backend_cpu(db_url, dbname))
    counters = {k: after[0].get(k, 0.0) - before[0].get(k, 0.0) for k in after[0]}
    pg = sum(cpu - before[2].get(pid, 0.0) for pid, cpu in after[2].items())
    step = StepResult(total, results, streams_open=streams.open)
    step.timing = {
        "wall": wall,
        "server_cpu": after[1] - before[1],
        "pg_cpu": pg,
        "pg_active": sampler.summary(),
        "pg_queries": sorted(
            ((n / max(sampler.samples, 1), q) for q, n in sampler.queries.items()), reverse=True
        )[:5],
        **counters,
    }
    return step


def print_step(step: StepResult, processes: int, p99_limit_ms: float = P99_LIMIT_MS) -> None:
    mark = "ok" if passes(step, p99_limit_ms) else "FAILS"
    per_class = "  ".join(
        f"{k} {r.rps:.0f}/s p99 {r.at(99):.0f}"
        + (f" ({r.errors} err: {r.statuses or 'socket'})" if r.errors else "")
        for k, r in step.classes.items()
    )
    print(
        f"  {processes} proc, {step.connections:>3} conn: {step.rps:7.1f} req/s  "
        f"p50 {step.p50_ms:6.1f} ms  p99 {step.p99_ms:7.1f} ms  errors {step.errors}  "
        f"streams {step.streams_open}  {mark}\n      {per_class}",
        flush=True,
    )


# The whole run -------------------------------------------------------------------------------


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bench.mix", description=__doc__.split("\n")[0])
    p.add_argument("--posts", type=int, default=env_int("BENCH_POSTS", 1_000_000))
    p.add_argument("--members", type=int, default=env_int("BENCH_MEMBERS", 100_000))
    p.add_argument("--processes", default=os.environ.get("BENCH_MIX_PROCESSES", "1,2"))
    p.add_argument("--step-seconds", type=float, default=env_int("BENCH_STEP_SECONDS", 10))
    p.add_argument(
        "--warmup", type=float, default=env_int("BENCH_WARMUP", 5),
        help="seconds of the first step's load before measuring (fills the caches)",
    )  # fmt: skip
    p.add_argument("--start", type=int, default=5, help="connections of the first step")
    p.add_argument("--factor", type=float, default=1.5, help="connections × this per step")
    p.add_argument("--max-connections", type=int, default=120)
    p.add_argument("--streams", type=int, default=env_int("BENCH_STREAMS", 200))
    p.add_argument("--p99-ms", type=float, default=P99_LIMIT_MS)
    p.add_argument("--port", type=int, default=env_int("BENCH_PORT", 8891))
    p.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    )
    p.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    )
    return p.parse_args(argv)


def flush_redis(url: str) -> None:
    """Empty the bench's own Redis database: no cached page from an earlier run."""
    import redis

    redis.Redis.from_url(url).flushdb()


def server_env(args, data_dir: Path) -> dict[str, str]:
    metrics = data_dir / "metrics"
    metrics.mkdir(parents=True, exist_ok=True)
    for stale in metrics.glob("*.db"):
        stale.unlink()
    return {
        "HEARTH_ENV": "production",
        "HEARTH_SECRET_KEY": "bench-mix-secret-key-not-secret-" + "x" * 32,
        "HEARTH_SSL_REDIRECT": "0",  # plain HTTP on the loopback, as behind a TLS proxy
        "HEARTH_DB_POOL": "1",
        "REDIS_URL": args.redis_url,
        "HEARTH_POSTING_LIMITS": "0",
        "HEARTH_LIVE_MAX_STREAMS_PER_USER": str(max(8, args.streams + 10)),
        "HEARTH_LIVE_MAX_STREAMS": str(max(2000, args.streams + 100)),
        "BENCH_TIMING": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
    }


def run_processes(args, n: int, info: dict, db_url: str, data: dict, tmp: Path) -> dict:
    dbname = db_url.rsplit("/", 1)[1]
    data_dir = OUT / "mix-data"  # kept: static files are collected once
    flush_redis(args.redis_url)
    server = Server(
        database_url=db_url, port=args.port, workers=n, env=server_env(args, data_dir),
        serve_args=("--server", "granian", "--no-with-worker"), data_dir=data_dir,
        start_seconds=300,
    )  # fmt: skip
    with server:
        cookies = sign_in(args.port, info["bench_user"], info["bench_password"])
        headers = member_headers(cookies)
        files = {}
        for c in CLASSES:
            lines = class_requests(c.key, info, data)
            files[c.key] = tmp / f"{c.key}.txt"
            files[c.key].write_text("\n".join(lines) + "\n")
            method, path, *rest = lines[0].split("\t")
            h = {**(headers if c.member else {})}
            if rest:
                h["Content-Type"] = "application/x-www-form-urlencoded"
            body = rest[0].replace("{token}", uuid.uuid4().hex) if rest else None
            status, _h, _b = request(args.port, method, path, headers=h, body=body)
            if not 200 <= status < 400:
                sys.exit(f"bench.mix: {c.label} {method} {path} answered {status}")
        live = [
            f"/c/{info['community']}/live?topic={info['big_topic_id']}",
            f"/c/{info['community']}/live?latest=1",
        ]
        with Streams(args.port, live, args.streams) as streams:
            print(
                f"\n== {n} process(es): {streams.open} live streams open "
                f"({streams.refused} refused) ==",
                flush=True,
            )
            common = dict(server_pgid=server.process.pid, db_url=args.pg_url + "/postgres",
                          dbname=dbname, streams=streams)  # fmt: skip
            if args.warmup > 0:
                warm = argparse.Namespace(**{**vars(args), "step_seconds": args.warmup})
                measure_step(warm, args.port, files, headers, args.start, **common)

            def measure(total: int) -> StepResult:
                step = measure_step(args, args.port, files, headers, total, **common)
                print_step(step, n, args.p99_ms)
                return step

            best, steps = step_search(
                measure, step_totals(args.start, args.factor, args.max_connections), args.p99_ms
            )
            streams_bytes = streams.bytes
        server.keep_log(OUT / f"mix-server-{n}.log")
    python_module("bench.seed", "--reset", "--database-url", db_url, timeout=600)
    flush_redis(args.redis_url)  # leave the bench's Redis database empty
    return {
        "processes": n, "best": best, "steps": steps, "stream_bytes": streams_bytes,
        "p99_limit_ms": args.p99_ms,
    }  # fmt: skip


def split_row(step: StepResult | None, processes: int) -> dict:
    """Where the time went in a step, per request and as shares."""
    if step is None or not step.timing.get("bench_requests"):
        return {}
    t = step.timing
    n = t["bench_requests"]
    inside, cpu, db = (
        t["bench_django_seconds"],
        t["bench_django_cpu_seconds"],
        t["bench_db_seconds"],
    )
    client = step.mean_ms / 1000 * step.requests
    return {
        "per_request_ms": {
            "client": step.mean_ms,
            "django": inside / n * 1000,
            "python": cpu / n * 1000,
            "database": db / n * 1000,
            "waiting": max(0.0, inside - cpu - db) / n * 1000,
            "before_django": max(0.0, client - inside) / max(step.requests, 1) * 1000,
        },
        "queries_per_request": t.get("bench_db_queries", 0) / n,
        "server_cpu_share": t["server_cpu"] / (t["wall"] * processes),
        "pg_cpu_share": t["pg_cpu"] / t["wall"],
        "cores_busy": (t["server_cpu"] + t["pg_cpu"]) / t["wall"],
    }


def _class_cell(step: StepResult, key: str) -> str:
    r = step.classes[key]
    return f"{r.rps:.1f} ({r.at(99):.0f})"


def _active_cell(active: dict[str, float]) -> str:
    waiting = sum(n for k, n in active.items() if k != "running")
    return f"{active.get('running', 0):.2f} / {waiting:.2f}"


def waits(rows: list[dict]) -> str:
    """What PostgreSQL's waiting backends waited on, per process count (below the table)."""
    lines = ["PostgreSQL's active backends waited on (mean number of backends, step shown):"]
    for r in rows:
        active = r["shown"].timing.get("pg_active", {})
        found = sorted(((n, k) for k, n in active.items() if k != "running"), reverse=True)
        listed = ", ".join(f"{k} {n:.2f}" for n, k in found[:5] if n >= 0.005) or "nothing"
        lines.append(f"  {r['processes']} process(es): {listed}")
    lines.append("Statements most often active (mean backends running them, step shown):")
    for r in rows:
        lines.append(f"  {r['processes']} process(es):")
        for n, query in r["shown"].timing.get("pg_queries", [])[:3]:
            lines.append(f"    {n:.2f}  {query}")
    return "\n".join(lines)


def _latency_cell(step: StepResult) -> str:
    return f"{step.rps:.0f}; {step.p50_ms:.0f} / {step.p99_ms:.0f}"


def _failing_cell(row: dict) -> str:
    last = row["steps"][-1]
    if passes(last, row["p99_limit_ms"]):
        return "none up to --max-connections"
    return f"{last.connections}, {last.rps:.0f}, {last.p99_ms:.0f}, {last.errors}"


def table(rows: list[dict]) -> str:
    header = f"{'':46}" + "".join(f"{str(r['processes']) + ' process(es)':>18}" for r in rows)
    lines = [header, "-" * len(header)]

    def line(label, cell):
        cells = []
        for r in rows:
            try:
                cells.append(f"{cell(r):>18}")
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append(f"{'—':>18}")
        lines.append(f"{label:46}" + "".join(cells))

    def per_request(key):
        return lambda r: f"{r['split']['per_request_ms'][key]:.1f}"

    line(
        "sustained req/s: p99 < limit, no errors",
        lambda r: f"{r['best'].rps:.1f}" if r["best"] else "none passed*",
    )
    line("  step shown: connections (+ live streams)",
         lambda r: f"{r['shown'].connections} (+{r['shown'].streams_open})")  # fmt: skip
    line("  req/s; p50 / p99 ms", lambda r: _latency_cell(r["shown"]))
    for c in CLASSES:
        line(f"  {c.label}: req/s (p99 ms)", lambda r, k=c.key: _class_cell(r["shown"], k))
    line("first failing step: conn, req/s, p99, errors", _failing_cell)
    lines.append("a request's time in the step shown (mean, ms):")
    line("  seen by the client", per_request("client"))
    line("  before Django (server queue, HTTP)", per_request("before_django"))
    line("  inside Django", per_request("django"))
    line("    Python (CPU of the request's thread)", per_request("python"))
    line("    database (in the driver's execute)", per_request("database"))
    line("    waiting (a core, the GIL, pool, Redis)", per_request("waiting"))
    line("  share: Python / database / waiting",
         lambda r: "{:.0%} / {:.0%} / {:.0%}".format(*_shares(r["split"])))  # fmt: skip
    line("  queries per request", lambda r: f"{r['split']['queries_per_request']:.1f}")
    line("CPU: server processes, of wall × processes",
         lambda r: f"{r['split']['server_cpu_share']:.0%}")  # fmt: skip
    line("CPU: PostgreSQL backends, in cores", lambda r: f"{r['split']['pg_cpu_share']:.2f}")
    line("PostgreSQL active backends: running / waiting",
         lambda r: _active_cell(r["shown"].timing["pg_active"]))  # fmt: skip
    line("CPU: server + PostgreSQL, in cores (of 2)",
         lambda r: f"{r['split']['cores_busy']:.2f}")  # fmt: skip
    return "\n".join(lines)


def _shares(split: dict) -> tuple[float, float, float]:
    ms = split["per_request_ms"]
    whole = ms["python"] + ms["database"] + ms["waiting"] + ms["before_django"]
    return (
        ms["python"] / whole,
        ms["database"] / whole,
        (ms["waiting"] + ms["before_django"]) / whole,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not any(os.access(Path(d) / "wrk", os.X_OK) for d in os.environ["PATH"].split(":")):
        sys.exit("bench.mix needs wrk (apt-get install wrk)")
    db_url = database_url(args.pg_url, args.posts, args.members)
    print(f"bench.mix: {args.posts:,} posts, {args.members:,} members "
          f"({db_url.rsplit('/', 1)[1]}); load: {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores", flush=True)  # fmt: skip
    python_module(
        "bench.seed", "--posts", str(args.posts), "--members", str(args.members),
        "--database-url", db_url, timeout=SEED_TIMEOUT,
    )  # fmt: skip
    info = json.loads(
        python_module(
            "bench.seed", "--print-info", "--database-url", db_url, timeout=60, capture=True
        )  # fmt: skip
    )
    python_module("bench.seed", "--reset", "--database-url", db_url, timeout=600)
    data = gather(db_url, info)
    rows = []
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="hearth-bench-mix-") as tmp:
        for n in (int(x) for x in args.processes.split(",")):
            row = run_processes(args, n, info, db_url, data, Path(tmp))
            # No step passed: show the lightest step's figures, marked as such.
            row["shown"] = row["best"] or (row["steps"][0] if row["steps"] else None)
            row["split"] = split_row(row["shown"], n)
            rows.append(row)
            loads.append(os.getloadavg()[0])
    usable = [r for r in rows if r["shown"] is not None]
    report = [
        "",
        f"Hearth mixed load — {datetime.now().isoformat(timespec='seconds')}",
        f"{args.posts:,} posts / {args.members:,} members; production mode (granian, psycopg "
        "pool, Redis); PostgreSQL and Redis on this machine; wrk, one per class, "
        f"{args.step_seconds:g} s per step; {args.streams} live streams held open",
        f"{os.cpu_count()} cores shared by the server, PostgreSQL, Redis, wrk and whatever "
        f"else runs: load average {min(loads):.1f}–{max(loads):.1f} during the run",
        "",
        table(usable) if usable else "nothing measured",
        "",
        waits(usable),
        "",
        f"limit: p99 over every request of the step < {args.p99_ms:g} ms and no errors "
        "(non-2xx/3xx, socket errors, timeouts). Python: CPU of the request's thread; "
        "database: time in the driver's execute; waiting: the rest inside Django, plus the "
        "time before Django (from the client's mean latency).",
    ]
    if any(r["best"] is None for r in usable):
        report.append(
            "* no step passed (the first already had p99 over the limit or errors): the "
            "figures shown are those of the first, lightest step."
        )
    text = "\n".join(report)
    print(text)
    OUT.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (OUT / f"mix-{stamp}.txt").write_text(text + "\n")
    dump = [{**r, "best": _dump(r["best"]), "steps": [_dump(s) for s in r["steps"]]} for r in rows]
    (OUT / f"mix-{stamp}.json").write_text(json.dumps(dump, indent=1, default=str))
    print(f"\n(saved in bench/out/mix-{stamp}.txt and .json)")
    return 0


def _dump(step: StepResult | None) -> dict | None:
    if step is None:
        return None
    return {
        "connections": step.connections, "rps": step.rps, "p50_ms": step.p50_ms,
        "p99_ms": step.p99_ms, "errors": step.errors, "streams_open": step.streams_open,
        "timing": step.timing,
        "classes": {k: {"rps": c.rps, "p99_ms": c.at(99), "errors": c.errors,
                        "requests": c.requests} for k, c in step.classes.items()},
    }  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
