"""Visitors' cached pages (hearth.core.page_cache): hits, bumps, and who never gets one."""

import re

import pytest
from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

from hearth.communities.models import Visibility
from hearth.core.page_cache import CSRF_PLACEHOLDER, visitor_page_cache
from hearth.discussions import services
from hearth.discussions.models import ReadAccess
from hearth.testing.factories import actor_for, community_factory

TOKEN = re.compile(r'"X-CSRFToken": "([A-Za-z0-9]{64})"')


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.HEARTH_PAGE_CACHE = True


def topic_url(topic):
    return reverse("discussions:topic", args=[topic.community.slug, topic.slug, topic.pk])


def page_urls(community, topic):
    return [
        reverse("communities:home", args=[community.slug]),
        reverse("discussions:latest", args=[community.slug]),
        reverse("discussions:category", args=[community.slug, "general"]),
        topic_url(topic),
        reverse("qa:unanswered", args=[community.slug]),
        reverse("ideas:roadmap", args=[community.slug]),
    ]


def without_token(body: str) -> str:
    return TOKEN.sub("TOKEN", body)


class TestHits:
    def test_every_public_page_is_kept_and_served_with_at_most_one_query(
        self, client, community, topic, django_assert_max_num_queries
    ):
        for url in page_urls(community, topic):
            first = client.get(url)
            assert first.status_code == 200, url
            assert first["X-Hearth-Cache"] == "miss"
            assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
            assert "Cookie" in first["Vary"]
            with django_assert_max_num_queries(1):  # the community, by slug
                again = client.get(url)
            assert again["X-Hearth-Cache"] == "hit"
            assert without_token(again.content.decode()) == without_token(first.content.decode())
            assert again["Content-Type"] == first["Content-Type"]
            assert again["Cache-Control"] == "public, max-age=0, must-revalidate"

    def test_query_strings_are_separate_pages(self, client, community, topic):
        url = reverse("discussions:latest", args=[community.slug])
        assert client.get(url)["X-Hearth-Cache"] == "miss"
        assert client.get(url + "?page=2")["X-Hearth-Cache"] == "miss"
        assert client.get(url + "?page=2")["X-Hearth-Cache"] == "hit"

    def test_each_visitor_gets_their_own_csrf_token(self, community, topic):
        url = topic_url(topic)
        first, second = Client(), Client()
        body_one = first.get(url).content.decode()
        response = second.get(url)
        assert response["X-Hearth-Cache"] == "hit"
        body_two = response.content.decode()
        assert CSRF_PLACEHOLDER not in body_two
        [token_one] = set(TOKEN.findall(body_one))
        [token_two] = set(TOKEN.findall(body_two))
        secret_one = first.cookies["csrftoken"].value
        secret_two = second.cookies["csrftoken"].value
        assert secret_one != secret_two
        assert _unmask_cipher_token(token_one) == secret_one
        assert _unmask_cipher_token(token_two) == secret_two


class TestBumps:
    def test_a_new_reply_shows_to_the_next_visitor(self, client, community, member, topic):
        url = topic_url(topic)
        client.get(url)
        assert client.get(url)["X-Hearth-Cache"] == "hit"
        services.post_reply(
            actor=actor_for(member, community), topic=topic, body="Fresh tomato news"
        )
        response = client.get(url)
        assert response["X-Hearth-Cache"] == "miss"
        assert "Fresh tomato news" in response.content.decode()
        latest = client.get(reverse("discussions:latest", args=[community.slug]))
        assert latest["X-Hearth-Cache"] == "miss"

    def test_other_communities_keep_their_pages(self, client, owner, community, member, topic):
        other = community_factory(owner=owner, name="Orchard")
        home = reverse("communities:home", args=[other.slug])
        client.get(home)
        services.post_reply(actor=actor_for(member, community), topic=topic, body="Elsewhere")
        assert client.get(home)["X-Hearth-Cache"] == "hit"

    def test_a_category_made_private_is_gone_at_once(
        self, client, community, owner, general, topic
    ):
        url = topic_url(topic)
        client.get(url)
        assert client.get(url)["X-Hearth-Cache"] == "hit"
        services.category_update(
            actor=actor_for(owner, community), category=general, read_access=ReadAccess.MEMBERS
        )
        response = client.get(url)
        assert response.status_code != 200
        assert "Hello garden" not in response.content.decode()


