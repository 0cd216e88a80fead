"""Reading an uploaded customer CSV (pure: no queries).

The first row names the columns; the staff map them to the fields on the next page, so
the file is read once here and kept staged until then: every cell holding an ``@`` is
replaced by the hash of its address (or marked as not an address), so the staged copy
never holds an email address. Decoding and the delimiter sniffing are the invite CSV's
(:mod:`hearth.growth.invite_csv`): UTF-8 with or without a byte-order mark, commas,
semicolons or tabs."""

from __future__ import annotations

import csv
import io
import json
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from hearth.customers.hashing import email_hash, hashing_key
from hearth.customers.validation import FIELDS, HASHED, NOT_AN_ADDRESS, is_email
from hearth.growth.invite_csv import _decode, _dialect

MAX_ROWS = 200_000
MAX_CELL_CHARS = 500
PREVIEW_ROWS = 5
NOT_MAPPED = ""
# Header words that name each field, lower-cased, for the first guess of the mapping.
HEADER_GUESSES = {
    "email": ("email", "e-mail", "email address", "mail", "customer email", "courriel"),
    "customer_since": (
        "customer since", "customer_since", "since", "created", "created at", "created_at",
        "start date", "signup date", "first purchase",
    ),
    "plan": ("plan", "tier", "product", "subscription", "package"),
    "revenue": (
        "revenue", "revenue to date", "revenue_to_date", "total revenue", "ltv",
        "lifetime value", "total spent", "amount", "spend",
    ),
    "churned_at": (
        "churned at", "churned_at", "churned", "churn date", "cancelled at", "canceled at",
        "cancelled", "canceled", "end date",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class ReadUpload:
    headers: list[str]
    rows: list[list[str]]  # cells: text, or an address's hash marked HASHED / NOT_AN_ADDRESS
    lines: list[int]  # each row's line in the file (the header is line 1)
    preview: list[list[str]]  # the first rows as shown to the staff, addresses masked


def max_bytes() -> int:
    return settings.HEARTH_MAX_UPLOAD_BYTES


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    return b"\x00" in head or head.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0"))


def _shown(cell: str) -> str:
    """A cell as the preview shows it: an address shortened to its first letter and domain."""
    if "@" not in cell:
        return cell
    address = cell.strip()
    if not is_email(address):
        return _("(not an address)")
    local, _at, domain = address.rpartition("@")
    return f"{local[:1]}…@{domain}"


def read_customer_csv(data: bytes) -> ReadUpload:
    """The file's columns and rows; raises ValidationError for a file that cannot be used
    at all (too large, not a CSV, no rows)."""
    if len(data) > max_bytes():
        raise ValidationError(
            _(
                "The file is larger than %(size)s. Leave out the columns you do not map, "
                "or split it."
            )
            % {"size": filesizeformat(max_bytes())}
        )
    if _looks_binary(data):
        raise ValidationError(
            _("This is not a CSV file. In your spreadsheet, choose “Save as” → “CSV UTF-8”.")
        )
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    key = hashing_key()
    headers: list[str] | None = None
    rows: list[list] = []
    lines: list[int] = []
    preview: list[list[str]] = []
    try:
        for record in reader:
            if headers is None:
                headers = [cell.strip()[:100] for cell in record]
                width = len(headers)
                continue
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) == MAX_ROWS:
                raise ValidationError(
                    _("The file has more than %(n)s rows. Split it.") % {"n": f"{MAX_ROWS:,}"}
                )
            cells = [cell[:MAX_CELL_CHARS].replace("\x00", "") for cell in record[:width]]
            if len(preview) < PREVIEW_ROWS:
                preview.append([_shown(cell) for cell in cells])
            for index, cell in enumerate(cells):
                if "@" in cell:
                    address = cell.strip()
                    cells[index] = (
                        HASHED + email_hash(address, key) if is_email(address) else NOT_AN_ADDRESS
                    )
            rows.append(cells)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise ValidationError(
            _("Line %(line)s of the file could not be read: %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from exc
    if not headers or not any(headers):
        raise ValidationError(_("The file is empty."))
    if not rows:
        raise ValidationError(_("The file has a header row but no customers."))
    return ReadUpload(headers, rows, lines, preview)


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """field -> column index (as text) or NOT_MAPPED, from the header names."""
    names = [h.strip().lower() for h in headers]
    mapping: dict[str, str] = {}
    used: set[int] = set()
    for field in FIELDS:
        found = next(
            (i for i, n in enumerate(names) if n in HEADER_GUESSES[field] and i not in used), None
        )
        if found is not None:
            used.add(found)
        mapping[field] = NOT_MAPPED if found is None else str(found)
    return mapping


def pack_rows(rows: list[list[str]], lines: list[int]) -> bytes:
    payload = json.dumps({"lines": lines, "rows": rows}, separators=(",", ":"))
    return zlib.compress(payload.encode(), level=1)


def unpack_rows(blob: bytes) -> tuple[list[list[str]], list[int]]:
    packed = json.loads(zlib.decompress(bytes(blob)))
    return packed["rows"], packed["lines"]


def numbered_cells(rows: list[list], lines: list[int], mapping: dict[str, int]):
    """(line in the file, field -> cell) for each row, under ``mapping`` (field -> column)."""
    for line, row in zip(lines, rows, strict=True):
        yield line, {f: row[c] for f, c in mapping.items() if c < len(row)}
