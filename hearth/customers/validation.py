"""Checking customer rows, from a CSV or the API alike (pure: no queries).

A row gives the email (or, from a staged CSV, its hash), customer since, plan, revenue to
date and churned at. Each problem is reported as a :class:`RowError` naming the row, the
column and what is wrong, never the value (it may be an address). A second row with an
email already seen is rejected; the first one stays."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from hearth.customers.hashing import email_hash
from hearth.customers.models import MAX_PLAN_CHARS

FIELDS = ("email", "customer_since", "plan", "revenue", "churned_at")
REQUIRED = ("email", "customer_since", "revenue")
MAX_REVENUE = Decimal("999999999999.99")
# What a spreadsheet would run as a formula when the cell is opened.
FORMULA_START = ("=", "+", "-", "@")
_CURRENCY = re.compile(r"^[$€£¥]|[$€£¥]$")


@dataclass(frozen=True)
class CustomerRow:
    email_hash: str
    customer_since: date
    plan: str
    revenue: Decimal
    churned_at: date | None


@dataclass(frozen=True)
class RowError:
    row: int  # the line in the file (header = 1), or the item's position in the API list (1-based)
    column: str
    message: str


# A staged CSV cell that held an address is replaced by HASHED + its hash, one that held
# an "@" but no address by NOT_AN_ADDRESS (its text dropped). NUL never comes from a file:
# the reader drops it.
HASHED = "\x00h"
NOT_AN_ADDRESS = "\x00x"
# What a deliverable address looks like, checked fast (100,000 rows in a request). Only
# verified addresses are matched, so an odd address that passes matches nobody.
_ADDRESS = re.compile(r"^[^@\s\x00]{1,64}@[^@\s\x00]+\.[^@\s\x00]{2,}$")


def is_email(value: str) -> bool:
    return len(value) <= 254 and _ADDRESS.match(value) is not None


def parse_day(value: str) -> date | str:
    """A date written YYYY-MM-DD (a time after it is ignored), or the problem."""
    text = value.strip()
    if text[:1] in ("=", "@"):
        return _("a spreadsheet formula, not a date")
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return _("not a date: write it as YYYY-MM-DD")


def parse_amount(value: str) -> Decimal | str:
    text = value.strip().replace(" ", "").replace("\u00a0", "")
    if text[:1] in ("=", "@"):
        return _("a spreadsheet formula, not an amount")
    text = _CURRENCY.sub("", text).replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return _("not an amount: write it like 1234.50")
    if not amount.is_finite():
        return _("not an amount: write it like 1234.50")
    if amount < 0:
        return _("negative: revenue to date cannot be below 0")
    if amount > MAX_REVENUE:
        return _("too large")
    return amount.quantize(Decimal("0.01"))


def _email(cell: str, key: bytes) -> str | None:
    if cell.startswith(HASHED):
        return cell[len(HASHED) :]
    if cell.startswith(NOT_AN_ADDRESS):
        return None
    text = cell.strip()
    if not text or not is_email(text):
        return None
    return email_hash(text, key)


def check_row(
    number: int, cells: dict[str, str], columns: dict[str, str], as_of: date, key: bytes
) -> CustomerRow | list[RowError]:
    """``cells``: field -> cell text (absent when the field is not mapped); ``columns``:
    field -> the column's name, for the report."""
    errors: list[RowError] = []

    def fail(field: str, message: str) -> None:
        errors.append(RowError(number, columns.get(field, field), message))

    for field in REQUIRED:
        if not str(cells.get(field) or "").strip():
            fail(field, _("missing"))
    if errors:
        return errors
    hashed = _email(cells["email"], key)
    if hashed is None:
        fail("email", _("not an email address"))
    since = parse_day(str(cells["customer_since"]))
    if isinstance(since, str):
        fail("customer_since", since)
    elif since > as_of:
        fail("customer_since", _("in the future"))
    revenue = parse_amount(str(cells["revenue"]))
    if isinstance(revenue, str):
        fail("revenue", revenue)
    churned = None
    churned_text = str(cells.get("churned_at") or "").strip()
    if churned_text:
        churned = parse_day(churned_text)
        if isinstance(churned, str):
            fail("churned_at", churned)
        elif churned > as_of:
            fail("churned_at", _("in the future"))
        elif isinstance(since, date) and churned < since:
            fail("churned_at", _("before customer since"))
    plan = str(cells.get("plan") or "").strip()
    if plan.startswith("\x00"):
        fail("plan", _("holds an @, which only the email column may hold"))
    elif len(plan) > MAX_PLAN_CHARS:
        fail("plan", _("longer than %(n)s characters") % {"n": MAX_PLAN_CHARS})
    if errors:
        return errors
    return CustomerRow(hashed, since, plan, revenue, churned)


def check_rows(
    numbered: Iterable[tuple[int, dict[str, str]]], columns: dict[str, str], as_of: date, key: bytes
) -> tuple[list[CustomerRow], list[RowError]]:
    """Every row checked; a repeated email is rejected after its first row."""
    accepted: list[CustomerRow] = []
    errors: list[RowError] = []
    first_row: dict[str, int] = {}
    for number, cells in numbered:
        result = check_row(number, cells, columns, as_of, key)
        if isinstance(result, list):
            errors.extend(result)
            continue
        if result.email_hash in first_row:
            errors.append(
                RowError(
                    number,
                    columns.get("email", "email"),
                    _("the same email as row %(row)s: only the first is kept")
                    % {"row": first_row[result.email_hash]},
                )
            )
            continue
        first_row[result.email_hash] = number
        accepted.append(result)
    return accepted, errors
