"""The live broadcaster: sync code publishes after commit, Server-Sent Event streams read.

    from hearth.live.broadcast import publish
    publish(f"user:{user.pk}", "notifications.count", {"unread": 3})

``publish`` waits for the current transaction to commit (``transaction.on_commit``) and
never raises: the write it announces is already saved, and a page that missed an update is
still right after a reload.

Two backends, chosen by ``HEARTH_LIVE_BACKEND`` (see docs/dev/live.md):

``memory`` (one process, the embedded default)
    Ids come from one counter per process; each channel keeps its last ``REPLAY_SIZE``
    messages, for ``MAX_CHANNELS`` channels at most (least recently used go first), so a
    stream reconnecting with ``Last-Event-ID`` gets what it missed.
``redis`` (several processes, when ``REDIS_URL`` is set)
    Each channel is a Redis Stream (``XADD ... MAXLEN ~ REPLAY_SIZE``, expiring a day after
    its last message): its ids order the channel and ``XRANGE`` replays it. The same Lua
    call publishes the message on one pub/sub channel, which one listener per process reads
    and hands to the local streams; so 1,000 open streams cost one Redis connection, not
    1,000 blocking ``XREAD``s.

Either way a stream's ``Last-Event-ID`` holds its position in each of its channels; when
the history no longer reaches back that far the stream is told (``live.gap``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import secrets
import threading
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from functools import cached_property, partial

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

REPLAY_SIZE = 200  # messages kept per channel for reconnecting streams
MAX_CHANNELS = 10_000  # memory backend: channels whose history is kept
STREAM_TTL_SECONDS = 24 * 3600  # redis backend: a channel quiet this long is dropped
NO_POSITION = (0, 0)
CLOSE_TIMEOUT_SECONDS = 2  # redis backend: closing the listener's connection
LISTEN_POLL_SECONDS = 1  # redis backend: how often the listener checks it was asked to stop


@dataclass(frozen=True)
class Message:
    channel: str
    id: str  # ordered within its channel; see position()
    event: str
    data: dict
    position: tuple[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        # Parsed once here: every stream on the channel compares it with its own position.
        object.__setattr__(self, "position", position(self.id))

    @cached_property
    def data_json(self) -> str:
        """The data as sent on streams, serialised once for all of them."""
        return json.dumps(self.data, separators=(",", ":"))


def position(message_id: str) -> tuple[int, int]:
    """The order of an id in its channel: "17" (memory) or "1712345678901-3" (Redis).
    Raises ValueError for anything else."""
    first, dash, second = message_id.partition("-")
    if not first.isdecimal() or (dash and not second.isdecimal()) or len(message_id) > 40:
        raise ValueError(message_id)
    return int(first), int(second or 0)


def unavailable_errors() -> tuple[type[BaseException], ...]:
    """What a broadcaster raises while its backend is out of reach (Redis stopped)."""
    import redis

    return (redis.RedisError, OSError)


def publish(channel: str, event_type: str, data: dict) -> None:
    """Announce ``event_type`` with ``data`` (ids and counts, JSON-serialisable) on
    ``channel`` once the current transaction commits; at once outside one."""
    if not channel or not event_type or any(c.isspace() for c in channel + event_type):
        raise ValueError("channel and event type are single words")
    payload = json.dumps(data, separators=(",", ":"))
    transaction.on_commit(partial(_publish_now, channel, event_type, payload))


def _publish_now(channel: str, event_type: str, payload: str) -> None:
    try:
        get_broadcaster().publish(channel, event_type, payload)
    except unavailable_errors() as exc:
        # Redis is stopped: live pages pause; a stream that reconnects later replays what
        # Redis still holds, or is told of the gap and refreshes.
        logger.warning("Could not publish %s on %s: %s", event_type, channel, exc)
    except Exception:
        logger.exception("Could not publish %s on %s", event_type, channel)


class Subscription:
    """One stream's view of its channels: where it is in each, and a wake-up in its loop."""

    def __init__(self, hub: Hub, channels: list[str], ids: dict[str, str], epoch: str):
        self.hub = hub
        self.channels = channels
        self.ids = ids
        self.epoch = epoch
        self.gap = False  # some message newer than our position is gone from the history
        self.lost = False  # this process's history skipped past us: recover from the source
        self._loop = asyncio.get_running_loop()
        self._wakeup = asyncio.Event()

    @property
    def last_event_id(self) -> str:
        return f"{self.epoch}:{','.join(self.ids[c] for c in self.channels)}"

    def wake(self) -> None:
        """Thread-safe."""
        with contextlib.suppress(RuntimeError):  # the stream's loop is closed: it is gone
            self._loop.call_soon_threadsafe(self._wakeup.set)

    async def wait(self, timeout: float) -> bool:
        """Wait for a message (or a resync) up to ``timeout`` seconds; False if none came."""
        try:
            await asyncio.wait_for(self._wakeup.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def advance(self, messages: Iterable[Message]) -> list[tuple[Message, str]]:
        """Each message newer than our position, with the Last-Event-ID after it."""
        out = []
        for message in messages:
            if message.position > position(self.ids[message.channel]):
                self.ids[message.channel] = message.id
                out.append((message, self.last_event_id))
        return out

    def take(self) -> list[tuple[Message, str]]:
        """What arrived in this process since our position, oldest first."""
        self._wakeup.clear()
        messages = []
        for channel in self.channels:
            found, lost = self.hub.after(channel, position(self.ids[channel]))
            self.lost = self.lost or lost
            messages.extend(found)
        return self.advance(sorted(messages, key=lambda m: m.position))


class Hub:
    """This process's subscriptions and the recent messages of its channels. ``deliver``
    may be called from any thread; subscriptions are woken in their own event loop."""

    def __init__(self, *, keep_unwatched: bool, replay_size: int | None = None):
        self._lock = threading.Lock()
        self._keep_unwatched = keep_unwatched
        self._replay_size = replay_size or REPLAY_SIZE
        self._history: OrderedDict[str, deque[Message]] = OrderedDict()
        self._trimmed: dict[str, tuple[int, int]] = {}  # newest message dropped, per channel
        self._forgotten = NO_POSITION  # newest message of a channel dropped whole
        self._subscriptions: dict[str, set[Subscription]] = {}

    def deliver(self, message: Message) -> None:
        channel = message.channel
        with self._lock:
            watchers = list(self._subscriptions.get(channel, ()))
            if not watchers and not self._keep_unwatched:
                return
            history = self._history.get(channel)
            if history is None:
                history = self._history[channel] = deque(maxlen=self._replay_size)
            else:
                self._history.move_to_end(channel)
            if len(history) == history.maxlen:
                self._trimmed[channel] = history[0].position
            history.append(message)
            while len(self._history) > MAX_CHANNELS:
                old_channel, old = self._history.popitem(last=False)
                self._trimmed.pop(old_channel, None)
                self._forgotten = max(self._forgotten, old[-1].position)
        for subscription in watchers:
            subscription.wake()

    def after(self, channel: str, cursor: tuple[int, int]) -> tuple[list[Message], bool]:
        """Messages newer than ``cursor``, and whether some newer ones were dropped."""
        with self._lock:
            history = self._history.get(channel)
            if history is None:
                return [], cursor < self._forgotten
            found = []
            for message in reversed(history):  # newest first: usually only one is new
                if message.position <= cursor:
                    break
                found.append(message)
            found.reverse()
            return found, cursor < self._trimmed.get(channel, NO_POSITION)

    def add(self, subscription: Subscription) -> None:
        with self._lock:
            for channel in subscription.channels:
                self._subscriptions.setdefault(channel, set()).add(subscription)

    def remove(self, subscription: Subscription) -> None:
        with self._lock:
            for channel in subscription.channels:
                watchers = self._subscriptions.get(channel)
                if watchers is None:
                    continue
                watchers.discard(subscription)
                if not watchers:
                    del self._subscriptions[channel]
                    if not self._keep_unwatched:
                        self._history.pop(channel, None)
                        self._trimmed.pop(channel, None)

    def wake_all(self, *, lost: bool) -> None:
        with self._lock:
            everyone = {s for watchers in self._subscriptions.values() for s in watchers}
        for subscription in everyone:
            subscription.lost = subscription.lost or lost
            subscription.wake()

    def subscription_count(self) -> int:
        with self._lock:
            return len({s for watchers in self._subscriptions.values() for s in watchers})


def parse_last_event_id(value: str | None, epoch: str, channels: list[str]) -> list[str] | None:
    """The positions a ``Last-Event-ID`` names for ``channels``, or None if it names none
    of ours (absent, garbled, another process's or another stream's)."""
    if not value:
        return None
    found_epoch, _, positions = value.partition(":")
    ids = positions.split(",")
    if found_epoch != epoch or len(ids) != len(channels):
        return None
    try:
        for message_id in ids:
            position(message_id)
    except ValueError:
        return None
    return ids


class MemoryBroadcaster:
    """One process: publish and stream in the same memory."""

    def __init__(self):
        # Ids restart with the process, so a Last-Event-ID from an earlier one is refused.
        self.epoch = "m" + secrets.token_hex(4)
        self.hub = Hub(keep_unwatched=True)
        self._counter = itertools.count(1)
        self._last = 0
        self._lock = threading.Lock()

    def publish(self, channel: str, event_type: str, payload: str) -> None:
        with self._lock:  # ids enter the history in order
            self._last = next(self._counter)
            message = Message(channel, str(self._last), event_type, json.loads(payload))
            self.hub.deliver(message)

    @contextlib.asynccontextmanager
    async def subscribe(
        self, channels: list[str], last_event_id: str | None
    ) -> AsyncIterator[Subscription]:
        resumed = parse_last_event_id(last_event_id, self.epoch, channels)
        now = str(self._last)
        ids = dict(zip(channels, resumed or [now] * len(channels), strict=True))
        subscription = Subscription(self.hub, channels, ids, self.epoch)
        subscription.gap = bool(last_event_id) and resumed is None
        self.hub.add(subscription)
        try:
            yield subscription
        finally:
            self.hub.remove(subscription)

    async def take(self, subscription: Subscription) -> list[tuple[Message, str]]:
        batch = subscription.take()
        if subscription.lost:
            subscription.lost, subscription.gap = False, True
        return batch


REDIS_PUBLISH = """
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*',
                      'event', ARGV[3], 'data', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('PUBLISH', ARGV[5], ARGV[6] .. '\\n' .. id .. '\\n' .. ARGV[3] .. '\\n' .. ARGV[4])
return id
"""


class RedisBroadcaster:
    """Several processes: Redis Streams for order and replay, one pub/sub channel to wake
    each process's listener."""

    epoch = "r"  # Redis keeps the ids across restarts of the app

    def __init__(self, url: str, prefix: str):
        import redis

        self.url = url
        self.prefix = prefix
        self.notify_channel = f"{prefix}notify"
        self.hub = Hub(keep_unwatched=False)
        self._sync = redis.Redis.from_url(url)
        self._script = self._sync.register_script(REDIS_PUBLISH)
        self._loop = None
        self._client = None
        self._listener: asyncio.Task | None = None
        self._listening = None

    def key(self, channel: str) -> str:
        return f"{self.prefix}{channel}"

    def publish(self, channel: str, event_type: str, payload: str) -> None:
        self._script(
            keys=[self.key(channel)],
            args=[
                REPLAY_SIZE,
                STREAM_TTL_SECONDS,
                event_type,
                payload,
                self.notify_channel,
                channel,
            ],
        )

    def _async_client(self):
        """The asyncio client and the pub/sub listener of the running loop (one per process
        under uvicorn; tests run several loops one after another)."""
        import redis.asyncio

        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop = loop
            self._client = redis.asyncio.Redis.from_url(self.url)
            self._listening = asyncio.Event()
            self._listener = loop.create_task(self._listen(), name="hearth-live-listener")
        return self._client

    async def _listen(self) -> None:
        import redis.asyncio

        delay = 0.5
        while True:
            client = redis.asyncio.Redis.from_url(self.url)
            pubsub = client.pubsub()
            try:
                await pubsub.subscribe(self.notify_channel)
                # Whatever was published while nobody listened is read from the streams.
                self.hub.wake_all(lost=True)
                self._listening.set()
                delay = 0.5
                while True:
                    raw = await pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=LISTEN_POLL_SECONDS
                    )
                    if raw is not None:
                        self.hub.deliver(self._decode(raw["data"]))
                    _raise_if_cancelled()
            except asyncio.CancelledError:
                raise
            except Exception:
                _raise_if_cancelled()
                logger.warning("Live updates: Redis listener lost; retrying", exc_info=True)
                self._listening.clear()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
            finally:
                # Bounded: a close that waits on a dead socket must not hold up the loop's
                # shutdown (a cancelled listener finishes here).
                for close in (pubsub.aclose, client.aclose):
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(close(), CLOSE_TIMEOUT_SECONDS)

    @staticmethod
    def _decode(raw: bytes) -> Message:
        channel, message_id, event, payload = raw.decode().split("\n", 3)
        return Message(channel, message_id, event, json.loads(payload))

    async def wait_until_listening(self) -> None:
        self._async_client()
        await self._listening.wait()

    @contextlib.asynccontextmanager
    async def subscribe(
        self, channels: list[str], last_event_id: str | None
    ) -> AsyncIterator[Subscription]:
        client = self._async_client()
        resumed = parse_last_event_id(last_event_id, self.epoch, channels)
        subscription = Subscription(self.hub, channels, dict.fromkeys(channels, "0-0"), self.epoch)
        # Listen before reading where the channels stand, so nothing falls in between.
        self.hub.add(subscription)
        try:
            if resumed is None:
                subscription.gap = bool(last_event_id)
                for channel in channels:
                    newest = await client.xrevrange(self.key(channel), count=1)
                    subscription.ids[channel] = newest[0][0].decode() if newest else "0-0"
            else:
                subscription.ids.update(zip(channels, resumed, strict=True))
                subscription.lost = True  # replay from the streams on the first take
            yield subscription
        finally:
            self.hub.remove(subscription)

    async def take(self, subscription: Subscription) -> list[tuple[Message, str]]:
        replayed: list[tuple[Message, str]] = []
        if subscription.lost:
            subscription.lost = False
            replayed = await self._replay(subscription)
        return replayed + subscription.take()

    async def _replay(self, subscription: Subscription) -> list[tuple[Message, str]]:
        client = self._async_client()
        messages = []
        for channel in subscription.channels:
            key, since = self.key(channel), subscription.ids[channel]
            # The stream is bounded (MAXLEN ~ REPLAY_SIZE), so is what it replays.
            entries = await client.xrange(key, min=f"({since}")
            if await self._trimmed_past(client, key, since):
                subscription.gap = True
            for entry_id, fields in entries:
                messages.append(
                    Message(
                        channel,
                        entry_id.decode(),
                        fields[b"event"].decode(),
                        json.loads(fields[b"data"]),
                    )
                )
        return subscription.advance(sorted(messages, key=lambda m: m.position))

    @staticmethod
    async def _trimmed_past(client, key: str, since: str) -> bool:
        """Whether trimming (``MAXLEN``) or expiry dropped a message newer than ``since``.
        Trimming drops the oldest first, so nothing after ``since`` is gone while ``since``
        itself is still there (or, from the start, while none was ever dropped)."""
        import redis

        try:
            info = await client.xinfo_stream(key)
        except redis.ResponseError:  # no such key: it expired with whatever it held
            return since != "0-0"
        if since == "0-0":
            return info["entries-added"] > info["length"]
        return not await client.xrange(key, min=since, max=since, count=1)


def _raise_if_cancelled() -> None:
    """redis-py sometimes swallows a cancellation that lands while it reads or connects
    (seen with 8.1: the listener then waited on forever and held up the loop's shutdown).
    ``cancelling()`` still counts the request, so honour it here."""
    if asyncio.current_task().cancelling():
        raise asyncio.CancelledError


_broadcasters: dict[tuple, MemoryBroadcaster | RedisBroadcaster] = {}
_broadcasters_lock = threading.Lock()


def get_broadcaster() -> MemoryBroadcaster | RedisBroadcaster:
    """The process's broadcaster for the current settings."""
    backend = settings.HEARTH_LIVE_BACKEND
    key = (backend, settings.HEARTH_LIVE_REDIS_URL, settings.HEARTH_LIVE_REDIS_PREFIX)
    with _broadcasters_lock:
        broadcaster = _broadcasters.get(key)
        if broadcaster is None:
            if backend == "redis":
                broadcaster = RedisBroadcaster(key[1], key[2])
            else:
                broadcaster = MemoryBroadcaster()
            _broadcasters[key] = broadcaster
        return broadcaster
