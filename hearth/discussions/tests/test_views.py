import pytest
from django.test import Client
from django.urls import reverse

from hearth.communities.models import Visibility
from hearth.discussions import services
from hearth.discussions.models import Category, Post, Reaction, Topic
from hearth.testing.factories import actor_for, community_factory, membership_factory


def topic_url(topic):
    return reverse("discussions:topic", args=[topic.community.slug, topic.slug, topic.pk])


def _topics(community, user, category, n):
    for i in range(n):
        services.topic_create(
            actor=actor_for(user, community), category=category, title=f"Topic {i}", body="x"
        )


class TestReading:
    def test_public_topic_is_readable_by_anonymous(self, client, topic):
        response = client.get(topic_url(topic))
        assert response.status_code == 200
        assert "Hello garden" in response.content.decode()
        assert "Sign in" in response.content.decode()

    def test_members_only_category_is_404_for_outsiders(
        self, client, community, member, members_only, outsider
    ):
        topic = services.topic_create(
            actor=actor_for(member, community),
            category=members_only,
            title="Secret plans",
            body="x",
        )
        for user in (None, outsider):
            c = Client()
            if user:
                c.force_login(user)
            for url in (
                topic_url(topic),
                reverse("discussions:category", args=["garden", members_only.slug]),
            ):
                response = c.get(url)
                assert response.status_code == 404
                assert "Secret plans" not in response.content.decode()
            assert "Secret plans" not in c.get("/c/garden/latest").content.decode()
            assert "Secret plans" not in c.get("/c/garden/").content.decode()
        client.force_login(member)
        assert client.get(topic_url(topic)).status_code == 200

    def test_staff_category_hidden_from_members(self, client, community, owner, member, staff_room):
        topic = services.topic_create(
            actor=actor_for(owner, community), category=staff_room, title="Mod talk", body="x"
        )
        client.force_login(member)
        assert client.get(topic_url(topic)).status_code == 404
        assert "Mod talk" not in client.get("/c/garden/latest").content.decode()

    def test_private_community_topics_are_404(self, client, owner, outsider):
        private = community_factory(owner=owner, visibility=Visibility.PRIVATE)
        category = Category.objects.get(community=private, slug="general")
        topic = services.topic_create(
            actor=actor_for(owner, private), category=category, title="Hidden", body="x"
        )
        client.force_login(outsider)
        assert client.get(topic_url(topic)).status_code == 404

    def test_topic_from_another_community_is_404(self, client, community, owner, topic):
        other = community_factory(owner=owner, slug="other")
        response = client.get(reverse("discussions:topic", args=[other.slug, topic.slug, topic.pk]))
        assert response.status_code == 404

    def test_wrong_slug_redirects_to_canonical(self, client, topic):
        response = client.get(reverse("discussions:topic", args=["garden", "wrong-slug", topic.pk]))
        assert response.status_code == 301 and response["Location"] == topic_url(topic)

    def test_opens_at_first_unread(self, client, community, owner, member, topic):
        services.topic_mark_read(actor=actor_for(member, community), topic=topic, number=1)
        for _ in range(2):
            services.post_reply(actor=actor_for(owner, community), topic=topic, body="more")
        client.force_login(member)
        response = client.get(topic_url(topic))
        assert response.status_code == 302 and response["Location"].endswith("?page=1#post-2")
        page = client.get(topic_url(topic) + "?page=1").content.decode()
        assert "unread-divider" in page

    def test_unread_counts_in_list(self, client, community, owner, member, topic):
        services.post_reply(actor=actor_for(owner, community), topic=topic, body="news")
        client.force_login(member)
        body = client.get("/c/garden/latest?show=unread").content.decode()
        assert "Hello garden" in body and "count--unread" in body

    def test_merged_topic_redirects_members(self, client, community, owner, member, topic, general):
        other = services.topic_create(
            actor=actor_for(owner, community), category=general, title="Dupe", body="x"
        )
        services.topic_merge(actor=actor_for(owner, community), topic=other, into=topic)
        client.force_login(member)
        response = client.get(topic_url(other))
        assert response.status_code == 302 and response["Location"] == topic_url(topic)

    def test_deleted_topic_is_404_for_members_but_not_staff(
        self, client, community, owner, member, topic
    ):
        services.post_delete(
            actor=actor_for(member, community), post=Post.objects.get(topic=topic, number=1)
        )
        client.force_login(member)
        assert client.get(topic_url(topic)).status_code == 404
        client.force_login(owner)
        assert client.get(topic_url(topic)).status_code == 200

    def test_bad_page_numbers_do_not_fail(self, client, topic):
        for page in ("0", "-1", "abc", "99999"):
            assert client.get(topic_url(topic) + f"?page={page}").status_code == 200
            assert client.get(f"/c/garden/latest?page={page}").status_code == 200


class TestQueryCounts:
    def test_topic_list_is_flat(
        self, client, community, member, general, django_assert_max_num_queries
    ):
        client.force_login(member)
        _topics(community, member, general, 5)
        with django_assert_max_num_queries(20) as few:
            client.get("/c/garden/latest")
        _topics(community, member, general, 45)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get("/c/garden/latest")

    def test_topic_page_is_flat(
        self, client, community, owner, member, topic, django_assert_max_num_queries
    ):
        client.force_login(member)
        url = topic_url(topic) + "?page=1"
        for _ in range(4):
            services.post_reply(
                actor=actor_for(owner, community), topic=topic, body=f"hi @{member.username}"
            )
        with django_assert_max_num_queries(25) as few:
            client.get(url)
        for _ in range(15):
            user = membership_factory(community).user
            post = services.post_reply(actor=actor_for(user, community), topic=topic, body="more")
            services.reaction_toggle(actor=actor_for(owner, community), post=post, kind="heart")
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(url)


