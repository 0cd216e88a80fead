"""The ASGI body cap, driven with hand-written receive/send around the real application."""

import asyncio
import json
import tempfile
from types import SimpleNamespace

import pytest
from asgiref.sync import async_to_sync
from django.core.handlers import asgi as django_asgi

from hearth.asgi import application

CHUNK = 16 * 1024


@pytest.fixture(autouse=True)
def _small_caps(settings):
    settings.HEARTH_MAX_REQUEST_BYTES = 256 * 1024
    settings.HEARTH_MAX_ANONYMOUS_BODY_BYTES = 64 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = settings.HEARTH_MAX_REQUEST_BYTES
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = settings.HEARTH_MAX_REQUEST_BYTES


class MemoryOnlyFile(tempfile.SpooledTemporaryFile):
    def rollover(self):
        raise AssertionError("a request body was spooled to disk")


@pytest.fixture
def no_disk(monkeypatch):
    """Fail the test if Django spools a request body to disk."""
    monkeypatch.setattr(
        django_asgi, "tempfile", SimpleNamespace(SpooledTemporaryFile=MemoryOnlyFile)
    )


class Exchange:
    """One request: a body in chunks, counting how many times the application asked."""

    def __init__(self, path, *, chunks, headers=()):
        self.scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"127.0.0.1"), *headers],
            "client": ("127.0.0.1", 40000),
            "server": ("127.0.0.1", 8000),
        }
        self.chunks = chunks
        self.receive_calls = 0
        self.sent = []
        self.answered = None

    async def receive(self):
        self.receive_calls += 1
        if self.receive_calls <= len(self.chunks):
            more = self.receive_calls < len(self.chunks)
            body = self.chunks[self.receive_calls - 1]
            return {"type": "http.request", "body": body, "more_body": more}
        # The whole body is sent: the client waits for the answer, then goes away.
        await self.answered.wait()
        return {"type": "http.disconnect"}

    async def send(self, message):
        self.sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            self.answered.set()

    async def _run(self):
        self.answered = asyncio.Event()
        await application(self.scope, self.receive, self.send)

    def run(self):
        async_to_sync(self._run)()
        return self

    @property
    def status(self):
        return self.sent[0]["status"]

    @property
    def body(self):
        return b"".join(m.get("body", b"") for m in self.sent[1:])


def test_chunked_body_over_the_cap_is_refused_while_it_arrives(db, no_disk):
    chunks = [b"x" * CHUNK] * 200  # 3.2 MB without a Content-Length
    exchange = Exchange("/new", chunks=chunks, headers=[(b"cookie", b"sessionid=abc")]).run()
    assert exchange.status == 413
    assert b"too large" in exchange.body
    # 256 KB in 16 KB chunks: it stops one chunk past the cap, not at the end of the body.
    assert exchange.receive_calls == 256 // 16 + 1
    assert len(exchange.sent) == 2  # Django answered nothing after the 413


def test_declared_length_over_the_cap_is_refused_without_reading(db, no_disk):
    exchange = Exchange(
        "/new",
        chunks=[b"x" * CHUNK],
        headers=[(b"cookie", b"sessionid=abc"), (b"content-length", b"3000000000")],
    ).run()
    assert exchange.status == 413
    assert exchange.receive_calls == 0


def test_api_gets_a_json_413(db):
    exchange = Exchange(
        "/api/v1/communities/", chunks=[b"x" * CHUNK], headers=[(b"content-length", b"1000000")]
    ).run()
    assert exchange.status == 413
    assert (b"content-type", b"application/json") in exchange.sent[0]["headers"]
    assert "too large" in json.loads(exchange.body)["error"]["message"]


def test_anonymous_upload_is_refused_early(db, no_disk):
    chunks = [b"x" * CHUNK] * 8  # 128 KB: fine signed in, too much for a sign-up form
    exchange = Exchange("/accounts/signup/", chunks=chunks).run()
    assert exchange.status == 413
    assert exchange.receive_calls == 64 // 16 + 1


def test_signed_in_body_under_the_cap_reaches_django(db, no_disk):
    chunks = [b"x" * CHUNK] * 8
    exchange = Exchange("/new", chunks=chunks, headers=[(b"cookie", b"sessionid=abc")]).run()
    assert exchange.status != 413
    assert exchange.receive_calls >= len(chunks)


def test_a_discourse_api_key_gets_the_signed_in_cap(db, no_disk):
    """The Discourse-compatible endpoints authenticate with an ``Api-Key`` header."""
    chunks = [b"x" * CHUNK] * 8
    exchange = Exchange(
        "/c/garden/compat/posts.json", chunks=chunks, headers=[(b"api-key", b"hth_a_b")]
    ).run()
    assert exchange.status != 413
    assert exchange.receive_calls >= len(chunks)


def test_small_anonymous_post_reaches_django(db, no_disk):
    form = b"login=someone&password=secret"
    exchange = Exchange(
        "/accounts/login/",
        chunks=[form],
        headers=[
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(form)).encode()),
        ],
    ).run()
    # Django read the body and answered itself: the form has no CSRF token.
    assert exchange.status == 403
    assert b"expired" in exchange.body
