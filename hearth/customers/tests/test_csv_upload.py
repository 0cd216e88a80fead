"""Reading an uploaded customer CSV and checking its rows: every bad input the issue names."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from hearth.customers import csv_upload
from hearth.customers.hashing import email_hash, hashing_key
from hearth.customers.tests.conftest import HEADER, csv_bytes
from hearth.customers.validation import HASHED, NOT_AN_ADDRESS, check_rows

AS_OF = date(2025, 6, 30)


def _check(rows: list[list[str]], *, header=HEADER, bom=False):
    read = csv_upload.read_customer_csv(csv_bytes([header, *rows], bom=bom))
    mapping = {f: int(i) for f, i in csv_upload.guess_mapping(read.headers).items() if i != ""}
    names = {f: read.headers[i] for f, i in mapping.items()}
    return check_rows(
        csv_upload.numbered_cells(read.rows, read.lines, mapping), names, AS_OF, hashing_key()
    )


def test_a_good_row_is_hashed_and_typed():
    accepted, errors = _check([["Ann@Example.com ", "2024-01-15", "pro", "1,234.50", ""]])
    assert errors == []
    [row] = accepted
    assert row.email_hash == email_hash("ann@example.com")
    assert (row.customer_since, row.plan, row.revenue, row.churned_at) == (
        date(2024, 1, 15), "pro", Decimal("1234.50"), None,
    )  # fmt: skip


def test_the_staged_rows_never_hold_an_address():
    read = csv_upload.read_customer_csv(
        csv_bytes(
            [HEADER, ["ann@example.com", "2024-01-15", "pro", "10", ""], ["x@", "", "", "", ""]]
        )
    )
    assert read.rows[0][0] == HASHED + email_hash("ann@example.com")
    assert read.rows[1][0] == NOT_AN_ADDRESS
    packed = csv_upload.pack_rows(read.rows, read.lines)
    assert b"ann@example.com" not in packed
    rows, lines = csv_upload.unpack_rows(packed)
    assert rows == read.rows and lines == [2, 3]
    assert "ann@example.com" not in str(read.preview)
    assert read.preview[0][0] == "a…@example.com"


def test_a_byte_order_mark_is_not_part_of_the_first_header():
    read = csv_upload.read_customer_csv(
        csv_bytes([HEADER, ["a@example.com", "2024-01-01", "", "1", ""]], bom=True)
    )
    assert read.headers[0] == "Email"
    assert csv_upload.guess_mapping(read.headers)["email"] == "0"


def test_the_mapping_is_guessed_from_the_headers_and_unknown_columns_are_left_out():
    headers = ["Customer Email", "Favourite colour", "created_at", "LTV", "tier"]
    assert csv_upload.guess_mapping(headers) == {
        "email": "0", "customer_since": "2", "plan": "4", "revenue": "3", "churned_at": "",
    }  # fmt: skip


@pytest.mark.parametrize(
    "cells, column, message",
    [
        (["b@example.com", "15/01/2024", "", "10", ""], "Customer since", "not a date"),
        (["b@example.com", "2024-02-30", "", "10", ""], "Customer since", "not a date"),
        (["b@example.com", "2026-01-01", "", "10", ""], "Customer since", "in the future"),
        (["b@example.com", "2024-01-01", "", "-5", ""], "Revenue", "negative"),
        (["b@example.com", "2024-01-01", "", "ten", ""], "Revenue", "not an amount"),
        (["b@example.com", "2024-01-01", "", "=1+1", ""], "Revenue", "formula"),
        (["b@example.com", "=TODAY()", "", "10", ""], "Customer since", "formula"),
        (["not-an-email", "2024-01-01", "", "10", ""], "Email", "not an email"),
        (["b@", "2024-01-01", "", "10", ""], "Email", "not an email"),
        (
            ["b@example.com", "2024-01-01", "a@example.com", "10", ""],
            "Plan",
            "only the email column",
        ),
        (["b@example.com", "2024-01-01", "", "", ""], "Revenue", "missing"),
        (["b@example.com", "2024-03-01", "", "10", "2024-02-01"], "Churned at", "before"),
        (["b@example.com", "2024-03-01", "", "10", "someday"], "Churned at", "not a date"),
    ],
)
def test_a_bad_cell_is_reported_with_its_row_and_column(cells, column, message):
    accepted, errors = _check([["a@example.com", "2024-01-01", "", "1", ""], cells])
    assert len(accepted) == 1
    assert [(e.row, e.column) for e in errors] == [(3, column)]
    assert message in errors[0].message
    assert "b@example.com" not in str(errors)


def test_a_repeated_email_keeps_its_first_row():
    accepted, errors = _check(
        [
            ["a@example.com", "2024-01-01", "", "1", ""],
            ["b@example.com", "2024-01-01", "", "1", ""],
            ["A@EXAMPLE.COM", "2024-02-01", "", "2", ""],
        ]
    )
    assert len(accepted) == 2
    assert [(e.row, e.column) for e in errors] == [(4, "Email")]
    assert "row 2" in errors[0].message


def test_a_formula_in_the_plan_is_kept_as_text():
    accepted, errors = _check([["a@example.com", "2024-01-01", '=HYPERLINK("x")', "1", ""]])
    assert errors == [] and accepted[0].plan == '=HYPERLINK("x")'


def test_blank_lines_are_skipped_and_rows_keep_their_line_numbers():
    data = (
        csv_bytes([HEADER, ["a@example.com", "2024-01-01", "", "1", ""]])
        + b"\r\n"
        + (b"b@example.com,nope,,1,\r\n")
    )
    read = csv_upload.read_customer_csv(data)
    assert read.lines == [2, 4]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"PK\x03\x04 a spreadsheet", "not a CSV"),
        (b"\x00\x01\x02", "not a CSV"),
        (b"", "empty"),
        (b"Email,Revenue\r\n", "no customers"),
        ("Email\r\ncaf\xe9".encode("latin-1"), "UTF-8"),
    ],
)
def test_a_file_that_cannot_be_used_is_refused_whole(data, message):
    with pytest.raises(ValidationError) as raised:
        csv_upload.read_customer_csv(data)
    assert message in str(raised.value)


def test_a_file_too_large_is_refused(settings):
    settings.HEARTH_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError, match="larger than"):
        csv_upload.read_customer_csv(b"Email\r\n" + b"a@example.com\r\n" * 20)
