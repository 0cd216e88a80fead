"""Cache versions: a named random token, replaced at every bump.

A cached entry records the version it was computed under (read *before* computing), and
is served only while that version holds. A token made on first use and replaced on every
bump, rather than a counter, means a version lost from the cache never brings old entries
back. The visitor page cache, the home's panels and the bell's unread count use these."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")


def current(key: str) -> str:
    """The version named ``key``, made on first use."""
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key)
    return version


def current_many(keys: list[str]) -> list[str]:
    """The versions named ``keys``, in order, in one cache read when all exist."""
    found = cache.get_many(keys) if keys else {}
    return [found[key] if key in found else current(key) for key in keys]


def bump(key: str) -> None:
    """Whatever was kept under the version named ``key`` is stale from now on."""
    cache.set(key, uuid.uuid4().hex, None)


def bump_now_and_on_commit(key: str) -> None:
    """Bump at once (nothing computed from here on reuses older entries) and again when the
    transaction commits (an entry computed from the not yet committed state in between was
    stored under the version this second bump retires)."""
    bump(key)
    transaction.on_commit(lambda: bump(key))


def current_with(version_key: str, keys: list[str]) -> tuple[str | None, dict]:
    """The version named ``version_key`` and what the cache holds under ``keys``, in one
    cache call when the version exists (``None`` for the version without a cache)."""
    found = cache.get_many([version_key, *keys])
    return found.get(version_key) or current(version_key), found


def kept(key: str, version_key: str, compute: Callable[[], T], seconds: int) -> T:
    """The value kept under ``key`` while the version named ``version_key`` holds, else
    ``compute()``, kept for ``seconds`` under that version (read with the entry, in one cache
    call, before computing). Without a cache, computed."""
    version, found = current_with(version_key, [key])
    if version is None:
        return compute()
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    value = compute()
    cache.set(key, (version, value), seconds)
    return value
