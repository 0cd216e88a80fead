"""Which ASGI server, and does a second process help? (issue 15, issue 17)

Starts each server in turn with 1 and 2 processes on the small bench database, loads the
anonymous topic page and the framework floor (sized to the topic page) with wrk at
``--connections`` keep-alive connections, then with one connection for the latency of a
request served alone, and prints one table. Nothing is asserted.

    .venv/bin/python -m bench.servers                       # every server, 1 and 2 processes
    .venv/bin/python -m bench.servers --servers hearth,granian --duration 5

A server whose package is not installed is skipped with a message (gunicorn and
uvicorn-worker are not dependencies of Hearth; ``pip install --target DIR`` them and put
DIR on ``BENCH_EXTRA_PATH`` to include them).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import loadgen
from bench.run import HOST, ROOT, database_url, request

TOPIC = "/c/bench/t/the-big-benchmark-thread/1/"

# name -> (module that must be importable, command for N processes on a port)
SERVERS = {
    "hearth": (  # hearth serve --server uvicorn: TCP_NODELAY set on each connection
        "uvicorn",
        lambda n, port: ["-m", "hearth.cli", "serve", "--host", HOST, "--port", str(port),
                         "--workers", str(n), "--no-with-worker", "--no-collectstatic"],
    ),
    "hearth-granian": (
        "granian",
        lambda n, port: ["-m", "hearth.cli", "serve", "--host", HOST, "--port", str(port),
                         "--workers", str(n), "--server", "granian", "--no-with-worker",
                         "--no-collectstatic"],
    ),
    "uvicorn-plain": (
        "uvicorn",
        lambda n, port: ["-m", "uvicorn", "hearth.asgi:application", "--host", HOST,
                         "--port", str(port), "--workers", str(n), "--log-level", "warning"],
    ),
    "granian": (
        "granian",
        lambda n, port: ["-m", "granian", "--interface", "asgi", "--host", HOST,
                         "--port", str(port), "--workers", str(n), "--log-level", "warning",
                         "hearth.asgi:application"],
    ),
    "gunicorn-uvicorn": (
        "uvicorn_worker",
        lambda n, port: ["-m", "gunicorn", "-k", "uvicorn_worker.UvicornWorker", "-w", str(n),
                         "-b", f"{HOST}:{port}", "--log-level", "warning",
                         "hearth.asgi:application"],
    ),
    "gunicorn-sync-wsgi": (
        "gunicorn",
        lambda n, port: ["-m", "gunicorn", "-w", str(n), "-b", f"{HOST}:{port}",
                         "--log-level", "warning", "hearth.wsgi:application"],
    ),
}  # fmt: skip


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bench.servers", description=__doc__)
    p.add_argument("--servers", default=",".join(SERVERS))
    p.add_argument("--processes", default="1,2")
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--solo", type=float, default=4)
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--port", type=int, default=8851)
    p.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    )
    p.add_argument("--posts", type=int, default=10_000)
    p.add_argument("--members", type=int, default=1_000)
    return p.parse_args(argv)


def _importable(module: str, extra: str) -> bool:
    if importlib.util.find_spec(module) is not None:
        return True
    return bool(extra) and any(
        (Path(d) / module).exists() or (Path(d) / f"{module}.py").exists() for d in extra.split(":")
    )


def start(name: str, n: int, port: int, url: str, data_dir: Path) -> subprocess.Popen:
    extra = os.environ.get("BENCH_EXTRA_PATH", "")
    env = {
        **os.environ,
        "PYTHONPATH": ":".join(p for p in (extra, str(ROOT)) if p),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": url,
        "HEARTH_DATA_DIR": str(data_dir),
        "HEARTH_ENV": "embedded",
        "HEARTH_DEBUG": "0",
    }
    log = open(data_dir / "server.log", "w")  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, *SERVERS[name][1](n, port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((data_dir / "server.log").read_text()[-2000:])
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"{name} did not answer in 60 s")


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def measure(args, port: int, path: str) -> tuple[loadgen.Result, loadgen.Result]:
    url = f"http://{HOST}:{port}{path}"
    loadgen.run(url, duration=2, connections=args.connections)  # warm-up
    loaded = loadgen.run(url, duration=args.duration, connections=args.connections)
    alone = loadgen.run(url, duration=args.solo, connections=1)
    return loaded, alone


def main(argv=None) -> int:
    args = parse_args(argv)
    if not loadgen.wrk_path():
        sys.exit("bench.servers needs wrk (apt-get install wrk)")
    url = database_url(args.pg_url, args.posts, args.members)
    extra = os.environ.get("BENCH_EXTRA_PATH", "")
    rows = []
    print(f"{'server':20} {'proc':>4} {'page':6} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'alone p50':>9} {'errors':>6}", flush=True)  # fmt: skip
    for name in args.servers.split(","):
        if not _importable(SERVERS[name][0], extra):
            print(f"{name}: {SERVERS[name][0]} is not installed; skipped", flush=True)
            continue
        for n in (int(x) for x in args.processes.split(",")):
            with socket.socket() as probe:
                if probe.connect_ex((HOST, args.port)) == 0:
                    sys.exit(f"port {args.port} is in use")
            with tempfile.TemporaryDirectory(prefix="hearth-bench-servers-") as tmp:
                process = start(name, n, args.port, url, Path(tmp))
                try:
                    topic_bytes = len(request(args.port, "GET", TOPIC)[2])
                    for label, path in (
                        ("floor", f"/__floor__?bytes={topic_bytes}"),
                        ("topic", TOPIC),
                    ):
                        loaded, alone = measure(args, args.port, path)
                        row = (name, n, label, loaded.rps, loaded.p50_ms, loaded.p99_ms,
                               alone.p50_ms, loaded.errors + alone.errors)  # fmt: skip
                        rows.append(row)
                        print(f"{row[0]:20} {row[1]:>4} {row[2]:6} {row[3]:>7.1f} {row[4]:>7.1f} "
                              f"{row[5]:>7.1f} {row[6]:>9.1f} {row[7]:>6}", flush=True)  # fmt: skip
                finally:
                    stop(process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
