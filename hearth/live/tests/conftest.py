"""Broadcaster fixtures: the in-process backend, and Redis (at REDIS_URL or
127.0.0.1:6379) under a key prefix of its own, skipped when no Redis answers."""

import os
import uuid

import pytest

from hearth.live import broadcast

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def memory_backend(settings):
    settings.HEARTH_LIVE_BACKEND = "memory"
    broadcast._broadcasters.clear()
    yield broadcast.get_broadcaster()
    broadcast._broadcasters.clear()


@pytest.fixture
def redis_backend(settings):
    if not redis_available():
        pytest.skip(f"no Redis at {REDIS_URL}")
    import redis

    prefix = f"hearth:test:{uuid.uuid4().hex}:"
    settings.HEARTH_LIVE_BACKEND = "redis"
    settings.HEARTH_LIVE_REDIS_URL = REDIS_URL
    settings.HEARTH_LIVE_REDIS_PREFIX = prefix
    broadcast._broadcasters.clear()
    yield broadcast.get_broadcaster()
    broadcast._broadcasters.clear()
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(params=["memory", "redis"])
def backend(request):
    """Each test runs with both broadcasters."""
    return request.getfixturevalue(f"{request.param}_backend")
