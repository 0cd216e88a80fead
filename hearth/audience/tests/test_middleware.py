from datetime import date

import pytest
from django.db import DatabaseError
from django.test import RequestFactory
from django.utils import timezone

from hearth.audience import recording
from hearth.audience.middleware import PageViewMiddleware
from hearth.audience.models import AudienceDay
from hearth.audience.recording import buffer, visitor_hash
from hearth.communities.models import Visibility
from hearth.testing.factories import community_factory

from .conftest import BROWSER


def _pending():
    return buffer.take()


def test_it_counts_an_anonymous_view_of_a_community_page(browse, community):
    response = browse("/c/garden/")

    assert response.status_code == 200
    [view] = _pending()
    assert view.community_id == community.pk
    assert view.day == timezone.now().date()
    assert (view.referrer_host, view.source, view.campaign) == ("", "", "")


@pytest.mark.parametrize("url", ["/c/garden/", "/c/garden/latest", "/c/garden/rules"])
def test_it_counts_each_community_page(browse, community, url):
    assert browse(url).status_code == 200
    assert len(_pending()) == 1


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "facebookexternalhit/1.1",
        "curl/8.5.0",
        "python-requests/2.32",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/126.0 Safari/537.36",
    ],
)
def test_it_skips_bots_and_scripts(browse, community, user_agent):
    assert browse("/c/garden/", HTTP_USER_AGENT=user_agent).status_code == 200
    assert _pending() == []


