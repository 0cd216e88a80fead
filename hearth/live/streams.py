"""Server-Sent Event responses over the broadcaster.

A stream is authorised once, by the view that opens it, and lives at most
``HEARTH_LIVE_STREAM_SECONDS``; the browser then reconnects (with ``Last-Event-ID``, so
nothing is lost) and the view decides again, so a member who lost access stops hearing
about a topic within that time. What a stream carries is ids and counts only.

Each open stream holds a slot: ``HEARTH_LIVE_MAX_STREAMS`` per process and
``HEARTH_LIVE_MAX_STREAMS_PER_USER`` per member (per address for visitors) in a process.
Past either, the stream is refused with 429 and the page simply stays as it was loaded."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import Counter
from collections.abc import AsyncIterator, Callable

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections
from django.http import HttpResponse, StreamingHttpResponse

from hearth.core.client_ip import client_ip
from hearth.live.broadcast import Message, get_broadcaster, unavailable_errors

KEEPALIVE_SECONDS = 15
RETRY_MILLISECONDS = 3000
PAUSED_RETRY_MILLISECONDS = 15_000  # while Redis is stopped

logger = logging.getLogger(__name__)

MessageFilter = Callable[[Message], bool]


class StreamSlots:
    """Counts of open streams in this process, in total and per holder."""

    def __init__(self):
        self._lock = threading.Lock()
        self._held: Counter[str] = Counter()
        self.total = 0

    def acquire(self, holder: str) -> bool:
        with self._lock:
            if (
                self.total >= settings.HEARTH_LIVE_MAX_STREAMS
                or self._held[holder] >= settings.HEARTH_LIVE_MAX_STREAMS_PER_USER
            ):
                return False
            self.total += 1
            self._held[holder] += 1
        _live_gauge().inc()
        return True

    def release(self, holder: str) -> None:
        with self._lock:
            self.total -= 1
            self._held[holder] -= 1
            if self._held[holder] <= 0:
                del self._held[holder]
        _live_gauge().dec()


def _live_gauge():
    from hearth.core.metrics import LIVE_STREAMS  # on first use: see its docstring

    return LIVE_STREAMS


slots = StreamSlots()


def format_event(message: Message, event_id: str) -> str:
    return f"id: {event_id}\nevent: {message.event}\ndata: {message.data_json}\n\n"


def gap_event(event_id: str) -> str:
    """Some messages are gone from the history: the page should refresh what it shows."""
    return f"id: {event_id}\nevent: live.gap\ndata: {{}}\n\n"


async def event_stream(
    channels: list[str],
    last_event_id: str | None,
    *,
    accept: MessageFilter,
    release: Callable[[], None],
) -> AsyncIterator[str]:
    try:
        # The view's database connection is not needed while the stream is open; with
        # 1,000 streams it would be 1,000 idle connections. Same thread as the view.
        await sync_to_async(connections.close_all)()
        broadcaster = get_broadcaster()
        loop = asyncio.get_running_loop()
        ends_at = loop.time() + settings.HEARTH_LIVE_STREAM_SECONDS
        try:
            async with broadcaster.subscribe(channels, last_event_id) as subscription:
                # The first bytes make the proxy and the browser see the stream is open.
                yield f"retry: {RETRY_MILLISECONDS}\n: open\n\n"
                backoff = 0.0  # while Redis fails mid-stream: seconds until the next try
                while True:
                    try:
                        taken = await broadcaster.take(subscription)
                        backoff = 0.0
                    except unavailable_errors() as exc:
                        # Redis restarting: keep the stream, catch up from its history
                        # once it answers (the listener also wakes us when it is back).
                        logger.warning("Live stream waiting for the broadcaster: %s", exc)
                        subscription.lost = True
                        taken, backoff = [], min(max(backoff * 2, 0.25), KEEPALIVE_SECONDS)
                    chunks = [
                        format_event(message, event_id)
                        for message, event_id in taken
                        if accept(message)
                    ]
                    if subscription.gap:
                        subscription.gap = False
                        chunks.append(gap_event(subscription.last_event_id))
                    if chunks:
                        yield "".join(chunks)
                    remaining = ends_at - loop.time()
                    if remaining <= 0:
                        return
                    if not await subscription.wait(min(backoff or KEEPALIVE_SECONDS, remaining)):
                        yield ": keep-alive\n\n"
        except unavailable_errors() as exc:
            # Redis is stopped: live updates pause. The stream ends with a longer retry;
            # the browser comes back (with Last-Event-ID) and resumes once Redis answers.
            logger.warning("Live stream paused, the broadcaster is unavailable: %s", exc)
            yield f"retry: {PAUSED_RETRY_MILLISECONDS}\n: paused\n\n"
    finally:
        release()


def stream_response(
    request, channels: list[str], *, accept: MessageFilter | None = None
) -> HttpResponse:
    """The SSE response for ``channels`` (already authorised), or 429 past the limits."""
    user = request.user
    holder = f"user:{user.pk}" if user.is_authenticated else f"ip:{client_ip(request)}"
    if not slots.acquire(holder):
        response = HttpResponse("Too many live streams are open.", status=429)
        response["Retry-After"] = "60"
        return response
    released = threading.Event()

    def release() -> None:
        if not released.is_set():
            released.set()
            slots.release(holder)

    response = StreamingHttpResponse(
        event_stream(
            channels,
            request.headers.get("Last-Event-ID"),
            accept=accept or (lambda message: True),
            release=release,
        ),
        content_type="text/event-stream; charset=utf-8",
    )
    # A stream the server never started to send still gives its slot back when closed.
    response._resource_closers.append(release)
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: do not buffer this response
    return response
