"""The calm topic page: only given reactions plus one picker, Edit/Delete in a per-post menu
for those the policy allows, Delete through a confirmation page, and topic lists that show
the last poster's avatar in a constant number of queries."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from hearth.discussions import services
from hearth.discussions.models import Post, Watch
from hearth.testing.factories import actor_for, membership_factory, user_factory


def topic_url(topic):
    return reverse("discussions:topic", args=[topic.community.slug, topic.slug, topic.pk])


def delete_url(post):
    return reverse("discussions:post-delete", args=[post.community.slug, post.pk])


def edit_url(post):
    return reverse("discussions:post-edit", args=[post.community.slug, post.pk])


def page_for(user, url):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.fixture
def reply(community, topic, newcomer):
    """Post 2, by the newcomer persona (a plain reply: deleting it keeps the topic)."""
    return services.post_reply(actor=actor_for(newcomer, community), topic=topic, body="Me too")


class TestPostMenu:
    @pytest.mark.parametrize(
        "persona, allowed",
        [
            ("anonymous", False),
            ("outsider", False),
            ("member", False),  # another member: not the reply's author
            ("newcomer", True),  # the author
            ("moderator", True),
            ("owner", True),
        ],
    )
    def test_edit_and_delete_only_for_those_the_policy_allows(
        self, personas, reply, persona, allowed
    ):
        html = page_for(personas[persona], topic_url(reply.topic) + "?page=1").content.decode()
        article = re.search(r'<article[^>]*id="post-2".*?</article>', html, re.S).group(0)
        assert 'class="menu post-menu"' in article  # the menu is there for everyone
        assert (edit_url(reply) in article) is allowed
        assert (delete_url(reply) in article) is allowed
        # Delete is a link to the confirmation page, never a one-click form.
        assert f'action="{delete_url(reply)}"' not in article

    def test_reply_is_visible_and_quote_is_in_the_menu(self, client, member, reply):
        client.force_login(member)
        html = client.get(topic_url(reply.topic) + "?page=1").content.decode()
        article = re.search(r'<article[^>]*id="post-2".*?</article>', html, re.S).group(0)
        footer, menu = article.split('class="menu post-menu"')
        assert f"?reply_to={reply.pk}#reply" in footer
        assert f"?quote={reply.pk}#reply" in menu
        assert "btn btn--ghost" not in article  # no row of bordered buttons any more


class TestDeleteConfirmation:
    def test_get_asks_first_and_changes_nothing(self, client, newcomer, reply):
        client.force_login(newcomer)
        response = client.get(delete_url(reply))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Delete this post?" in html
        assert "Cancel" in html
        assert f'href="{topic_url(reply.topic)}#post-2"' in html
        assert Post.objects.get(pk=reply.pk).deleted_at is None

    def test_post_deletes(self, client, newcomer, reply):
        client.force_login(newcomer)
        response = client.post(delete_url(reply))
        assert response.status_code == 302
        assert Post.objects.get(pk=reply.pk).deleted_at is not None

    def test_first_post_warns_that_the_topic_goes_too(self, client, member, topic):
        client.force_login(member)
        first = topic.posts.get(number=1)
        html = client.get(delete_url(first)).content.decode()
        assert "deletes the whole topic" in html

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_another_member_is_refused_and_nothing_is_written(self, client, member, reply, method):
        client.force_login(member)
        response = getattr(client, method)(delete_url(reply))
        assert response.status_code == 403
        reply.refresh_from_db()
        assert reply.deleted_at is None
        assert reply.topic.post_count == 2

    def test_outsider_of_a_members_only_category_gets_404(
        self, client, community, member, members_only, outsider
    ):
        hidden = services.topic_create(
            actor=actor_for(member, community), category=members_only, title="Secret", body="x"
        )
        client.force_login(outsider)
        first = hidden.posts.get()
        assert client.get(delete_url(first)).status_code == 404
        assert client.post(delete_url(first)).status_code == 404
        assert Post.objects.get(pk=first.pk).deleted_at is None

    def test_anonymous_is_sent_to_sign_in(self, client, reply):
        response = client.get(delete_url(reply))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_already_deleted_post_cannot_be_deleted_twice(self, client, newcomer, reply):
        client.force_login(newcomer)
        client.post(delete_url(reply))
        assert client.get(delete_url(reply)).status_code == 403
        assert client.post(delete_url(reply)).status_code == 403

    def test_other_methods_are_refused(self, client, newcomer, reply):
        client.force_login(newcomer)
        assert client.put(delete_url(reply)).status_code == 405


class TestReactions:
    def _reactions(self, html, post):
        return re.search(
            rf'<div class="reactions" id="reactions-{post.pk}">.*?\n</div>', html, re.S
        )

    def test_none_given_shows_only_the_picker(self, client, member, reply):
        client.force_login(member)
        box = self._reactions(
            client.get(topic_url(reply.topic) + "?page=1").content.decode(), reply
        )
        assert box is not None
        box = box.group(0)
        assert "reaction--given" not in box
        assert box.count("reaction--pick") == 5
        assert box.count("<details") == 1

    def test_given_reactions_show_with_counts_and_my_state(
        self, client, community, member, owner, reply
    ):
        services.reaction_toggle(actor=actor_for(owner, community), post=reply, kind="heart")
        services.reaction_toggle(actor=actor_for(member, community), post=reply, kind="heart")
        services.reaction_toggle(actor=actor_for(owner, community), post=reply, kind="tada")
        client.force_login(member)
        box = self._reactions(
            client.get(topic_url(reply.topic) + "?page=1").content.decode(), reply
        ).group(0)
        given = re.findall(
            r'<button[^>]*reaction--given[^>]*>[^<]*<span class="reaction__count">(\d+)', box
        )
        assert given == ["2", "1"]
        heart = re.search(
            r'<button[^>]*value="heart"[^>]*reaction--given|<button[^>]*reaction--given[^>]*value="heart"[^>]*>',
            box,
        )
        assert heart is not None
        assert (
            'reaction--given reaction--mine" type="submit" name="kind" value="heart" '
            'aria-pressed="true"' in box
        )
        assert 'value="tada" aria-pressed="false"' in box
        # The accessible name is the visible text: no aria-label on reaction buttons.
        assert "aria-label" not in box

    def test_visitor_sees_given_reactions_only_as_text(self, community, owner, reply):
        services.reaction_toggle(actor=actor_for(owner, community), post=reply, kind="bulb")
        box = self._reactions(
            page_for(None, topic_url(reply.topic) + "?page=1").content.decode(), reply
        )
        box = box.group(0)
        assert "<button" not in box and "<details" not in box
        assert box.count("reaction--static") == 1
        assert "💡" in box

    def test_htmx_toggle_returns_the_fragment_with_the_picker(self, client, member, reply):
        client.force_login(member)
        url = reverse("discussions:post-react", args=[reply.community.slug, reply.pk])
        response = client.post(url, {"kind": "thumbsup"}, HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert response.status_code == 200
        assert f'id="react-{reply.pk}-thumbsup"' in html
        assert html.count("reaction--pick") == 5
        assert client.post(url, {"kind": "nope"}).status_code == 400


class TestWatchForm:
    def test_short_levels_and_save(self, client, community, newcomer, topic):
        member = newcomer  # not the topic's author, who watches it already
        client.force_login(member)
        html = client.get(topic_url(topic)).content.decode()
        assert '<option value="normal" selected>Normal</option>' in html
        url = reverse("discussions:topic-watch", args=[community.slug, topic.pk])
        assert client.post(url, {"level": "watching"}).status_code == 302
        assert Watch.objects.get(user=member, topic=topic).level == "watching"
        html = client.get(topic_url(topic)).content.decode()
        assert '<option value="watching" selected>Watching</option>' in html
        assert "You are told about every reply." in html

    def test_bad_level_is_ignored(self, client, community, newcomer, topic):
        member = newcomer
        client.force_login(member)
        url = reverse("discussions:topic-watch", args=[community.slug, topic.pk])
        assert client.post(url, {"level": "loud"}).status_code == 302
        assert not Watch.objects.filter(user=member, topic=topic).exists()


class TestTopicListLastPoster:
    def _busy_topics(self, community, general, author, n, start=0):
        for i in range(start, start + n):
            topic = services.topic_create(
                actor=actor_for(author, community), category=general, title=f"Busy {i}", body="x"
            )
            replier = membership_factory(
                community, user=user_factory(display_name=f"Replier {i}"), trust_level=1
            ).user
            services.post_reply(actor=actor_for(replier, community), topic=topic, body="yes")

    @pytest.mark.parametrize(
        "path", ["/c/garden/latest", "/c/garden/category/general/", "/c/garden/"]
    )
    def test_avatars_cost_no_query_per_row(
        self, client, community, member, general, path, django_assert_max_num_queries
    ):
        client.force_login(member)
        self._busy_topics(community, general, member, 2)
        with django_assert_max_num_queries(40) as few:
            response = client.get(path)
        assert response.status_code == 200
        self._busy_topics(community, general, member, 8, start=2)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(path)
        html = response.content.decode()
        assert "Last reply by Replier 9" in html
        assert html.count('class="topic-row__poster"') >= 10

    def test_new_pill_sits_in_the_title_line(self, client, community, owner, member, general):
        services.topic_create(
            actor=actor_for(owner, community), category=general, title="Fresh one", body="x"
        )
        client.force_login(member)
        html = client.get("/c/garden/latest").content.decode()
        line = re.search(r'<p class="topic-row__line">.*?</p>', html, re.S).group(0)
        assert "Fresh one" in line and "topic-row__new" in line


def test_the_readers_position_and_watch_level_come_with_the_topic(
    client, community, member, topic, reply
):
    """One query reads the topic, the member's reading position and their watch level; the
    page shows both (the unread marker after the last post read, the chosen level)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Watch.objects.update_or_create(
        community=community, user=member, topic=topic, defaults={"level": "tracking"}
    )
    client.force_login(member)
    client.get(topic_url(topic) + "?page=1")  # the first visit reads both posts
    services.post_reply(actor=actor_for(community.created_by, community), topic=topic, body="New")
    with CaptureQueriesContext(connection) as queries:
        body = client.get(topic_url(topic) + "?page=1").content.decode()
    reads = [q["sql"] for q in queries if "discussions_watch" in q["sql"]]
    assert len(reads) == 1
    assert "discussions_topicread" in reads[0] and "discussions_category" in reads[0]
    assert re.search(r'<option value="tracking" selected>', body)
    assert 'class="unread-divider"' in body  # before post 3, the first unread
