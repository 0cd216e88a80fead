"""Failed-login limits, and the platform-wide failed-login alarm.

allauth locks an account after five failures from anywhere, so an attacker who knows a
username can keep its owner out. Here each password attempt counts against, in
``ACCOUNT_RATE_LIMITS``:

- ``login_failed``: per address, and per (account, address). Guessing at an account from
  one address locks out only that address; the owner signing in elsewhere is not affected.
- ``login_failed_account``: per account across all addresses, looser, against guessing at
  one account from many addresses. Reaching it locks the account for everyone until its
  oldest counted failure is older than the window (5 minutes by default).
- ``login_failed_surge``: only while failed logins across the whole platform are over
  ``HEARTH_LOGIN_FAILURES_ALARM_PER_MINUTE`` (credential stuffing from many addresses):
  tighter per-address and per-account limits that slow every login attempt.

A successful login gives back what its attempt consumed (allauth's rule), so only failures
count. A refused attempt records how long to wait on ``request.login_retry_after`` for the
login view's ``Retry-After``. The limits live in the shared cache (Redis with several app
processes), as allauth's do.
"""

from __future__ import annotations

import logging
import math
import time

from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.cache import cache

from hearth.core.client_ip import client_ip

logger = logging.getLogger(__name__)

APP = "allauth.account"
FAILURES_KEY = "hearth:login-failures:{minute}"


def _limits(request, account: str) -> list[tuple[str, str]]:
    """(action, key) pairs an attempt to sign in to ``account`` counts against."""
    limits = [
        ("login_failed", f"{account}|{client_ip(request)}"),
        ("login_failed_account", account),
    ]
    if under_attack():
        limits.append(("login_failed_surge", account))
    return limits


def consume_attempt(request, account: str) -> ratelimit.RateLimitUsage | None:
    """Count one password attempt; None (and nothing counted) if a limit refuses it."""
    usage = ratelimit.RateLimitUsage(usage=[])
    for action, key in _limits(request, account):
        consumed = ratelimit.consume(request, app=APP, action=action, key=key)
        if consumed is None:
            usage.rollback()
            request.login_retry_after = seconds_until_allowed(request, action, key)
            return None
        usage.usage.extend(consumed.usage)
    return usage


def seconds_until_allowed(request, action: str, key: str) -> int:
    """How long until ``action`` for ``key`` is allowed again (at least one second)."""
    now = time.time()
    wait = 1.0
    for rate in ratelimit.get_rates(app=APP, action=action):
        cache_key = ratelimit.get_cache_key(request, app=APP, action=action, rate=rate, key=key)
        history = [t for t in cache.get(cache_key, []) if t > now - rate.duration]  # newest first
        if len(history) >= rate.amount:
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)


def clear(request, account: str) -> None:
    """Forget the account's failures (after a password reset), as allauth does."""
    for action, key in _limits(request, account):
        ratelimit.clear(request, app=APP, action=action, key=key)


def _failures_key(minute: int) -> str:
    return FAILURES_KEY.format(minute=minute)


def record_failure(**kwargs) -> int:
    """Count a failed login in this minute's platform-wide total; log when it reaches the
    alarm. Connected to Django's ``user_login_failed`` signal, so the admin's login counts
    too."""
    key = _failures_key(int(time.time() // 60))
    cache.add(key, 0, timeout=180)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=180)
        count = 1
    if count == settings.HEARTH_LOGIN_FAILURES_ALARM_PER_MINUTE:
        logger.warning(
            "%s failed logins in the last minute across all addresses: login limits are "
            "tightened until the rate falls",
            count,
        )
    return count


def failures_last_minute() -> int:
    """Failed logins across the platform in the current or the previous minute, whichever
    is higher."""
    minute = int(time.time() // 60)
    counts = cache.get_many([_failures_key(minute), _failures_key(minute - 1)])
    return max(counts.values(), default=0)


def under_attack() -> bool:
    alarm = settings.HEARTH_LOGIN_FAILURES_ALARM_PER_MINUTE
    return alarm > 0 and failures_last_minute() >= alarm
