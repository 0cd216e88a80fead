"""The shared cache when Redis may be stopped: ``ResilientRedisCache``.

Everything Hearth keeps in the cache can be lost (pages and fragments are rendered again,
rate-limit counters start again), so a Redis that is stopped, restarting or out of reach
must not turn pages into 500s. While Redis fails, this backend answers as an empty cache
that keeps nothing:

- reads miss (``get`` gives the default, ``get_many`` nothing, ``has_key`` False);
- writes and deletes are dropped;
- ``add`` answers True and ``incr`` 1, so **rate limits fail open**: posting, flag and
  login limits let everyone through until Redis is back, rather than locking every member
  out of the site (a deliberate choice; see docs/operators/running.md, "What happens
  when…"). The failure is logged (at most once per ``HEARTH_CACHE_RETRY_SECONDS``).

After a failure the backend does not call Redis again for ``HEARTH_CACHE_RETRY_SECONDS``
(default 2), so a Redis that hangs costs one connect timeout per process per interval, not
one per cache call; then it tries again and, once Redis answers, works as before. Nothing
has to be restarted. ``status()`` reports what ``/readyz`` shows."""

from __future__ import annotations

import functools
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

# How long a connect or command may take before Redis counts as out of reach.
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}


def _failures() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.RedisError, OSError)


def _fallback(value):
    """Run the method; while Redis is failing, answer ``value`` instead."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if self._down_until > time.monotonic():
                return value() if callable(value) else value
            try:
                return method(self, *args, **kwargs)
            except _failures() as exc:
                self._failed(exc)
                return value() if callable(value) else value

        return wrapper

    return decorate


class OneClientPerPool(RedisCacheClient):
    """Django builds a ``redis.Redis`` for every cache call, and each copies ~170 response
    callbacks (about a millisecond per signed-in page, which makes a dozen calls). A client
    is safe to share (each command takes a connection from the pool), so one per pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = OneClientPerPool
        self._down_until = 0.0

    def _failed(self, exc: BaseException) -> None:
        retry = getattr(settings, "HEARTH_CACHE_RETRY_SECONDS", 2)
        logger.warning("Cache (Redis) unavailable, going on without it for %ss: %s", retry, exc)
        self._down_until = time.monotonic() + retry

    @property
    def is_down(self) -> bool:
        return self._down_until > time.monotonic()

    def ping(self) -> bool:
        """Whether Redis answers now (also ends the pause after a failure when it does)."""
        try:
            self._cache.get_client(write=True).ping()
        except _failures() as exc:
            self._failed(exc)
            return False
        self._down_until = 0.0
        return True

    # A miss, or nothing kept.
    get_many = _fallback(dict)(RedisCache.get_many)
    has_key = _fallback(False)(RedisCache.has_key)
    set = _fallback(None)(RedisCache.set)
    set_many = _fallback(list)(RedisCache.set_many)
    touch = _fallback(False)(RedisCache.touch)
    delete = _fallback(False)(RedisCache.delete)
    delete_many = _fallback(None)(RedisCache.delete_many)
    clear = _fallback(False)(RedisCache.clear)
    # Rate limits fail open: the slot is claimed, the count is the first.
    add = _fallback(True)(RedisCache.add)
    incr = _fallback(1)(RedisCache.incr)
    decr = _fallback(0)(RedisCache.decr)

    def get(self, key, default=None, version=None):
        if self.is_down:
            return default
        try:
            return super().get(key, default, version)
        except _failures() as exc:
            self._failed(exc)
            return default


def status() -> str:
    """The default cache as ``/readyz`` reports it: ``ok``, ``unavailable`` (Redis does not
    answer: pages are served without the cache) or ``local`` (in-process, no Redis)."""
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return "local"
    if isinstance(cache, ResilientRedisCache):
        return "ok" if cache.ping() else "unavailable"
    try:
        cache.get("hearth:readyz")
    except _failures():
        return "unavailable"
    return "ok"
