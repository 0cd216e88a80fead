"""Reading an uploaded CSV of people to invite (pure: no queries).

Accepts what spreadsheets export: UTF-8 with or without a byte-order mark, commas,
semicolons or tabs (sniffed), an optional header row naming the ``email`` and ``name``
columns, otherwise the first column holding an ``@`` is the email and another the name.
A file over :data:`MAX_BYTES` or :data:`MAX_ROWS` rows is refused whole, with a message
that says how to split it, so an upload never runs long.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

MAX_BYTES = 1_000_000
MAX_ROWS = 5_000
MAX_NAME_CHARS = 150
EMAIL_HEADERS = {"email", "e-mail", "email address", "mail", "courriel"}
NAME_HEADERS = {"name", "full name", "first name", "nom"}


@dataclass(frozen=True)
class InviteRow:
    line: int  # 1-based line number in the file
    email: str  # as written, trimmed
    name: str
    valid: bool


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
        ) from exc


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel  # one column, or nothing to go on


def _columns(first: list[str]) -> tuple[int | None, int | None, bool]:
    """(email column, name column, first row is a header)."""
    cells = [c.strip().lower() for c in first]
    email = next((i for i, c in enumerate(cells) if c in EMAIL_HEADERS), None)
    if email is not None:
        name = next((i for i, c in enumerate(cells) if c in NAME_HEADERS), None)
        return email, name, True
    email = next((i for i, c in enumerate(cells) if "@" in c), None)
    if email is None:
        return None, None, False
    name = next((i for i in range(len(cells)) if i != email), None)
    return email, name, False


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def read_invite_csv(data: bytes) -> list[InviteRow]:
    """The rows of an uploaded file, each marked valid or not; raises ValidationError for
    a file that cannot be used at all."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(n)s MB. Split it into smaller files.")
            % {"n": MAX_BYTES // 1_000_000}
        )
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    rows: list[InviteRow] = []
    email_col = name_col = None
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if email_col is None:
                email_col, name_col, header = _columns(record)
                if email_col is None:
                    raise ValidationError(
                        _("No email column found: add a header row with “email” (and “name”).")
                    )
                if header:
                    continue
            if len(rows) == MAX_ROWS:
                raise ValidationError(
                    _("The file has more than %(n)s people. Split it into files of %(n)s or fewer.")
                    % {"n": f"{MAX_ROWS:,}"}
                )
            email = record[email_col].strip() if email_col < len(record) else ""
            name = (
                record[name_col].strip() if name_col is not None and name_col < len(record) else ""
            )
            rows.append(
                InviteRow(reader.line_num, email[:254], name[:MAX_NAME_CHARS], _is_email(email))
            )
    except csv.Error as exc:
        raise ValidationError(
            _("Line %(line)s of the file could not be read: %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from exc
    if not rows:
        raise ValidationError(_("The file has no one to invite."))
    return rows
