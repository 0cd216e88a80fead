"""The API's error body, declared on every operation that can return it.

Every error is ``{"error": {"code", "message", "fields"}}`` (see :mod:`hearth.api.errors`):
``fields`` holds the problems by input name for a 422 and is empty otherwise."""

from ninja import Field, Schema


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
