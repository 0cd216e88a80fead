"""One client address for every limit: the socket's, unless a trusted proxy forwards."""

import pytest
import uvicorn
from asgiref.sync import async_to_sync
from django.core.management import call_command
from django.test import RequestFactory

from hearth.core.client_ip import client_ip


def _request(remote_addr, forwarded=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_forwarded_for_is_ignored_without_trusted_proxies():
    assert client_ip(_request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


def test_forwarded_for_is_ignored_from_an_untrusted_peer(settings):
    settings.HEARTH_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(_request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


@pytest.mark.parametrize(
    "forwarded, client",
    [
        ("198.51.100.1", "198.51.100.1"),
        # What the client wrote itself stays on the left; the proxy appended the truth.
        ("1.2.3.4, 198.51.100.1", "198.51.100.1"),
        ("1.2.3.4, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        ("not-an-address", "10.0.0.1"),
        ("", "10.0.0.1"),
    ],
)
def test_trusted_proxy_names_the_client(settings, forwarded, client):
    settings.HEARTH_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(_request("10.0.0.1", forwarded)) == client


def _serve_config(monkeypatch) -> dict:
    calls = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: calls.append(kwargs))
    call_command("serve", "--no-with-worker", stdout=None)
    return calls[0]


def _client_seen_by_app(config_kwargs, peer, forwarded):
    """Run uvicorn's own middleware stack as `hearth serve` configures it."""
    seen = {}

    async def app(scope, receive, send):
        seen["client"] = scope["client"][0]

    config = uvicorn.Config(
        app,
        proxy_headers=config_kwargs["proxy_headers"],
        forwarded_allow_ips=config_kwargs.get("forwarded_allow_ips"),
        lifespan="off",
    )
    config.load()
    scope = {
        "type": "http",
        "client": (peer, 5000),
        "headers": [(b"x-forwarded-for", forwarded.encode())],
    }
    async_to_sync(config.loaded_app)(scope, None, None)
    return seen["client"]


def test_serve_trusts_no_forwarded_for_by_default(monkeypatch, settings):
    settings.HEARTH_TRUSTED_PROXIES = []
    kwargs = _serve_config(monkeypatch)
    # Before, uvicorn trusted X-Forwarded-For from any local process.
    assert _client_seen_by_app(kwargs, "127.0.0.1", "198.51.100.1") == "127.0.0.1"


def test_serve_trusts_the_named_proxies(monkeypatch, settings):
    settings.HEARTH_TRUSTED_PROXIES = ["127.0.0.1"]
    kwargs = _serve_config(monkeypatch)
    assert _client_seen_by_app(kwargs, "127.0.0.1", "1.2.3.4, 198.51.100.1") == "198.51.100.1"
    assert _client_seen_by_app(kwargs, "203.0.113.9", "198.51.100.1") == "203.0.113.9"
