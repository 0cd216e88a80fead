import ipaddress
import socket

import pytest

from hearth.webhooks import targets


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.9.9.9", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
        "169.254.1.1", "100.64.0.1", "0.0.0.0", "224.0.0.1", "239.1.1.1", "240.0.0.1",
        "255.255.255.255", "198.18.0.1", "192.0.2.10", "::1", "::", "fe80::1", "fc00::1",
        "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1",
        "2001:db8::1", "fec0::1",
    ],
)  # fmt: skip
def test_non_public_addresses_are_refused(settings, address):
    settings.HEARTH_WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(targets.TargetRefused):
        targets.check_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(settings, address):
    settings.HEARTH_WEBHOOKS_ALLOW_PRIVATE = False
    targets.check_address(ipaddress.ip_address(address))


def test_allowing_private_targets_still_refuses_metadata_and_multicast(settings):
    settings.HEARTH_WEBHOOKS_ALLOW_PRIVATE = True
    targets.check_address(ipaddress.ip_address("127.0.0.1"))
    targets.check_address(ipaddress.ip_address("10.0.0.5"))
    for address in ("169.254.169.254", "::ffff:169.254.169.254", "224.0.0.1", "0.0.0.0"):
        with pytest.raises(targets.TargetRefused):
            targets.check_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://example.com/x", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("gopher://127.0.0.1/", "http:// or https://"),
        ("https://", "valid URL"),
        ("not a url", "http:// or https://"),
        ("http://user:pw@93.184.216.34/", "user name and password"),
        ("http://93.184.216.34:99999/", "valid URL"),
    ],
)
def test_bad_urls_are_refused_with_a_reason(url, message):
    with pytest.raises(targets.TargetRefused, match=message):
        targets.parse(url)


def test_a_name_is_checked_after_resolution(settings, monkeypatch):
    settings.HEARTH_WEBHOOKS_ALLOW_PRIVATE = False

    def fake_getaddrinfo(host, port, *args, **kwargs):
        assert host == "hooks.example.com"
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    # One private address among public ones is enough to refuse.
    with pytest.raises(targets.TargetRefused, match="10.0.0.7"):
        targets.check_url("https://hooks.example.com/x")


def test_localhost_is_refused_by_what_it_resolves_to(settings):
    settings.HEARTH_WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(targets.TargetRefused):
        targets.check_url("http://localhost:8000/hook")


def test_an_unresolvable_name_is_refused(settings, monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror("no such name")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(targets.TargetRefused, match="could not be resolved"):
        targets.check_url("https://nowhere.invalid/x")


def test_host_header_keeps_a_non_default_port():
    assert targets.parse("https://example.com/a?b=1").host_header == "example.com"
    assert targets.parse("http://example.com:8080/").host_header == "example.com:8080"
    assert targets.parse("http://[::1]:81/").host_header == "[::1]:81"
    assert targets.parse("https://example.com/a?b=1").path == "/a?b=1"
