"""The cheap half of page-view counting: what one view is, how a visitor is hashed, how
referrers and sources are normalised, and the in-process buffer that turns many views into
one write.

Each app process keeps its own buffer. A flush adds its counts to the day tables with
additive upserts (``services.page_views_save``), so several processes flushing at the
same time add up instead of overwriting each other; a visitor seen by two processes is
inserted once, because ``VisitorDay`` is unique and only the insert that wins counts it.
"""

from __future__ import annotations

import atexit
import hashlib
import re
import threading
import time
import unicodedata
from datetime import date
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.crypto import salted_hmac

from hearth.core.db import best_effort

FLUSH_EVERY = 50
FLUSH_SECONDS = 10
# With automatic flushing off (0 for both settings), the buffer stops growing here.
MAX_PENDING = 10_000
MAX_SOURCE_CHARS = 100  # Membership.source / campaign hold as much
MAX_HOST_CHARS = 255
_HOST = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")


class PageView(NamedTuple):
    community_id: int
    day: date
    visitor_hash: int
    referrer_host: str  # "" when internal, absent or unusable
    source: str  # "" when the view did not land with ?source= / utm_source
    campaign: str
    # The topic page viewed and the signed-in viewer's user id (0 for none). Neither is
    # stored: a flush uses them to count a question's views by anyone but its asker.
    topic_id: int = 0
    viewer_id: int = 0


@lru_cache(maxsize=8)
def _visitor_key(secret: str, salt: str) -> bytes:
    return salted_hmac("hearth.audience.visitor", salt, secret=secret, algorithm="sha256").digest()


def visitor_hash(community_id: int, identity: str, *, daily_salt: date | None = None) -> int:
    """A signed 64-bit keyed hash of who is visiting, different in every community.

    ``identity`` names the visitor (``u:<user id>``, ``s:<session key>`` or
    ``a:<ip>|<user agent>``); it never leaves this function. With ``daily_salt`` the key
    changes every day, so address-based hashes of two days cannot be linked without the
    secret key.
    """
    salt = daily_salt.isoformat() if daily_salt else ""
    key = _visitor_key(settings.SECRET_KEY, salt)
    message = f"{community_id}:{identity}".encode("utf-8", "replace")
    digest = hashlib.blake2b(message, key=key, digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _site_host(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def referrer_host(referrer: str, own_host: str) -> str:
    """The lowercase host name of an external referrer without ``www.``, or "" when the
    referrer is missing, internal (``own_host`` or the site URL's host), not http(s), or
    not a valid host name of at most 255 characters."""
    if not referrer:
        return ""
    try:
        parts = urlsplit(referrer[:2048])
        host = parts.hostname
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not host:
        return ""
    host = _site_host(host)
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""
    if len(host) > MAX_HOST_CHARS or not _HOST.fullmatch(host):
        return ""
    if host == _site_host(own_host.rsplit(":", 1)[0]) or host == _site_url_host(settings.SITE_URL):
        return ""
    return host


@lru_cache(maxsize=2)
def _site_url_host(site_url: str) -> str:
    try:
        return _site_host(urlsplit(site_url).hostname or "")
    except ValueError:
        return ""


def clean_source(value: str) -> str:
    """A ``?source=`` / ``utm_*`` value as stored: control characters removed, trimmed,
    at most 100 characters (the length ``Membership.source`` keeps)."""
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")
    return value.strip()[:MAX_SOURCE_CHARS]


def _flush_setting(name: str, default: int) -> int:
    # Under the test settings nothing flushes by itself (0 = never), so no other app's
    # query counts ever include a flush; the audience tests flush explicitly.
    return getattr(settings, name, 0 if getattr(settings, "TESTING", False) else default)


class PageViewBuffer:
    """Page views waiting to be written, shared by the threads of one process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._views: list[PageView] = []
        self._last_flush = time.monotonic()

    def __len__(self) -> int:
        return len(self._views)

    def add(self, view: PageView) -> bool:
        """Keep one view; True when it is time to flush."""
        every = _flush_setting("HEARTH_PAGEVIEW_FLUSH_EVERY", FLUSH_EVERY)
        seconds = _flush_setting("HEARTH_PAGEVIEW_FLUSH_SECONDS", FLUSH_SECONDS)
        with self._lock:
            if every or seconds or len(self._views) < MAX_PENDING:
                self._views.append(view)
            return bool(
                (every and len(self._views) >= every)
                or (seconds and time.monotonic() - self._last_flush >= seconds)
            )

    def take(self) -> list[PageView]:
        """Empty the buffer and return what it held."""
        with self._lock:
            views, self._views = self._views, []
            self._last_flush = time.monotonic()
        return views

    def flush(self) -> int:
        """Write what is pending in one transaction; returns the number of views written.
        A failed write is logged and its views dropped: counting never breaks a page."""
        from hearth.audience.services import page_views_save

        views = self.take()
        written = 0
        if views:
            with best_effort(f"saving {len(views)} page views (they are lost)"):
                page_views_save(views)
                written = len(views)
        return written


buffer = PageViewBuffer()


@atexit.register
def _flush_at_exit() -> None:
    # Test runs end after their databases are gone: nothing of theirs belongs anywhere.
    if not getattr(settings, "TESTING", False):
        buffer.flush()
