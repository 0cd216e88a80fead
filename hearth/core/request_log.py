"""A request id on every response and every log line, and JSON logs.

``RequestIdMiddleware`` takes the ``X-Request-ID`` the reverse proxy (or the client) sent
when it is a short token (letters, digits, ``-``, ``_``, ``.``; at most 64), so one id
follows a request from the proxy's log to ours, and makes one up otherwise; anything else
in the header (spaces, quotes, newlines, a kilobyte of text) is replaced, never copied into
a log or a response. The id goes on the response's ``X-Request-ID`` and, through a context
variable, into every log record made while the request is handled (``RequestIdFilter``
sets ``record.request_id``, ``-`` outside a request).

``HEARTH_LOG_FORMAT=json`` logs one JSON object a line (``JsonFormatter``): time, level,
logger, message, request id, and the traceback when there is one.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

HEADER = "X-Request-ID"
NO_REQUEST = "-"
_VALID = re.compile(r"[A-Za-z0-9._-]{1,64}")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "hearth_request_id", default=NO_REQUEST
)


def current_request_id() -> str:
    return request_id_var.get()


def accepted_request_id(value: str | None) -> str:
    """The id to use: ``value`` when it is a short token, else a new one."""
    if value and _VALID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = accepted_request_id(request.headers.get(HEADER))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (it never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
