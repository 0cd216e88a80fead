"""``Idempotency-Key`` on API writes: a retried request creates nothing twice.

A POST, PUT, PATCH or DELETE under ``/api/`` with the header is stored with its caller (the
API key, or the signed-in user) and a hash of its method, path and body, then answered:

- the first time, as usual; its answer (unless a 5xx, which may be retried) is kept 24 h;
- again with the same key and the same request: the kept answer, replayed, with the header
  ``Idempotent-Replayed: true``, and nothing written;
- with the same key and a different request: 422 ``idempotency_key_reused``;
- while the first is still running: after it, as above (the second waits for the first's
  transaction, which holds the key, the request's writes and its answer together);
  409 ``idempotency_key_in_use`` when the first vanished in between.

A request whose process dies, or whose database goes away, before its commit leaves no
trace, so its retry with the same key is run as a first request.

A request without credentials is not stored (it is refused anyway). An answer that holds a
secret (marked ``Cache-Control: no-store``, such as a new webhook's signing secret) is kept
encrypted (:mod:`hearth.core.encryption`) and replayed with the same header."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, InterfaceError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.api.errors import error_response
from hearth.api.middleware import is_api
from hearth.api.models import IdempotentRequest
from hearth.core import encryption
from hearth.core.db import is_database_unavailable
from hearth.core.middleware import database_unavailable_response

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)
MAX_KEY_LENGTH = 255
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# A kept body starting so is an encrypted answer (a JSON body never starts so).
SEALED = b"sealed:"


def _holds_secret(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def _owner(request) -> str | None:
    from hearth.api.auth import key_from_token

    authorization = request.headers.get("Authorization", "")
    if authorization:
        scheme, _sep, token = authorization.partition(" ")
        if scheme.lower() != "bearer":
            return None
        key = key_from_token(token.strip())
        return f"key:{key.pk}" if key is not None and key.revoked_at is None else None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _hash(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.get_full_path().encode() + b"\n")
    digest.update(request.body)
    return digest.hexdigest()


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITE_METHODS or not is_api(request):
            return self.get_response(request)
        if not key or len(key) > MAX_KEY_LENGTH:
            return error_response(
                422,
                _("An Idempotency-Key is 1 to 255 characters."),
                fields={HEADER: [_("1 to 255 characters.")]},
            )
        owner = _owner(request)
        if owner is None:
            return self.get_response(request)
        try:
            request_hash = _hash(request)
        except Exception:  # the body is too big to read: let the view refuse it
            return self.get_response(request)
        now = timezone.now()
        IdempotentRequest.objects.filter(owner=owner, created_at__lt=now - KEEP).delete()
        # One transaction for the claim, the request's writes and the kept answer: a
        # process killed mid-request, or a database lost before the commit, leaves neither
        # the claim nor half the writes, so the client's retry runs for real. A second
        # request with the key waits for the first to finish (the key is unique), then
        # replays its answer.
        response = None
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        record = IdempotentRequest.objects.create(
                            owner=owner, key=key, request_hash=request_hash, created_at=now
                        )
                except IntegrityError:
                    return self._replay(owner, key, request_hash)
                response = self.get_response(request)
                if response.status_code >= 500 or response.streaming:
                    transaction.set_rollback(True)  # may be retried for real
                    return response
                record.status = response.status_code
                record.body = bytes(response.content)
                if _holds_secret(response):
                    record.body = SEALED + encryption.encrypt(record.body.decode()).encode()
                record.save(update_fields=["status", "body"])
        except (DatabaseError, InterfaceError) as exc:
            if response is not None and response.status_code >= 500:
                return response  # the rollback of a failed request failed too
            if not is_database_unavailable(exc):
                raise
            # The commit did not happen: nothing was saved, and the client may retry.
            return database_unavailable_response(request)
        return response

    @staticmethod
    def _replay(owner: str, key: str, request_hash: str) -> HttpResponse:
        record = IdempotentRequest.objects.filter(owner=owner, key=key).first()
        if record is None:  # expired and deleted in between
            return error_response(409, _("Send the request again."), code="idempotency_key_in_use")
        if record.request_hash != request_hash:
            return error_response(
                422,
                _("This Idempotency-Key was used for a different request."),
                code="idempotency_key_reused",
                fields={HEADER: [_("Use a new key for a new request.")]},
            )
        if record.status is None:
            return error_response(
                409,
                _("A request with this Idempotency-Key is still being processed."),
                code="idempotency_key_in_use",
            )
        body = bytes(record.body)
        sealed = body.startswith(SEALED)
        if sealed:
            try:
                body = encryption.decrypt(body[len(SEALED) :].decode()).encode()
            except encryption.SecretUnreadable:
                return error_response(
                    409,
                    _("The first answer to this request can no longer be read; use a new key."),
                    code="idempotency_key_in_use",
                )
        response = HttpResponse(body, status=record.status, content_type="application/json")
        response["Idempotent-Replayed"] = "true"
        if sealed:
            response["Cache-Control"] = "no-store"
        return response
