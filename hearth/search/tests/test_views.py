"""The search pages: plain GET forms, results, empty and initial states, errors."""

import pytest
from django.urls import reverse

from hearth.communities.models import Visibility
from hearth.discussions.models import Category
from hearth.testing.factories import community_factory
from hearth.testing.html import script_capable_parts


def community_url(community, **params):
    from urllib.parse import urlencode

    query = f"?{urlencode(params)}" if params else ""
    return reverse("search:community", args=[community.slug]) + query


def global_url(**params):
    from urllib.parse import urlencode

    return reverse("search:global") + (f"?{urlencode(params)}" if params else "")


class TestCommunitySearchPage:
    def test_initial_state_has_a_labelled_form_and_no_results(self, client, community):
        response = client.get(community_url(community))
        body = response.content.decode()
        assert response.status_code == 200
        assert '<label for="id_q">' in body and 'type="search"' in body and 'name="q"' in body
        assert '<label for="id_category">' in body and '<label for="id_after">' in body
        assert "Search the discussions in Garden Club." in body
        assert "search-results" not in body and "No results" not in body
        assert response["X-Robots-Tag"] == "noindex"

    def test_results_link_to_the_post_and_mark_the_words(
        self, client, community, member, general, start_topic, reply
    ):
        topic = start_topic(member, general, "Tomato blight", "My tomato leaves <em>turn</em>")
        reply(member, topic, "Copper spray for tomato")
        reply(member, topic, "Another word on tomato")
        response = client.get(community_url(community, q="tomato"))
        body = response.content.decode()
        assert "1 topic for “tomato”" in body
        # One row for the topic: its best matching post, and how many match.
        assert body.count('class="row search-hit"') == 1
        assert "3 matching posts in this topic" in body
        assert f'href="/c/garden/t/tomato-blight/{topic.pk}/#post-1"' in body
        assert "<mark>tomato</mark>" in body
        results = body[body.index('class="rows search-results"') :]
        assert "&lt;em&gt;" in results and "<em>" not in results

    def test_a_common_word_says_how_many_it_looked_at(
        self, monkeypatch, client, community, member, general, start_topic
    ):
        from hearth.search import backends

        monkeypatch.setattr(backends, "CANDIDATES", 2)
        for n in range(4):
            start_topic(member, general, f"Tomato {n}", "Tomato")
        body = client.get(community_url(community, q="tomato")).content.decode()
        assert "2+ results for “tomato”: the best among the newest 2 posts" in body

    def test_no_results_shows_the_query_escaped_with_tips(self, client, community):
        response = client.get(community_url(community, q="<b>zucchini</b>"))
        body = response.content.decode()
        assert "No results for “&lt;b&gt;zucchini&lt;/b&gt;”." in body
        assert "double quotes" in body
        assert "<b>zucchini" not in body

    def test_bad_dates_are_form_errors_not_failures(self, client, community):
        response = client.get(
            community_url(community, q="tomato", after="2024-13-45", before="yesterday")
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert body.count('class="error" role="alert"') == 2
        assert "search-results" not in body

    def test_dates_in_the_wrong_order_or_absurd_years(self, client, community):
        body = client.get(
            community_url(community, q="x", after="2024-05-02", before="2024-05-01")
        ).content.decode()
        assert "before the “on or after” date" in body
        body = client.get(community_url(community, q="x", after="0001-01-01")).content.decode()
        assert "Choose a date between 2000 and 2100." in body

    def test_unknown_category_is_a_form_error(self, client, community):
        response = client.get(community_url(community, q="x", category="nope"))
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()

    @pytest.mark.parametrize(
        "query",
        ['"', "NEAR(", "a" * 10_000, "title:*", "\ue000", "((()))", "🍅", "\x00"],
    )
    def test_hostile_queries_render(self, client, community, member, general, start_topic, query):
        start_topic(member, general, "Tomato", "Tomato")
        response = client.get(community_url(community, q=query, page="x"))
        assert response.status_code == 200

    def test_members_only_posts_are_not_shown_to_visitors(
        self, client, community, member, members_only, start_topic
    ):
        start_topic(member, members_only, "Tomato secrets", "Tomato")
        assert (
            "Tomato secrets"
            not in client.get(community_url(community, q="tomato")).content.decode()
        )
        client.force_login(member)
        assert "Tomato secrets" in client.get(community_url(community, q="tomato")).content.decode()

    def test_private_community_search_is_404_for_outsiders(self, client, owner, outsider):
        private = community_factory(owner=owner, visibility=Visibility.PRIVATE)
        client.force_login(outsider)
        assert client.get(community_url(private, q="x")).status_code == 404
        assert client.get("/c/no-such-place/search?q=x").status_code == 404

    def test_pages_keep_the_filters(self, client, community, member, general, start_topic, reply):
        for n in range(21):
            start_topic(member, general, f"Tomato {n}", "Tomato")
        body = client.get(community_url(community, q="tomato", author="mel")).content.decode()
        assert "Page 1 of 2" in body
        assert 'href="?q=tomato&amp;author=mel&amp;page=2"' in body
        last = client.get(community_url(community, q="tomato", author="mel", page="9"))
        assert "Page 2 of 2" in last.content.decode()

    def test_author_only_lists_their_posts(self, client, community, member, general, start_topic):
        start_topic(member, general, "Seeds", "Hello")
        body = client.get(community_url(community, author="@mel")).content.decode()
        assert "1 topic with posts matching these filters" in body and "Seeds" in body

    def test_query_count_is_flat(
        self, client, community, member, general, start_topic, reply, django_assert_max_num_queries
    ):
        topic = start_topic(member, general, "Tomato", "Tomato")
        for n in range(4):
            reply(member, topic, f"Tomato {n}")
        client.force_login(member)
        url = community_url(community, q="tomato", author="mel")
        with django_assert_max_num_queries(15) as few:
            assert client.get(url).status_code == 200
        for n in range(45):
            reply(member, topic, f"Tomato again {n}")
        with django_assert_max_num_queries(len(few.captured_queries)) as many:
            body = client.get(url).content.decode()
        assert "1 topic for" in body and "50 matching posts in this topic" in body
        assert not [q for q in many.captured_queries if "COUNT(*) FROM" in q["sql"]]


class TestGlobalSearchPage:
    def test_initial_state(self, client, db):
        response = client.get(global_url())
        assert response.status_code == 200
        assert "Search the discussions of every community you can see." in response.content.decode()
        assert 'id="id_category"' not in response.content.decode()

    def test_private_communities_are_hidden_from_non_members(
        self, client, owner, outsider, general, start_topic
    ):
        private = community_factory(owner=owner, visibility=Visibility.PRIVATE, name="Hidden Club")
        start_topic(owner, Category.objects.get(community=private, slug="general"), "Tomato secret")
        start_topic(owner, general, "Tomato public")
        for user in (None, outsider):
            if user:
                client.force_login(user)
            body = client.get(global_url(q="tomato")).content.decode()
            assert "Tomato public" in body and "Garden Club" in body
            assert "Tomato secret" not in body and "Hidden Club" not in body
        client.force_login(owner)
        body = client.get(global_url(q="tomato")).content.decode()
        assert "Tomato secret" in body and "Hidden Club" in body

    def test_snippets_are_safe(self, client, member, general, start_topic):
        start_topic(
            member, general, "XSS", 'tomato <script>alert(1)</script> <img src=x onerror="x">'
        )
        body = client.get(global_url(q="tomato")).content.decode()
        results = body[body.index('class="rows search-results"') :]
        assert script_capable_parts(results) == []
        assert "&lt;script&gt;" in results

    def test_query_count_is_flat(
        self, client, owner, member, general, start_topic, reply, django_assert_max_num_queries
    ):
        for n in range(3):
            other = community_factory(owner=owner)
            start_topic(owner, Category.objects.get(community=other, slug="general"), f"Tomato {n}")
        topic = start_topic(member, general, "Tomato", "Tomato")
        client.force_login(member)
        with django_assert_max_num_queries(15) as few:
            assert client.get(global_url(q="tomato")).status_code == 200
        for n in range(3, 10):
            other = community_factory(owner=owner)
            start_topic(owner, Category.objects.get(community=other, slug="general"), f"Tomato {n}")
        for n in range(40):
            reply(member, topic, f"Tomato {n}")
        with django_assert_max_num_queries(len(few.captured_queries)):
            body = client.get(global_url(q="tomato")).content.decode()
        assert "11 topics for" in body and "41 matching posts in this topic" in body