class TestNeverCached:
    def test_members_never_get_or_make_a_cached_page(self, client, community, member, topic):
        url = topic_url(topic)
        client.get(url)  # a visitor's page is kept
        client.force_login(member)
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200
            assert not response.has_header("X-Hearth-Cache")
            assert response["Cache-Control"] == "private"
            assert "Cookie" in response["Vary"]

    def test_a_private_categorys_topic_is_never_kept(
        self, client, community, owner, member, django_assert_max_num_queries
    ):
        lounge = services.category_create(
            actor=actor_for(owner, community), name="Lounge", read_access=ReadAccess.MEMBERS
        )
        secret = services.topic_create(
            actor=actor_for(member, community), category=lounge, title="Secret", body="Shh"
        )
        url = topic_url(secret)
        member_client = Client()
        member_client.force_login(member)
        assert member_client.get(url).status_code == 200
        for _ in range(2):
            response = client.get(url)
            assert response.status_code != 200
            assert not response.has_header("X-Hearth-Cache")
            assert "Shh" not in response.content.decode()

    def test_a_private_community_is_never_kept(self, client, owner):
        private = community_factory(owner=owner, visibility=Visibility.PRIVATE)
        member_client = Client()
        member_client.force_login(owner)
        url = reverse("communities:home", args=[private.slug])
        assert member_client.get(url).status_code == 200
        response = client.get(url)
        assert response.status_code == 404 and not response.has_header("X-Hearth-Cache")

    def test_visitors_with_a_session_or_messages_are_not_served_from_cache(
        self, client, community, topic
    ):
        url = topic_url(topic)
        client.get(url)
        client.cookies["sessionid"] = "abc"
        assert not client.get(url).has_header("X-Hearth-Cache")
        del client.cookies["sessionid"]
        client.cookies["messages"] = "x"
        assert not client.get(url).has_header("X-Hearth-Cache")

    def test_a_page_that_sets_the_session_is_not_kept(self, client, community):
        url = reverse("communities:home", args=[community.slug]) + "?source=newsletter"
        first = client.get(url)
        assert "X-Hearth-Cache" not in first
        assert not Client().get(url).has_header("X-Hearth-Cache")

    def test_htmx_fragments_are_not_kept(self, client, community, topic):
        url = topic_url(topic)
        response = client.get(url, HTTP_HX_REQUEST="true")
        assert not response.has_header("X-Hearth-Cache")

    def test_responses_with_messages_or_cookies_are_not_kept(self, rf, community):
        from django.contrib.auth.models import AnonymousUser
        from django.contrib.messages.storage.fallback import FallbackStorage
        from django.contrib.sessions.backends.cache import SessionStore

        from hearth.core.actor import Actor

        calls = []

        def with_message(request):
            calls.append(1)
            messages.info(request, "Hello")
            return HttpResponse("page")

        def with_cookie(request):
            calls.append(1)
            response = HttpResponse("page")
            response.set_cookie("seen", "1")
            return response

        for view in (with_message, with_cookie):
            for _ in range(2):
                request = rf.get("/c/garden/")
                request.user = AnonymousUser()
                request.session = SessionStore()
                request._messages = FallbackStorage(request)
                request.community = community
                request.actor = Actor.for_user(None, community)
                response = visitor_page_cache(view)(request)
                assert not response.has_header("X-Hearth-Cache")
        assert len(calls) == 4

    def test_post_requests_are_never_cached(self, client, community, topic):
        response = client.post(topic_url(topic))
        assert not response.has_header("X-Hearth-Cache")


def test_reordering_categories_bumps_the_version(client, community, owner, general, topic):
    services.category_create(actor=actor_for(owner, community), name="Seeds")
    url = reverse("communities:home", args=[community.slug])
    client.get(url)
    assert client.get(url)["X-Hearth-Cache"] == "hit"
    services.category_move(actor=actor_for(owner, community), category=general, offset=1)
    assert client.get(url)["X-Hearth-Cache"] == "miss"
