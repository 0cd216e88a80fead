"""A minimal ASGI client for streams: send one GET to Hearth's ASGI application, read the
body as it comes and hang up once the test has seen what it waited for."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from hearth.asgi import application

WAIT = 10  # seconds: a bound for a test that would otherwise hang, never a delay


@dataclass
class Streamed:
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    text: str = ""
    ended: bool = False  # the server closed the stream itself

    def events(self) -> list[dict[str, str]]:
        """The events received, as {"id", "event", "data"} (comments and retry left out)."""
        found = []
        for block in self.text.split("\n\n"):
            fields = {}
            for line in block.splitlines():
                name, _, value = line.partition(": ")
                if name in ("id", "event", "data"):
                    fields[name] = value
            if "event" in fields:
                found.append(fields)
        return found


async def stream(
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    until: Callable[[Streamed], bool] = lambda s: False,
    on_open: Callable[[], Awaitable[None]] | None = None,
) -> Streamed:
    """GET ``path``; ``on_open`` runs once the first body bytes arrived; the client hangs
    up when ``until(result)`` is true (or the server ends the response)."""
    path, _, query = path.partition("?")
    raw_headers = [(b"host", b"testserver")]
    if cookies:
        raw_headers.append((b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()).encode()))
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    result = Streamed()
    hang_up = asyncio.Event()
    requested = False
    opened = False
    pending: list[asyncio.Task] = []

    async def receive():
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await hang_up.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        nonlocal opened
        if message["type"] == "http.response.start":
            result.status = message["status"]
            result.headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
            return
        result.text += message.get("body", b"").decode()
        if not message.get("more_body", False):
            result.ended = True
            hang_up.set()
            return
        if not opened:
            opened = True
            if on_open is not None:
                task = asyncio.create_task(on_open())
                # A failing on_open ends the wait; its error is raised below.
                task.add_done_callback(lambda t: t.exception() and hang_up.set())
                pending.append(task)
        if until(result):
            hang_up.set()

    await asyncio.wait_for(application(scope, receive, send), WAIT)
    for task in pending:
        await task
    return result