def test_it_skips_htmx_partials_but_counts_boosted_navigation(browse, community):
    browse("/c/garden/", HTTP_HX_REQUEST="true")
    assert _pending() == []

    browse("/c/garden/", HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true")
    assert len(_pending()) == 1


def test_it_skips_prefetches(browse, community):
    browse("/c/garden/", HTTP_SEC_PURPOSE="prefetch;prerender")
    browse("/c/garden/", HTTP_PURPOSE="prefetch")
    assert _pending() == []


@pytest.mark.parametrize(
    "url",
    [
        "/c/garden/t/no-such-topic/999999/",  # 404 inside a community
        "/c/no-such-community/",  # 404: no community
        "/",  # platform page
        "/accounts/login/",
        "/api/v1/communities/",
        "/api/v1/communities/garden",
        "/healthz",
        "/static/hearth/hearth.css",
    ],
)
def test_it_skips_errors_and_pages_outside_communities(browse, community, url):
    assert browse(url).status_code != 500
    assert _pending() == []


def test_it_skips_a_private_community_hidden_from_the_visitor(browse, owner):
    community_factory(owner=owner, slug="hidden", visibility=Visibility.PRIVATE)

    assert browse("/c/hidden/").status_code == 404
    assert _pending() == []


def test_it_skips_head_and_post(client, counting, community):
    client.head("/c/garden/", HTTP_USER_AGENT=BROWSER)
    client.post("/c/garden/", HTTP_USER_AGENT=BROWSER)
    client.post("/c/garden/join", HTTP_USER_AGENT=BROWSER)
    assert _pending() == []


def test_it_skips_redirects(browse, community):
    response = browse("/c/garden/manage/members/")  # anonymous: to the login page, or 404
    assert response.status_code != 200
    assert _pending() == []


def test_a_member_is_one_visitor_across_sessions_and_days(client, counting, community, member):
    client.force_login(member)
    client.get("/c/garden/", HTTP_USER_AGENT=BROWSER)
    client.logout()
    client.force_login(member)
    client.get("/c/garden/latest", HTTP_USER_AGENT="Another browser/1.0")

    first, second = _pending()
    assert first.visitor_hash == second.visitor_hash
    assert first.visitor_hash == visitor_hash(community.pk, f"u:{member.pk}")


def test_anonymous_visitors_are_told_apart_by_address_and_agent(browse, community):
    browse("/c/garden/", REMOTE_ADDR="198.51.100.7")
    browse("/c/garden/latest", REMOTE_ADDR="198.51.100.7")
    browse("/c/garden/", REMOTE_ADDR="198.51.100.8")
    browse("/c/garden/", REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT=BROWSER + " Edg/126")

    first, again, other_address, other_agent = (v.visitor_hash for v in _pending())
    assert first == again
    assert len({first, other_address, other_agent}) == 3


def test_an_anonymous_session_identifies_the_visitor(client, counting, community):
    # Landing with a source starts a session (it keeps the source until they join): the
    # landing view already counts under that session, like the views after it.
    client.get("/c/garden/?source=newsletter", HTTP_USER_AGENT=BROWSER)
    session_key = client.session.session_key
    client.get("/c/garden/latest", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.9")

    landing, second = _pending()
    assert landing.visitor_hash == second.visitor_hash
    assert second.visitor_hash == visitor_hash(community.pk, f"s:{session_key}")
    assert (landing.source, second.source) == ("newsletter", "")


def test_the_address_is_never_kept(browse, community):
    browse("/c/garden/", REMOTE_ADDR="198.51.100.7")
    [view] = _pending()
    assert "198.51.100.7" not in repr(view)


@pytest.mark.parametrize(
    "referrer, host",
    [
        ("https://www.Google.com/search?q=garden", "google.com"),
        ("https://news.ycombinator.com/item?id=1", "news.ycombinator.com"),
        ("http://testserver/c/garden/latest", ""),  # our own pages
        ("http://www.testserver/", ""),
        ("http://127.0.0.1:8000/c/garden/", ""),  # the site URL
        ("android-app://com.google.android.gm/", ""),
        ("", ""),
    ],
)
def test_it_keeps_external_referrer_hosts_only(browse, community, referrer, host):
    browse("/c/garden/", HTTP_REFERER=referrer)
    [view] = _pending()
    assert view.referrer_host == host


@pytest.mark.parametrize(
    "query, source, campaign",
    [
        ("source=newsletter", "newsletter", ""),
        ("utm_source=instagram&utm_campaign=spring-launch", "instagram", "spring-launch"),
        ("source=youtube&utm_source=ignored&utm_campaign=c1", "youtube", "c1"),
        ("source=", "", ""),
        ("utm_campaign=orphan", "", ""),
        ("source=%20%00%01", "", ""),
        ("q=resource=x", "", ""),
    ],
)
def test_it_captures_the_source_a_visitor_landed_with(browse, community, query, source, campaign):
    browse(f"/c/garden/?{query}")
    [view] = _pending()
    assert (view.source, view.campaign) == (source, campaign)


def test_it_keeps_100_characters_of_a_long_source(browse, community):
    browse("/c/garden/?source=" + "s" * 5000 + "&utm_campaign=" + "c" * 300)
    [view] = _pending()
    assert (view.source, view.campaign) == ("s" * 100, "c" * 100)


@pytest.mark.parametrize(
    "headers, query",
    [
        ({"HTTP_REFERER": "https://" + "a" * 10_000 + ".example/"}, ""),
        ({"HTTP_REFERER": "http://[::1"}, ""),
        ({"HTTP_REFERER": "https://ex ample.com/"}, ""),
        ({"HTTP_REFERER": "https://" + "b" * 70 + ".com/"}, ""),  # a label over 63 chars
        ({"HTTP_REFERER": "\x00\xff garbage"}, ""),
        ({"HTTP_USER_AGENT": "Mozilla/5.0 \xff\xfe\x00 Firefox"}, ""),
        ({"HTTP_USER_AGENT": "Mozilla/5.0 " + "x" * 20_000}, ""),
        ({}, "source=%ff%fe%fd&utm_campaign=%c3%28"),
        ({}, "source=" + "%25" * 3000),
        ({}, "&&&==&source&utm_source=a=b=c"),
        ({}, "&".join(f"f{i}=1" for i in range(2000)) + "&source=x"),
        ({"SERVER_NAME": "evil.example", "HTTP_HOST": "bad host!"}, ""),
    ],
)
@pytest.mark.parametrize("page", ["/c/garden/", "/c/garden/rules"])
def test_bad_input_never_breaks_the_page(browse, community, headers, query, page):
    response = browse(f"{page}?{query}", **headers)

    assert response.status_code in (200, 400)
    for view in _pending():
        assert len(view.referrer_host) <= 255
        assert len(view.source) <= 100 and "\x00" not in view.source


def test_it_flushes_every_n_views(browse, community, settings):
    settings.HEARTH_PAGEVIEW_FLUSH_EVERY = 3
    browse("/c/garden/")
    browse("/c/garden/")
    assert not AudienceDay.objects.exists()

    browse("/c/garden/latest")

    assert len(buffer) == 0
    assert AudienceDay.objects.get(community=community).page_views == 3


def test_it_flushes_after_t_seconds(browse, community, settings, monkeypatch):
    settings.HEARTH_PAGEVIEW_FLUSH_SECONDS = 10
    browse("/c/garden/")
    assert len(buffer) == 1

    monkeypatch.setattr(buffer, "_last_flush", buffer._last_flush - 11)
    browse("/c/garden/")

    assert len(buffer) == 0
    assert AudienceDay.objects.get(community=community).page_views == 2


def test_a_failed_flush_never_breaks_the_page(browse, community, settings, monkeypatch):
    settings.HEARTH_PAGEVIEW_FLUSH_EVERY = 1

    def broken(views):
        raise DatabaseError("disk full")

    monkeypatch.setattr("hearth.audience.services.page_views_save", broken)

    assert browse("/c/garden/").status_code == 200
    assert len(buffer) == 0


def test_the_middleware_works_on_a_bare_request(rf: RequestFactory, community):
    """Without session or auth middleware (e.g. a stripped-down stack), it still counts."""
    from django.http import HttpResponse

    request = rf.get("/c/garden/", HTTP_USER_AGENT=BROWSER)
    request.community = community
    PageViewMiddleware(lambda r: HttpResponse("<p>hi</p>"))(request)

    [view] = _pending()
    assert view.community_id == community.pk


def test_with_automatic_flushing_off_the_buffer_stops_growing(community, monkeypatch):
    monkeypatch.setattr(recording, "MAX_PENDING", 3)
    view = recording.PageView(community.pk, date(2025, 1, 1), 1, "", "", "")
    for _ in range(5):
        assert buffer.add(view) is False
    assert len(buffer) == 3
