"""Discourse's values as Hearth's, for ``hearth import-discourse``: post Markdown (quotes,
upload links), usernames, category slugs and colours, and when a post went out of sight."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.text import slugify

from hearth.archive.common import free_username
from hearth.archive.discourse.dump import parse_bool, parse_time

SLUG_SAFE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
QUOTE = re.compile(
    r"\[quote(?:=\"?([^\]\"]*)\"?)?\]\s*((?:(?!\[quote).)*?)\s*\[/quote\]", re.DOTALL | re.I
)
# Uploads, as Discourse's Markdown names them: ``upload://<base62 sha1>.<ext>`` (short) or
# the stored path ``/uploads/<site>/original/1X/<sha1>.<ext>`` (older posts).
UPLOAD_TARGET = r"(?:upload://[A-Za-z0-9]+(?:\.\w+)?|[^\s()]*/uploads/[\w.-]+/original/[^\s()]+)"
UPLOAD_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*(" + UPLOAD_TARGET + r")\s*\)")
SHORT_URL = re.compile(r"upload://([A-Za-z0-9]+)")
LONG_URL = re.compile(r"/original/\d+X/(?:[0-9a-f]+/)*([0-9a-f]{40})\.")
BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def convert_body(raw: str) -> str:
    """Discourse's Markdown as Hearth's: ``[quote]`` blocks become block quotes."""
    from hearth.core.markdown import clean_text

    text = clean_text(raw or "").strip()

    def quote(match: re.Match) -> str:
        who = (match.group(1) or "").split(",")[0].strip()
        inner = match.group(2).strip()
        lines = ([f"**{who}:**", ""] if who else []) + inner.splitlines()
        return "\n" + "\n".join(f"> {line}".rstrip() for line in lines) + "\n"

    for _ in range(10):  # nested quotes, innermost first
        text, n = QUOTE.subn(quote, text)
        if not n:
            break
    return text.strip()


def get(row: sqlite3.Row, key: str):
    """A column the dump may not have (older Discourse versions)."""
    return row[key] if key in row.keys() else None  # noqa: SIM118 - a Row iterates values


def deleted_at(post: sqlite3.Row) -> datetime | None:
    """When a post went out of sight: deleted, deleted by its author, or hidden after flags."""
    if post["deleted_at"] is not None:
        return parse_time(post["deleted_at"])
    if parse_bool(get(post, "user_deleted")) or parse_bool(get(post, "hidden")):
        return (
            parse_time(get(post, "hidden_at"))
            or parse_time(get(post, "updated_at"))
            or parse_time(post["created_at"])
        )
    return None


def username_for(wanted: str, d_id: int) -> str:
    """A free Hearth username as close to the Discourse one as the rules allow."""
    from hearth.accounts import usernames
    from hearth.accounts.models import User

    name = usernames.normalize((wanted or "").strip())[:140]
    try:
        User._meta.get_field("username").run_validators(name)
        valid = len(name) >= 2
    except ValidationError:
        valid = False
    if not valid:
        name = f"member-{d_id}"
    elif usernames.is_reserved(name):
        name = f"{name}-{d_id}"
    return free_username(name)


def category_slug(slug: str, name: str, fallback: str) -> str:
    for candidate in (slug, name):
        value = slugify(candidate or "")[:60].strip("-")
        if value and SLUG_SAFE.match(value):
            return value
    return fallback


def free_slug(slug: str, taken: dict) -> str:
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = slug[: 60 - len(suffix)].rstrip("-") + suffix
    return candidate


def color(value: str | None) -> str:
    value = (value or "").strip().lstrip("#").lower()
    if re.fullmatch(r"[0-9a-f]{6}", value):
        return f"#{value}"
    if re.fullmatch(r"[0-9a-f]{3}", value):
        return "#" + "".join(c * 2 for c in value)
    return "#64748b"


def plain_text(html: str | None) -> str:
    """A category description (Discourse keeps it as HTML) as one line of text."""
    import html as html_lib

    return " ".join(html_lib.unescape(strip_tags(html or "")).split())


def sha1_from_base62(encoded: str) -> str | None:
    """The SHA-1 an ``upload://`` short URL names (Upload.sha1_from_base62_encoded)."""
    number = 0
    for char in encoded:
        index = BASE62.find(char)
        if index < 0:
            return None
        number = number * 62 + index
    digest = f"{number:x}"
    return digest.rjust(40, "0") if len(digest) <= 40 else None


def upload_sha1(target: str) -> str | None:
    """The SHA-1 of the upload a link target names (short or stored-path form)."""
    if match := SHORT_URL.match(target):
        return sha1_from_base62(match.group(1))
    if match := LONG_URL.search(target):
        return match.group(1)
    return None