class TestWriting:
    def test_new_topic_form_and_bad_input(self, client, community, member, general):
        client.force_login(member)
        assert client.get("/c/garden/new-topic").status_code == 200
        response = client.post(
            "/c/garden/new-topic",
            {"category": str(general.pk), "title": " ", "body": "", "client_token": "t1"},
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "Give the topic a title." in body and "Write something first." in body
        assert not Topic.objects.exists()
        response = client.post(
            "/c/garden/new-topic",
            {"category": str(general.pk), "title": "Hi", "body": "Body", "client_token": "t2"},
        )
        assert response.status_code == 302

    def test_new_topic_in_unreadable_category_is_refused(
        self, client, community, member, staff_room
    ):
        client.force_login(member)
        response = client.post(
            "/c/garden/new-topic",
            {"category": str(staff_room.pk), "title": "Hi", "body": "x", "client_token": "t"},
        )
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
        assert not Topic.objects.exists()

    @pytest.mark.parametrize("persona", ["outsider", "banned"])
    def test_non_members_cannot_open_editor(self, client, personas, persona):
        client.force_login(personas[persona])
        assert client.get("/c/garden/new-topic").status_code == 403

    def test_double_submitted_reply_posts_once(self, client, community, member, topic):
        client.force_login(member)
        data = {"body": "Once", "client_token": "same-token"}
        url = reverse("discussions:reply", args=["garden", topic.pk])
        assert client.post(url, data).status_code == 302
        assert client.post(url, data).status_code == 302
        assert Post.objects.filter(topic=topic, body="Once").count() == 1

    def test_empty_reply_shows_message(self, client, member, topic):
        client.force_login(member)
        response = client.post(
            reverse("discussions:reply", args=["garden", topic.pk]), {"body": "  "}
        )
        assert response.status_code == 400 and "Write something first." in response.content.decode()

    def test_reply_to_closed_topic_is_403(self, client, community, owner, member, topic):
        services.topic_set_state(actor=actor_for(owner, community), topic=topic, closed=True)
        client.force_login(member)
        response = client.post(
            reverse("discussions:reply", args=["garden", topic.pk]), {"body": "hi"}
        )
        assert response.status_code == 403

    def test_editing_someone_elses_post_is_403(self, client, newcomer, topic):
        client.force_login(newcomer)
        post = Post.objects.get(topic=topic)
        assert (
            client.get(reverse("discussions:post-edit", args=["garden", post.pk])).status_code
            == 403
        )
        assert (
            client.post(
                reverse("discussions:post-edit", args=["garden", post.pk]), {"body": "x"}
            ).status_code
            == 403
        )

    def test_reaction_via_htmx_and_twice(self, client, owner, topic):
        client.force_login(owner)
        post = Post.objects.get(topic=topic)
        url = reverse("discussions:post-react", args=["garden", post.pk])
        response = client.post(url, {"kind": "heart"}, HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert response.status_code == 200 and 'value="heart" aria-pressed="true"' in body
        client.post(url, {"kind": "heart"})
        assert not Reaction.objects.exists()
        assert client.post(url, {"kind": "nope"}).status_code == 400

    def test_csrf_required(self, member, topic):
        c = Client(enforce_csrf_checks=True)
        c.force_login(member)
        assert (
            c.post(
                reverse("discussions:reply", args=["garden", topic.pk]), {"body": "x"}
            ).status_code
            == 403
        )

    def test_mention_autocomplete_is_community_scoped(
        self, client, community, member, owner, outsider
    ):
        membership_factory(community_factory(owner=owner), user=outsider)
        client.force_login(member)
        names = [m["username"] for m in client.get("/c/garden/mentions?q=o").json()["members"]]
        assert "olivia" in names and "otto" not in names

    def test_mention_autocomplete_empty_for_outsiders(self, client, outsider, community):
        client.force_login(outsider)
        assert client.get("/c/garden/mentions?q=o").json() == {"members": []}

    def test_staff_tools_denied_to_members(self, client, member, topic):
        client.force_login(member)
        assert (
            client.post(
                reverse("discussions:topic-state", args=["garden", topic.pk]), {"pinned": "1"}
            ).status_code
            == 403
        )
        assert (
            client.get(reverse("discussions:topic-tools", args=["garden", topic.pk])).status_code
            == 403
        )

    def test_category_admin(self, client, owner, moderator):
        client.force_login(moderator)
        assert client.get("/c/garden/manage/categories/").status_code == 403
        client.force_login(owner)
        response = client.post("/c/garden/manage/categories/", {
            "name": "Help", "slug": "", "description": "", "color": "#112233",
            "read_access": "everyone", "post_access": "members", "kind": "discussion",
        })  # fmt: skip
        assert response.status_code == 302
        response = client.post("/c/garden/manage/categories/", {
            "name": "Help", "slug": "", "description": "", "color": "nope",
            "read_access": "everyone", "post_access": "members", "kind": "discussion",
        })  # fmt: skip
        assert response.status_code == 200 and "six hex digits" in response.content.decode()


def test_category_watch_levels(client, community, member, outsider, general, members_only):
    from hearth.discussions.models import Watch

    client.force_login(member)
    url = reverse("discussions:category-watch", args=["garden", general.slug])
    assert client.post(url, {"level": "muted"}).status_code == 302
    assert Watch.objects.get(user=member, category=general).level == "muted"
    assert client.post(url, {"level": "bogus"}).status_code == 302
    assert Watch.objects.get(user=member, category=general).level == "muted"
    client.force_login(outsider)
    hidden = reverse("discussions:category-watch", args=["garden", members_only.slug])
    assert client.post(hidden, {"level": "watching"}).status_code == 404
    assert client.post(url, {"level": "watching"}).status_code == 403
