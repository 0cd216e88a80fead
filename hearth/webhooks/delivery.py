"""Sending one delivery: sign, check the target again, POST, record the attempt.

The signature header is ``Hearth-Signature: t=<unix seconds>,v1=<hex>`` where the hex is
HMAC-SHA256 of ``f"{t}.{body}"`` under the endpoint's secret (docs/developers/webhooks.md shows
how to check it). The host is resolved and every address checked just before connecting,
and the connection goes to the checked address with the name in the Host header and TLS
SNI, so DNS cannot swap in a private address between the check and the request.
Redirects are not followed: a 3xx counts as a failure."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass

import certifi
import urllib3
from django.conf import settings

from hearth.webhooks import targets

logger = logging.getLogger(__name__)
# How much of a response body is read, and how much of it is kept in the log.
RESPONSE_READ = 64 * 1024
RESPONSE_SNIPPET = 1000
USER_AGENT = "Hearth-Webhooks/1"


@dataclass
class Result:
    status_code: int | None = None
    snippet: str = ""
    error: str = ""
    duration_ms: int = 0
    # A failure of Hearth's own (a secret no configured key decrypts), not the receiver's:
    # it does not count toward switching the endpoint off.
    local: bool = False

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def body_of(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def _pool(target: targets.Target, ip: targets.IPAddress, timeout: urllib3.Timeout):
    host = str(ip)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            host, target.port, timeout=timeout, retries=False, maxsize=1,
            cert_reqs="CERT_REQUIRED", ca_certs=certifi.where(),
            server_hostname=target.host, assert_hostname=target.host,
        )  # fmt: skip
    return urllib3.HTTPConnectionPool(host, target.port, timeout=timeout, retries=False, maxsize=1)


def send(*, url: str, secret: str, payload: dict, event_type: str, delivery_id: str) -> Result:
    """POST the payload to ``url``; never raises for what the network or the receiver does."""
    started = time.monotonic()
    try:
        result = _send(url, secret, payload, event_type, delivery_id)
    except Exception as exc:  # a failed attempt is logged and retried, never a crashed task
        logger.exception("Webhook delivery %s failed unexpectedly", delivery_id)
        result = Result(error=f"{type(exc).__name__}: {exc}"[:300])
    result.duration_ms = int((time.monotonic() - started) * 1000)
    return result


def _send(url, secret, payload, event_type, delivery_id) -> Result:
    try:
        target = targets.parse(url)
        addresses = targets.checked_addresses(target)
    except targets.TargetRefused as exc:
        return Result(error=str(exc))
    body = body_of(payload)
    timestamp = int(time.time())
    headers = {
        "Host": target.host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Hearth-Event": event_type,
        "Hearth-Delivery": delivery_id,
        "Hearth-Signature": signature_header(secret, timestamp, body),
    }
    seconds = settings.HEARTH_WEBHOOKS_TIMEOUT_SECONDS
    timeout = urllib3.Timeout(connect=min(5, seconds), read=seconds)
    error = ""
    for ip in addresses[:3]:
        pool = _pool(target, ip, timeout)
        try:
            return _post(pool, target, body, headers)
        except urllib3.exceptions.NewConnectionError:
            error = f"Could not connect to {target.host_header}"
        except urllib3.exceptions.HTTPError as exc:
            return Result(error=_error_text(exc, target))
        finally:
            pool.close()
    return Result(error=error)


def _post(pool, target: targets.Target, body: bytes, headers: dict) -> Result:
    response = pool.urlopen(
        "POST", target.path, body=body, headers=headers, redirect=False,
        preload_content=False, assert_same_host=False,
    )  # fmt: skip
    try:
        text = response.read(RESPONSE_READ, decode_content=True)
    except urllib3.exceptions.HTTPError as exc:
        return Result(status_code=response.status, error=_error_text(exc, target))
    finally:
        response.release_conn()
    result = Result(status_code=response.status)
    result.snippet = text.decode("utf-8", errors="replace")[:RESPONSE_SNIPPET]
    if 300 <= response.status < 400:
        result.error = "Redirects are not followed"
    return result


def _error_text(exc: Exception, target: targets.Target) -> str:
    if isinstance(exc, urllib3.exceptions.TimeoutError):
        return f"No answer from {target.host_header} in time"
    if isinstance(exc, urllib3.exceptions.SSLError):
        return f"TLS failed: {exc}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]
