"""Rate limits kept in the shared cache: one small set of atomic primitives for every limit
(posting intervals, first-day counts, flags per day, repeated bodies).

They rest on ``cache.add`` (set only if absent) and ``cache.incr``, which are atomic in
Redis (``SET NX``, ``INCRBY``) and in the local-memory cache (under its lock), so two
requests at once cannot both take the last slot, and with ``REDIS_URL`` set every app
process counts in the same place. A refusal is a :class:`RateLimited` error carrying how
long to wait: pages show its message ("You can post again in 25 seconds"), the API answers
429 with ``Retry-After``.

``HEARTH_POSTING_LIMITS`` (on by default, off in the test settings so unrelated tests can
post freely) switches the posting limits and spam signals off for a whole process;
:func:`paused` does it for a block of code (the demo loader writes months of history in
seconds)."""

from __future__ import annotations

import math
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

_paused: ContextVar[bool] = ContextVar("hearth_rate_limits_paused", default=False)


class RateLimited(ValidationError):
    """A refusal that passes with time. A ValidationError, so the forms that already show a
    service's errors show this one too; ``retry_after`` is in whole seconds."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, code="rate_limited")
        self.retry_after = max(1, int(retry_after))


def enabled() -> bool:
    return getattr(settings, "HEARTH_POSTING_LIMITS", True) and not _paused.get()


@contextmanager
def paused():
    """Switch posting limits and spam signals off for the block (bulk loaders)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def wait_text(seconds: int) -> str:
    """ "25 seconds", "3 minutes", "5 hours": how long, rounded up, in the largest unit."""
    if seconds < 120:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    if seconds < 2 * 3600:
        minutes = math.ceil(seconds / 60)
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = math.ceil(seconds / 3600)
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


def interval(key: str, seconds: int, *, token: str = "") -> int:
    """One action per ``seconds`` under ``key``. Claims the slot and returns 0, or returns
    the seconds left to wait. ``token`` names the submission (a form's one-time token): the
    same submission sent again after a failure elsewhere is not counted twice."""
    if seconds <= 0:
        return 0
    now = time.time()
    if cache.add(key, (now + seconds, token), timeout=seconds):
        return 0
    held = cache.get(key)
    if held is None:  # expired between the two calls
        return 0 if cache.add(key, (now + seconds, token), timeout=seconds) else 1
    until, holder = held
    if token and holder == token:
        return 0
    return max(1, math.ceil(until - now))


def count(key: str, limit: int, *, window_ends_at: float) -> int:
    """At most ``limit`` actions under ``key`` until ``window_ends_at`` (a Unix time).
    Counts this one and returns 0, or returns the seconds until the window ends."""
    now = time.time()
    ttl = math.ceil(window_ends_at - now)
    if ttl <= 0:
        return 0
    if limit <= 0:
        return ttl
    cache.add(key, 0, timeout=ttl)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between the two calls: a fresh window
        cache.add(key, 0, timeout=ttl)
        used = cache.incr(key)
    return 0 if used <= limit else ttl


def once(key: str, seconds: int, *, token: str = "") -> bool:
    """Whether this is the first time ``key`` is seen in ``seconds`` (then remembered)."""
    return interval(key, seconds, token=token) == 0
