"""Cursor pagination for API lists: keyset pages, so page 1,000 costs what page 1 does.

A list is ordered by a fixed tuple of fields ending in a unique one (``-created_at, -id``).
A page answers ``{"items": [...], "next_cursor": "..."}``; the cursor is the last item's
values in that order, signed with Django's signing (salted per list), so it is opaque and a
tampered or foreign cursor is a 422 ``invalid_cursor`` rather than a wrong page."""

from __future__ import annotations

from datetime import datetime

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Field, Schema

from hearth.api.errors import ApiError

MAX_LIMIT = 100
DEFAULT_LIMIT = 25
SALT = "hearth.api.cursor"


class CursorQuery(Schema):
    cursor: str | None = Field(None, max_length=512, description="`next_cursor` of the last page")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _encode(value):
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    return value


def _decode(value):
    if isinstance(value, dict) and "dt" in value:
        parsed = parse_datetime(value["dt"])
        if parsed is None:
            raise ValueError
        return parsed
    return value


def _after(ordering: tuple[str, ...], values: list) -> Q:
    """Rows strictly after ``values`` in ``ordering`` (a lexicographic keyset condition)."""
    condition = Q()
    for i, field in enumerate(ordering):
        name = field.lstrip("-")
        op = "lt" if field.startswith("-") else "gt"
        step = Q(**{f"{name}__{op}": values[i]})
        for prior, value in zip(ordering[:i], values[:i], strict=False):
            step &= Q(**{prior.lstrip("-"): value})
        condition |= step
    return condition


def page(queryset: QuerySet, ordering: tuple[str, ...], query: CursorQuery, *, scope: str) -> dict:
    """One page of ``queryset`` in ``ordering``; ``scope`` names the list (the signing salt),
    so one list's cursor is refused by another."""
    salt = f"{SALT}:{scope}"
    queryset = queryset.order_by(*ordering)
    if query.cursor:
        try:
            raw = signing.loads(query.cursor, salt=salt)
            if not isinstance(raw, list) or len(raw) != len(ordering):
                raise ValueError
            values = [_decode(v) for v in raw]
        except (signing.BadSignature, ValueError, TypeError):
            raise ApiError(
                422,
                _("That cursor is not valid here: use the next_cursor of this list's last page."),
                code="invalid_cursor",
                fields={"cursor": [_("Not a cursor of this list.")]},
            ) from None
        queryset = queryset.filter(_after(ordering, values))
    items = list(queryset[: query.limit + 1])
    next_cursor = None
    if len(items) > query.limit:
        items = items[: query.limit]
        last = items[-1]
        values = [_encode(_attr(last, field.lstrip("-"))) for field in ordering]
        next_cursor = signing.dumps(values, salt=salt, compress=True)
    return {"items": items, "next_cursor": next_cursor}


def _attr(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj
