"""The API's error bodies, declared on every operation that can return them.

Every error is ``{"detail": ...}``: a sentence for 401, 403 and 404, and for 422 the
problems by parameter (``__all__`` for those about several at once, such as a date range)."""

from ninja import Schema


class Error(Schema):
    detail: str


class InvalidInput(Schema):
    detail: dict[str, list[str]]
