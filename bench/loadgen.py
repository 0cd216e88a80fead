"""Load generators: Debian's ``wrk`` when installed, else a small threaded Python client.

Both keep ``connections`` keep-alive connections busy for ``duration`` seconds against one
URL on 127.0.0.1 and report requests/second, latency percentiles and how many responses
were not 2xx/3xx. Neither follows redirects (a reply's 302 is its answer)."""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench.pages import REPLY_BODY

WRK_SCRIPT = Path(__file__).resolve().parent / "wrk" / "reply.lua"
MAX_REQUESTS_PER_CONNECTION = 1_000_000  # a bound on the Python client's loop


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers, socket errors and timeouts
    tool: str


def _only_loopback(url: str) -> None:
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the benchmark only loads 127.0.0.1, not {url}")


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run(
    url: str,
    *,
    duration: float,
    connections: int,
    headers: dict[str, str] | None = None,
    post: bool = False,
    tool: str = "auto",
) -> Result:
    _only_loopback(url)
    if tool == "wrk" or (tool == "auto" and wrk_path()):
        return run_wrk(url, duration=duration, connections=connections, headers=headers, post=post)
    return run_python(url, duration=duration, connections=connections, headers=headers, post=post)


# wrk --------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unreadable wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> Result:
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)\s*$", output, re.M))
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    if not (rps and total and "50" in percentiles and "99" in percentiles):
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(m.group(1))
    if m := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(g) for g in m.groups())
    return Result(
        rps=float(rps.group(1)),
        p50_ms=_ms(percentiles["50"]),
        p99_ms=_ms(percentiles["99"]),
        requests=int(total.group(1)),
        errors=errors,
        tool="wrk",
    )


def run_wrk(url, *, duration, connections, headers=None, post=False) -> Result:
    command = [
        wrk_path() or "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s",
        "--timeout", "10s", "--latency",
    ]  # fmt: skip
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if post:
        command += ["-s", str(WRK_SCRIPT), url, "--", uuid.uuid4().hex[:12], _form_body()]
    else:
        command.append(url)
    done = subprocess.run(  # noqa: S603 -- our own arguments
        command, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def _form_body() -> str:
    return urlencode({"body": REPLY_BODY})[len("body=") :]


# Python fallback --------------------------------------------------------------------------


def run_python(url, *, duration, connections, headers=None, post=False) -> Result:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    deadline = time.monotonic() + duration
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    nonce = uuid.uuid4().hex[:12]

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=10)
        sent = 0
        while time.monotonic() < deadline and sent < MAX_REQUESTS_PER_CONNECTION:
            sent += 1
            body, request_headers = None, dict(headers or {})
            if post:
                body = f"body={_form_body()}&client_token={nonce}-{n}-{sent}"
                request_headers["Content-Type"] = "application/x-www-form-urlencoded"
            started = time.perf_counter()
            try:
                conn.request("POST" if post else "GET", path, body=body, headers=request_headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors[n] += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=10)
                continue
            latencies[n].append((time.perf_counter() - started) * 1000)
            if not 200 <= response.status < 400:
                errors[n] += 1
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 30)
    elapsed = time.monotonic() - started
    every = sorted(ms for per in latencies for ms in per)
    if not every:
        raise RuntimeError(f"no request to {url} completed")

    def pct(q: float) -> float:
        return every[min(len(every) - 1, int(q * len(every)))]

    return Result(
        rps=len(every) / elapsed,
        p50_ms=pct(0.50),
        p99_ms=pct(0.99),
        requests=len(every),
        errors=sum(errors),
        tool="python",
    )
