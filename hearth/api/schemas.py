"""The API's error body, declared on every operation that can return it.

Every error is ``{"error": {"code", "message", "fields"}}`` (see :mod:`hearth.api.errors`):
``fields`` holds the problems by input name for a 422 and is empty otherwise."""

from datetime import UTC, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime

from hearth.core.markdown import clean_text


class ErrorDetail(Schema):
    code: str = Field(..., description="Stable, machine-readable: not_found, insufficient_scope…")
    message: str = Field(..., description="A sentence for people.")
    fields: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Problems by input name (a 422); `__all__` for those about several inputs.",
    )


class Error(Schema):
    error: ErrorDetail


# One shape for every error; the old name stays for the modules that import it.
InvalidInput = Error


def errors(*statuses: int) -> dict[int, type[Error]]:
    """``response={200: X, **errors(401, 404)}``: the error statuses an operation declares."""
    return dict.fromkeys(statuses, Error)


# What every operation behind the API's authentication can answer.
READ_ERRORS = (401, 403, 404, 422, 429)
WRITE_ERRORS = (400, *READ_ERRORS, 409, 413, 415)


# Inputs ----------------------------------------------------------------------------------

MIN_YEAR, MAX_YEAR = 2000, 9000


def _moment_in_range(value: datetime) -> datetime:
    try:
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("Out of range.") from None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"Choose a moment between the years {MIN_YEAR} and {MAX_YEAR}.")
    return value


# A date and time with its offset (``2026-05-01T12:00:00Z``), in UTC once read. A naive
# time is refused: the server cannot guess the caller's time zone.
Moment = Annotated[AwareDatetime, AfterValidator(_moment_in_range)]

# Text as the services store it: NUL bytes (refused by PostgreSQL) and invisible direction
# marks dropped, newlines made Unix.
Text = Annotated[str, AfterValidator(clean_text)]
