"""The broadcasters, in-process and Redis: delivery, order, replay after Last-Event-ID,
gaps, publishing from other threads and after commit."""

import asyncio
import json
import threading

import pytest

from hearth.live import broadcast
from hearth.live.broadcast import parse_last_event_id, position

WAIT = 5  # seconds: a bound for a test that would otherwise hang, never a delay


def send(broadcaster, channel, event="post.created", **data):
    broadcaster.publish(channel, event, json.dumps(data))


async def collect(broadcaster, subscription, count):
    """The next ``count`` messages of a subscription, waiting for each."""
    found = []
    while len(found) < count:
        batch = await broadcaster.take(subscription)
        found += batch
        if len(found) < count:
            assert await subscription.wait(WAIT), f"only {len(found)} of {count} came"
    return found


def test_a_subscriber_receives_what_is_published_on_its_channels_in_order(backend):
    async def scenario():
        async with backend.subscribe(["topic:1", "user:7"], None) as subscription:
            await backend.take(subscription)
            send(backend, "topic:1", number=2)
            send(backend, "topic:2", number=9)  # not ours
            send(backend, "user:7", "notifications.count", unread=3)
            send(backend, "topic:1", number=3)
            return await collect(backend, subscription, 3)

    found = asyncio.run(scenario())
    # Order holds within a channel (Redis orders each stream by its own ids).
    assert [m.data for m, _ in found if m.channel == "topic:1"] == [{"number": 2}, {"number": 3}]
    assert [(m.event, m.data) for m, _ in found if m.channel == "user:7"] == [
        ("notifications.count", {"unread": 3})
    ]
    ids = [event_id for _, event_id in found]
    assert len(set(ids)) == 3


def test_reconnecting_with_last_event_id_replays_exactly_what_was_missed(backend):
    channels = ["topic:1", "community:4:latest"]

    async def first_visit():
        async with backend.subscribe(channels, None) as subscription:
            await backend.take(subscription)
            send(backend, "topic:1", number=2)
            (seen,) = await collect(backend, subscription, 1)
            return seen[1]

    async def second_visit(last_event_id):
        async with backend.subscribe(channels, last_event_id) as subscription:
            found = await collect(backend, subscription, 3)
            assert await backend.take(subscription) == []
            return found, subscription.gap

    last_event_id = asyncio.run(first_visit())
    # Published while the page was reconnecting, nobody listening.
    send(backend, "topic:1", number=3)
    send(backend, "community:4:latest", "topic.created", topic=8, category=1)
    send(backend, "topic:1", number=4)
    found, gap = asyncio.run(second_visit(last_event_id))
    assert [m.data for m, _ in found if m.channel == "topic:1"] == [{"number": 3}, {"number": 4}]
    assert [m.data for m, _ in found if m.channel != "topic:1"] == [{"topic": 8, "category": 1}]
    assert gap is False


def test_a_fresh_subscriber_starts_from_now(backend):
    send(backend, "topic:1", number=2)

    async def scenario():
        async with backend.subscribe(["topic:1"], None) as subscription:
            before = await backend.take(subscription)
            send(backend, "topic:1", number=3)
            return before, await collect(backend, subscription, 1)

    before, after = asyncio.run(scenario())
    assert before == []
    assert [m.data for m, _ in after] == [{"number": 3}]


def test_an_unknown_last_event_id_starts_from_now_and_says_so(backend):
    async def scenario():
        async with backend.subscribe(["topic:1"], "another-process:12") as subscription:
            assert await backend.take(subscription) == []
            return subscription.gap

    assert asyncio.run(scenario()) is True


def test_history_trimmed_past_the_position_is_reported_as_a_gap(backend, monkeypatch):
    monkeypatch.setattr(broadcast, "REPLAY_SIZE", 5)
    if isinstance(backend, broadcast.MemoryBroadcaster):
        backend.hub = broadcast.Hub(keep_unwatched=True)

    async def position_now():
        async with backend.subscribe(["topic:1"], None) as subscription:
            send(backend, "topic:1", number=2)
            await collect(backend, subscription, 1)
            return subscription.last_event_id

    last_event_id = asyncio.run(position_now())
    # Redis trims whole nodes of 100 entries ("MAXLEN ~"), so go well past one.
    for number in range(3, 260):
        send(backend, "topic:1", number=number)

    async def reconnect():
        async with backend.subscribe(["topic:1"], last_event_id) as subscription:
            found = await backend.take(subscription)
            return found, subscription.gap

    found, gap = asyncio.run(reconnect())
    assert gap is True
    assert found and found[-1][0].data == {"number": 259}


def test_publishing_from_another_thread_wakes_the_stream(backend):
    async def scenario():
        async with backend.subscribe(["topic:1"], None) as subscription:
            await backend.take(subscription)
            threading.Thread(target=send, args=(backend, "topic:1"), kwargs={"number": 2}).start()
            return await collect(backend, subscription, 1)

    (found,) = asyncio.run(scenario())
    assert found[0].data == {"number": 2}


def test_redis_delivers_between_processes_through_its_listener(redis_backend, settings):
    """Another app process is another broadcaster on the same Redis."""
    other_process = broadcast.RedisBroadcaster(
        settings.HEARTH_LIVE_REDIS_URL, settings.HEARTH_LIVE_REDIS_PREFIX
    )

    async def scenario():
        async with redis_backend.subscribe(["topic:1"], None) as subscription:
            await redis_backend.wait_until_listening()
            await redis_backend.take(subscription)
            send(other_process, "topic:1", number=2)
            return await collect(redis_backend, subscription, 1)

    (found,) = asyncio.run(scenario())
    assert found[0].data == {"number": 2}
    assert position(found[0].id) > (0, 0)


def test_publish_waits_for_the_commit(memory_backend, db, django_capture_on_commit_callbacks):
    hub = memory_backend.hub
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        broadcast.publish("user:5", "notifications.count", {"unread": 1})
        assert hub.after("user:5", (0, 0)) == ([], False)
    assert len(callbacks) == 1
    messages, _ = hub.after("user:5", (0, 0))
    assert [(m.event, m.data) for m in messages] == [("notifications.count", {"unread": 1})]


def test_publish_refuses_channel_names_with_spaces():
    with pytest.raises(ValueError):
        broadcast.publish("topic: 1", "post.created", {})


def test_an_unreachable_redis_is_logged_not_raised(settings, caplog):
    settings.HEARTH_LIVE_BACKEND = "redis"
    settings.HEARTH_LIVE_REDIS_URL = "redis://127.0.0.1:1/0"
    settings.HEARTH_LIVE_REDIS_PREFIX = "hearth:unreachable:"
    broadcast._broadcasters.clear()
    try:
        broadcast._publish_now("topic:1", "post.created", "{}")
    finally:
        broadcast._broadcasters.clear()
    assert "Could not publish post.created on topic:1" in caplog.text


@pytest.mark.parametrize(
    "value",
    [None, "", "m1:1", "r:1,2,3", "r:1-x", "r:abc", "r:" + "9" * 60, "no-colon"],
)
def test_a_garbled_last_event_id_names_no_position(value):
    assert parse_last_event_id(value, "r", ["topic:1", "user:2"]) is None


def test_a_last_event_id_names_a_position_per_channel():
    assert parse_last_event_id("r:17-0,0-0", "r", ["topic:1", "user:2"]) == ["17-0", "0-0"]
