"""Refuse oversized request bodies before Django reads them.

Uvicorn sets no body limit, and Django's ASGI handler reads the whole body into a
temporary file (spilling to disk past ``FILE_UPLOAD_MAX_MEMORY_SIZE``) before any
middleware or view runs, so a limit checked in Django comes too late: a 2 GB chunked POST
would be on disk before the 403. This wraps the Django application instead. It answers 413
at once when ``Content-Length`` is over the cap, and otherwise counts the bytes of the body
messages as they arrive and, once past the cap, answers 413 and tells Django the client
went away, so Django stops reading and never answers itself.

The cap is ``HEARTH_MAX_REQUEST_BYTES`` (the largest upload plus room for the form
around it). A request that carries no credentials (no session cookie, no
``Authorization`` header, no Discourse-style ``Api-Key`` header) gets
``HEARTH_MAX_ANONYMOUS_BODY_BYTES``: anonymous visitors only send small forms (sign-up,
login), so their uploads are refused early.
Under WSGI the reverse proxy must cap bodies (docs/operators/running.md).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.template.defaultfilters import filesizeformat


def _header(scope, name: bytes) -> list[bytes]:
    return [value for key, value in scope["headers"] if key == name]


def _has_credentials(scope) -> bool:
    if _header(scope, b"authorization") or _header(scope, b"api-key"):
        return True
    session_cookie = settings.SESSION_COOKIE_NAME.encode() + b"="
    return any(session_cookie in cookies for cookies in _header(scope, b"cookie"))


def body_cap(scope) -> int:
    """The largest body, in bytes, this request may carry."""
    if _has_credentials(scope):
        return settings.HEARTH_MAX_REQUEST_BYTES
    return settings.HEARTH_MAX_ANONYMOUS_BODY_BYTES


def _declared_length(scope) -> int | None:
    values = _header(scope, b"content-length")
    try:
        return int(values[0]) if values else None
    except ValueError:
        return None  # the server refuses a malformed length itself


async def _refuse(scope, send, cap: int) -> None:
    message = f"The request is too large: the limit is {filesizeformat(cap)}."
    if scope["path"].startswith("/api/"):
        body = json.dumps(
            {"error": {"code": "payload_too_large", "message": message, "fields": {}}}
        ).encode()
        content_type = b"application/json"
    else:
        body = f"{message}\n".encode()
        content_type = b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """ASGI middleware: 413 for a body over ``body_cap``, before the application reads it."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        cap = body_cap(scope)
        declared = _declared_length(scope)
        if declared is not None and declared > cap:
            return await _refuse(scope, send, cap)

        received = 0
        refused = False

        async def receive_within_cap():
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    refused = True
                    await _refuse(scope, send, cap)
                    # Django treats a disconnect while reading the body as an aborted
                    # request: it drops what it read and sends nothing.
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, receive_within_cap, send)
