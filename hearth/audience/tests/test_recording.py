from datetime import date

import pytest

from hearth.audience.recording import clean_source, referrer_host, visitor_hash


@pytest.mark.parametrize(
    "referrer, host",
    [
        ("https://www.google.com/", "google.com"),
        ("HTTPS://WWW.DuckDuckGo.COM/?q=x", "duckduckgo.com"),
        ("https://m.facebook.com/l.php?u=x", "m.facebook.com"),
        ("http://example.org:8080/path", "example.org"),
        ("https://example.org./", "example.org"),
        ("https://bücher.example/", "xn--bcher-kva.example"),
        ("https://user:secret@example.org/", "example.org"),
        ("https://community.example.org/c/garden/", ""),  # the request's own host
        ("https://www.community.example.org/", ""),
        ("http://127.0.0.1:8000/", ""),  # settings.SITE_URL
        ("ftp://files.example.org/", ""),
        ("android-app://com.google.android.gm/", ""),
        ("javascript:alert(1)", ""),
        ("/relative/only", ""),
        ("https://", ""),
        ("http://[::1", ""),
        ("https://[2001:db8::1]/", ""),
        ("https://exa mple.org/", ""),
        ("https://exa<mple>.org/", ""),
        ("https://" + "a" * 64 + ".org/", ""),
        ("https://" + ".".join(["abcdefghij"] * 30) + "/", ""),  # over 255 characters
        ("", ""),
    ],
)
def test_referrer_host(referrer, host):
    assert referrer_host(referrer, "community.example.org:443") == host


def test_a_host_of_exactly_255_characters_is_kept():
    host = ".".join(["a" * 63] * 4)[:255]
    assert len(host) == 255
    assert referrer_host(f"https://{host}/", "testserver") == host


@pytest.mark.parametrize(
    "value, cleaned",
    [
        ("newsletter", "newsletter"),
        ("  Newsletter  ", "Newsletter"),
        ("news\x00let\x1fter\u200b", "newsletter"),
        ("été", "été"),
        ("x" * 500, "x" * 100),
        ("\x00\x01", ""),
    ],
)
def test_clean_source(value, cleaned):
    assert clean_source(value) == cleaned


def test_visitor_hashes_are_stable_64_bit_and_differ_per_community():
    first = visitor_hash(1, "u:42")
    assert first == visitor_hash(1, "u:42")
    assert -(2**63) <= first < 2**63
    assert first != visitor_hash(2, "u:42")
    assert first != visitor_hash(1, "u:43")


def test_an_address_hash_changes_every_day():
    monday = visitor_hash(1, "a:198.51.100.7|Firefox", daily_salt=date(2025, 3, 3))
    assert monday == visitor_hash(1, "a:198.51.100.7|Firefox", daily_salt=date(2025, 3, 3))
    assert monday != visitor_hash(1, "a:198.51.100.7|Firefox", daily_salt=date(2025, 3, 4))


def test_the_hash_depends_on_the_secret_key(settings):
    before = visitor_hash(1, "u:42")
    settings.SECRET_KEY = "another-secret"
    assert visitor_hash(1, "u:42") != before


def test_the_site_url_host_is_internal(settings):
    settings.SITE_URL = "https://www.hearth.example"
    assert referrer_host("https://hearth.example/c/garden/", "10.0.0.5:8000") == ""
    assert referrer_host("http://127.0.0.1:8000/", "10.0.0.5:8000") == "127.0.0.1"
