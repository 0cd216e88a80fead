"""Live pages: how long a reply takes to reach open Server-Sent Event streams, with 1,000
streams open, on a real ``hearth serve`` (uvicorn, one process).

    .venv/bin/python -m bench.live                    # in-process broadcaster, then Redis
    .venv/bin/python -m bench.live --streams 2000 --replies 50 --backends memory

A throwaway embedded install (SQLite in a temporary data directory) gets a community, a
member and a public topic; ``hearth serve`` starts on it (no background worker). The
benchmark opens ``--streams`` anonymous streams on the topic plus one for the signed-in
member, then the owner posts ``--replies`` replies through the reply form, one after another.
For each it records when the POST was sent, when its answer came back, when the member's
stream announced the post, and when the last of all the streams had it. With ``redis`` the
server runs with ``REDIS_URL`` (Redis at 127.0.0.1:6379, or ``BENCH_REDIS_URL``).

Every stream here receives every reply (the worst case for fan-out); the client holding the
1,000 sockets is one Python process on the same machine, so the "all streams" column
includes its own time to read them. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from bench.run import HOST, ROOT, request, sign_in

PORT = int(os.environ.get("BENCH_LIVE_PORT", "8871"))
PASSWORD = "bench-live-password"


def setup_install(data_dir: Path) -> dict:
    """Migrate a fresh embedded database and create the community, people and topic."""
    os.environ.update(
        HEARTH_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="hearth.settings",
        HEARTH_ENV="embedded",
    )
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from hearth.discussions import services
    from hearth.discussions.models import Category
    from hearth.testing.factories import (
        actor_for,
        community_factory,
        membership_factory,
        user_factory,
    )

    owner = user_factory(username="owner")
    owner.set_password(PASSWORD)
    owner.save()
    community = community_factory(owner=owner, slug="live", name="Live bench")
    member = membership_factory(community, user=user_factory(username="reader"), trust_level=1).user
    member.set_password(PASSWORD)
    member.save()
    general = Category.objects.get(community=community, slug="general")
    topic = services.topic_create(
        actor=actor_for(owner, community), category=general, title="Live", body="Watch this"
    )
    return {"community": community.slug, "topic": topic.pk}


class Serve:
    """``hearth serve`` in its own process group, stopped with it."""

    def __init__(self, data_dir: Path, extra_env: dict[str, str]):
        self.data_dir, self.extra_env = data_dir, extra_env
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Serve:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "HEARTH_DATA_DIR": str(self.data_dir),
            "HEARTH_LIVE_MAX_STREAMS": "100000",
            "HEARTH_LIVE_MAX_STREAMS_PER_USER": "100000",
            **self.extra_env,
        }
        log = open(self.data_dir / "serve.log", "w")  # noqa: SIM115 -- closed with the process
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "hearth.cli", "serve", "--host", HOST, "--port", str(PORT),
             "--no-with-worker", "--no-collectstatic"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(PORT, "GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        sys.exit("bench.live: the server did not start; see serve.log")

    def footprint(self) -> tuple[float, int]:
        """The server process's resident memory (MiB) and thread count."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines())
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["Threads"])

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Stream:
    """One SSE client: records when it first saw each post number."""

    def __init__(self):
        self.seen: dict[int, float] = {}
        self.arrived: dict[int, asyncio.Event] = {}
        self.task: asyncio.Task | None = None

    def event_for(self, number: int) -> asyncio.Event:
        return self.arrived.setdefault(number, asyncio.Event())

    async def open(self, path: str, cookie: str = "") -> None:
        reader, writer = await asyncio.open_connection(HOST, PORT)
        headers = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept: text/event-stream\r\n"
        if cookie:
            headers += f"Cookie: {cookie}\r\n"
        writer.write((headers + "\r\n").encode())
        await writer.drain()
        status = await reader.readline()
        if b" 200 " not in status:
            raise RuntimeError(f"stream refused: {status!r}")
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        self.task = asyncio.create_task(self._read(reader, writer))

    async def _read(self, reader, writer) -> None:
        event = None
        try:
            while line := await reader.readline():
                if line.startswith(b"event: "):
                    event = line[7:].strip()
                elif line.startswith(b"data: ") and event == b"post.created":
                    number = int(line.split(b'"number":')[1].split(b"}")[0])
                    self.seen.setdefault(number, time.perf_counter())
                    self.event_for(number).set()
        finally:
            writer.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(setup: dict, streams: int, replies: int, serve: Serve) -> dict:
    community, topic = setup["community"], setup["topic"]
    path = f"/c/{community}/live?topic={topic}"
    reader_cookies = sign_in(PORT, "reader", PASSWORD)
    owner = sign_in(PORT, "owner", PASSWORD)
    headers = {
        "Cookie": f"sessionid={owner['sessionid']}; csrftoken={owner['csrftoken']}",
        "X-CSRFToken": owner["csrftoken"],
        "Content-Type": "application/x-www-form-urlencoded",
    }
    member = Stream()
    await member.open(path, f"sessionid={reader_cookies['sessionid']}")
    # The same replies with the member's stream alone, for comparison.
    baseline = await replies_timed(community, topic, headers, member, [], 2, replies)
    started = time.perf_counter()
    idle = [Stream() for _ in range(streams)]
    for batch in range(0, streams, 100):  # do not flood the listen backlog
        await asyncio.gather(*(s.open(path) for s in idle[batch : batch + 100]))
    opened_in = time.perf_counter() - started
    rss, threads = serve.footprint()
    loaded = await replies_timed(community, topic, headers, member, idle, replies + 2, replies)
    for s in [*idle, member]:
        s.task.cancel()
    return {
        "opened_in": opened_in,
        "rss": rss,
        "threads": threads,
        "baseline": baseline,
        **loaded,
    }


