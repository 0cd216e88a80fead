"""Redis stopped under a running app, then started again: pages are served all along (the
cache answers as an empty one), live updates pause, rate limits fail open, and everything
works again once Redis is back, without restarting anything.

A throwaway ``redis-server`` of the test's own (free port, nothing on disk) is killed and
started again on the same port."""

import asyncio
import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from hearth.core import ratelimit
from hearth.discussions import services
from hearth.discussions.models import Post
from hearth.live import broadcast
from hearth.live.tests.asgi import stream
from hearth.testing.factories import actor_for
from hearth.testing.redis_server import RedisServer, free_port


@pytest.fixture
def redis_server(tmp_path):
    if not RedisServer.available():
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def on_redis(settings, redis_server):
    """The cache and the live updates on the throwaway Redis."""
    settings.CACHES = {
        "default": {
            "BACKEND": "hearth.core.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
        }
    }
    settings.HEARTH_CACHE_RETRY_SECONDS = 0  # try Redis again at once (tests do not wait)
    settings.HEARTH_LIVE_BACKEND = "redis"
    settings.HEARTH_LIVE_REDIS_URL = redis_server.url
    settings.HEARTH_LIVE_REDIS_PREFIX = f"hearth:test:{uuid.uuid4().hex}:"
    broadcast._broadcasters.clear()
    yield redis_server
    broadcast._broadcasters.clear()


def topic_url(topic):
    return reverse("discussions:topic", args=[topic.community.slug, topic.slug, topic.pk])


def redis_client(server):
    import redis

    return redis.Redis.from_url(server.url)


@pytest.mark.django_db
def test_pages_are_served_while_redis_is_stopped_and_it_recovers(
    on_redis, settings, client, community, member, topic
):
    settings.HEARTH_PAGE_CACHE = True
    member_client = Client()
    member_client.force_login(member)
    reply_url = reverse("discussions:reply", args=[community.slug, topic.pk])

    assert client.get(topic_url(topic)).status_code == 200
    assert redis_client(on_redis).dbsize() > 0  # the page went into Redis
    assert ratelimit.interval("limit:a", 60) == 0
    assert ratelimit.interval("limit:a", 60) > 0
    assert client.get("/readyz").json()["cache"] == "ok"

    on_redis.stop()
    # Pages render without the cache, for visitors and members; writes go through.
    assert client.get(topic_url(topic)).status_code == 200
    assert client.get(f"/c/{community.slug}/").status_code == 200
    assert member_client.get(topic_url(topic)).status_code == 200
    response = member_client.post(reply_url, {"body": "Said while Redis was down"})
    assert response.status_code == 302
    assert Post.objects.filter(body="Said while Redis was down").count() == 1
    # Rate limits fail open (deliberately: see hearth/core/cache.py).
    assert ratelimit.interval("limit:b", 60) == 0
    assert ratelimit.interval("limit:b", 60) == 0
    assert ratelimit.count("limit:c", 1, window_ends_at=9e9) == 0
    # Live updates are not sent, and that is not an error for the writer.
    broadcast._publish_now("topic-1", "post.created", "{}")
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["cache"] == "unavailable"

    on_redis.start()  # same port, empty
    assert client.get(topic_url(topic)).status_code == 200
    cache.set("back", 1)
    assert cache.get("back") == 1
    assert ratelimit.interval("limit:b", 60) == 0
    assert ratelimit.interval("limit:b", 60) > 0
    broadcast._publish_now("topic-1", "post.created", "{}")
    key = f"{django_settings.HEARTH_LIVE_REDIS_PREFIX}topic-1"
    assert redis_client(on_redis).xlen(key) == 1
    assert client.get("/readyz").json()["cache"] == "ok"


def _reply(user, community, topic, body):
    with transaction.atomic():
        return services.post_reply(actor=actor_for(user, community), topic=topic, body=body)


def _cookies(user):
    c = Client()
    c.force_login(user)
    return {
        django_settings.SESSION_COOKIE_NAME: c.cookies[django_settings.SESSION_COOKIE_NAME].value
    }


def _numbers(result):
    return [
        json.loads(e["data"])["number"] for e in result.events() if e["event"] == "post.created"
    ]


@pytest.mark.django_db(transaction=True)
def test_live_updates_pause_while_redis_is_stopped_and_resume(
    on_redis, community, topic, member, admin
):
    url = f"/c/{community.slug}/live?topic={topic.pk}"
    cookies = _cookies(member)

    on_redis.stop()
    _reply(admin, community, topic, "Unannounced")  # the reply is saved all the same
    paused = asyncio.run(stream(url, cookies=cookies))
    assert paused.status == 200 and paused.ended
    assert "retry: 15000" in paused.text and paused.events() == []

    on_redis.start()
    resumed = asyncio.run(
        stream(
            url,
            cookies=cookies,
            on_open=sync_to_async(lambda: _reply(admin, community, topic, "Announced")),
            until=_numbers,
        )
    )
    assert _numbers(resumed) == [3]


@pytest.mark.django_db(transaction=True)
def test_an_open_stream_hears_replies_again_after_redis_restarts(
    on_redis, community, topic, member, admin
):
    url = f"/c/{community.slug}/live?topic={topic.pk}"

    async def restart_then_reply():
        await sync_to_async(on_redis.stop)()
        await sync_to_async(on_redis.start)()
        await sync_to_async(_reply)(admin, community, topic, "After the restart")

    result = asyncio.run(
        stream(url, cookies=_cookies(member), on_open=restart_then_reply, until=_numbers)
    )
    assert _numbers(result) == [2], result.text
    assert Post.objects.filter(topic=topic).count() == 2


def test_the_cache_skips_a_failing_redis_for_a_while(settings):
    """No Redis at all: every call answers at once as an empty cache, and Redis is not
    tried again within HEARTH_CACHE_RETRY_SECONDS."""
    from unittest import mock

    from hearth.core.cache import ResilientRedisCache

    settings.HEARTH_CACHE_RETRY_SECONDS = 60
    closed = f"redis://127.0.0.1:{free_port()}/0"
    cache = ResilientRedisCache(closed, {})
    assert cache.get("k", "default") == "default"
    assert cache.is_down
    with mock.patch.object(cache._cache, "get_client", side_effect=AssertionError("tried")):
        assert cache.get("k") is None
        assert cache.get_many(["a", "b"]) == {}
        assert cache.set("k", 1) is None
        assert cache.add("k", 1) is True
        assert cache.incr("k") == 1
        assert cache.delete("k") is False
        assert cache.has_key("k") is False
    assert cache.ping() is False


def test_cache_calls_share_one_client_per_pool(on_redis):
    cache.set("shared", 1)
    client = cache._cache.get_client(write=True)
    assert cache.get("shared") == 1
    assert cache._cache.get_client("shared") is client
    assert cache._cache.get_client("other", write=True) is client
