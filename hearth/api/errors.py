"""One JSON error shape for every error the API returns:

    {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}

``code`` is stable and machine-readable (see ``CODES``), ``message`` a sentence for people,
``fields`` the problems by input name for a 422 (``__all__`` for those about several inputs
at once, such as a date range). :func:`install` registers the handlers on the NinjaAPI;
:class:`~hearth.api.middleware.ApiErrorMiddleware` gives the same shape to the answers
Django makes before or around ninja (an unknown path, a method not allowed, a CSRF failure)."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as InputError

from hearth.core.ratelimit import RateLimited
from hearth.core.uploads import UploadFailed

# The default code of each status; an ApiError may name a more precise one.
CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    507: "insufficient_storage",
}


class ApiError(Exception):
    """An error answered as it is: raise it anywhere in an operation."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}


def body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def error_response(
    status: int,
    message: str,
    *,
    code: str | None = None,
    fields: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """The error as a plain Django response (for middleware, outside ninja)."""
    response = HttpResponse(
        json.dumps(body(code or CODES.get(status, "error"), message, fields)),
        status=status,
        content_type="application/json",
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def from_exception(exc: Exception) -> ApiError | None:
    """The ApiError an exception stands for, or None for a bug (left to Django: a 500)."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, RateLimited):
        return ApiError(
            429,
            exc.messages[0],
            headers={"Retry-After": str(exc.retry_after)},
        )
    if isinstance(exc, UploadFailed):
        # The server could not write an upload (disk full): not the client's fault.
        return ApiError(507, exc.messages[0])
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            fields = {name: [str(m) for m in msgs] for name, msgs in exc.message_dict.items()}
        else:
            fields = {"__all__": [str(m) for m in exc.messages]}
        first = next(iter(fields.values()), [""])[0]
        return ApiError(422, first or _("The input is not valid."), fields=fields)
    if isinstance(exc, InputError):
        return ApiError(422, _("The input is not valid."), fields=input_fields(exc.errors))
    if isinstance(exc, Http404):
        return ApiError(404, _("Not found."))
    if isinstance(exc, PermissionDenied):
        return ApiError(403, str(exc) or _("You may not do that."))
    if isinstance(exc, RequestDataTooBig):
        from django.conf import settings

        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return ApiError(413, _("The request is too large: the limit is %(n)s.") % {"n": limit})
    if isinstance(exc, AuthenticationError):
        return ApiError(401, _("Send a valid API key (Authorization: Bearer …) or sign in."))
    if isinstance(exc, HttpError):
        if isinstance(exc.__cause__, ApiError):  # raised by the body parser, wrapped by ninja
            return exc.__cause__
        if exc.status_code == 400:
            return ApiError(400, _("The request body is not valid JSON."), code="invalid_json")
        return ApiError(exc.status_code, str(exc))
    return None


def input_fields(errors: list[dict]) -> dict[str, list[str]]:
    """pydantic's errors by input name: ``loc`` is ``["query", "page"]`` for a parameter,
    ``["body", "payload", "title"]`` for a field of the body (the body's own name dropped)."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        # A body field: drop "body" and the body parameter's own name.
        loc = loc[2:] if loc[:1] == ["body"] else loc[1:]
        name = ".".join(loc) or "__all__"
        fields.setdefault(name, []).append(error.get("msg", ""))
    return fields


def install(api) -> None:
    """Answer every known exception in the one shape (anything else stays a 500, a bug)."""

    def handle(request, exc):
        error = from_exception(exc)
        if error is None:
            raise exc
        auth_problem = getattr(request, "api_auth_problem", None)
        if error.status == 401 and auth_problem:
            error.code, error.message = auth_problem
        response = api.create_response(
            request, body(error.code, error.message, error.fields), status=error.status
        )
        for name, value in error.headers.items():
            response[name] = value
        return response

    for exc_class in (
        ApiError,
        RateLimited,
        UploadFailed,
        ValidationError,
        InputError,
        Http404,
        PermissionDenied,
        RequestDataTooBig,
        AuthenticationError,
        HttpError,
    ):
        api.add_exception_handler(exc_class, handle)