async def replies_timed(community, topic, headers, member, idle, first, count) -> dict:
    post_ms, member_ms, all_ms = [], [], []
    for number in range(first, first + count):
        body = urlencode({"body": f"Reply {number}", "client_token": uuid.uuid4().hex})
        sent = time.perf_counter()
        status, _h, _b = await asyncio.to_thread(
            request, PORT, "POST", f"/c/{community}/t/{topic}/reply", headers=headers, body=body
        )
        answered = time.perf_counter()
        if status != 302:
            raise RuntimeError(f"the reply answered {status}")
        await asyncio.wait_for(member.event_for(number).wait(), 30)
        await asyncio.wait_for(asyncio.gather(*(s.event_for(number).wait() for s in idle)), 60)
        post_ms.append((answered - sent) * 1000)
        member_ms.append((member.seen[number] - sent) * 1000)
        all_ms.append((max(s.seen[number] for s in [member, *idle]) - sent) * 1000)
    return {"post": post_ms, "member": member_ms, "all": all_ms}


def report(backend: str, streams: int, result: dict) -> str:
    def cell(values):
        return (
            f"{statistics.median(values):7.1f} {percentile(values, 0.95):7.1f} {max(values):7.1f}"
        )

    return "\n".join(
        [
            f"{backend}: {streams} streams opened in {result['opened_in']:.1f} s; server "
            f"{result['rss']:.0f} MiB resident, {result['threads']} threads",
            f"  {'ms from sending the reply':34} {'p50':>7} {'p95':>7} {'max':>7}",
            f"  {'1 stream: reply answered (302)':34} {cell(result['baseline']['post'])}",
            f"  {'1 stream: stream announces it':34} {cell(result['baseline']['member'])}",
            f"  {f'{streams + 1} streams: reply answered':34} {cell(result['post'])}",
            f"  {f'{streams + 1} streams: member has it':34} {cell(result['member'])}",
            f"  {f'{streams + 1} streams: all have it':34} {cell(result['all'])}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.live")
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--replies", type=int, default=30)
    parser.add_argument("--backends", default="memory,redis")
    args = parser.parse_args(argv)
    data_dir = Path(tempfile.mkdtemp(prefix="hearth-bench-live-"))
    try:
        setup = setup_install(data_dir)
        for backend in args.backends.split(","):
            extra = {"HEARTH_LIVE_BACKEND": backend}
            if backend == "redis":
                extra["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
                extra["HEARTH_LIVE_REDIS_PREFIX"] = f"hearth:bench:{uuid.uuid4().hex}:"
            with Serve(data_dir, extra) as serve:
                result = asyncio.run(measure(setup, args.streams, args.replies, serve))
            print(report(backend, args.streams, result), flush=True)
            setup_topic_reset(setup)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


def setup_topic_reset(setup: dict) -> None:
    """A new topic for the next backend, so post numbers start at 2 again."""
    from hearth.accounts.models import User
    from hearth.communities.models import Community
    from hearth.discussions import services
    from hearth.discussions.models import Category
    from hearth.testing.factories import actor_for

    community = Community.objects.get(slug=setup["community"])
    general = Category.objects.get(community=community, slug="general")
    topic = services.topic_create(
        actor=actor_for(User.objects.get(username="owner"), community),
        category=general,
        title="Live",
        body="Again",
    )
    setup["topic"] = topic.pk


if __name__ == "__main__":
    sys.exit(main())
