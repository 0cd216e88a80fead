"""The capabilities through the pages: what a level-0 member's post may hold, and the tools
levels 2-4 unlock."""

import pytest
from django.urls import reverse

from hearth.communities.models import Invite, StaffAction
from hearth.discussions.models import Category, Post, Topic
from hearth.testing.factories import image_upload, membership_factory, user_factory


def reply_url(topic):
    return reverse("discussions:reply", args=["garden", topic.pk])


def topic_page(topic):
    return reverse("discussions:topic", args=["garden", topic.slug, topic.pk])


@pytest.fixture
def at(community, client):
    """Sign in as a fresh member at a level."""

    def login(level):
        user = user_factory(username=f"l{level}")
        membership_factory(community, user=user, trust_level=level)
        client.force_login(user)
        return user

    return login


class TestNewMembersPosts:
    def test_three_links_are_refused_with_the_reason(self, client, newcomer, topic):
        client.force_login(newcomer)
        body = "See [a](https://a.example) [b](https://b.example) [c](https://c.example)"
        response = client.post(reply_url(topic), {"body": body})
        assert response.status_code == 400
        assert "New members can put at most 2 links in a post." in response.content.decode()
        assert not Post.objects.filter(topic=topic, author=newcomer).exists()

    def test_too_many_mentions_are_refused(self, client, newcomer, topic, member, owner):
        client.force_login(newcomer)
        response = client.post(reply_url(topic), {"body": "@mel @olivia @nobody hi"})
        assert "at most 2 people" in response.content.decode()

    def test_an_image_upload_is_refused(self, client, newcomer, topic):
        client.force_login(newcomer)
        response = client.post(reply_url(topic), {"body": "Look", "image": image_upload()})
        assert response.status_code == 400
        assert "New members cannot attach files yet" in response.content.decode()
        assert not Post.objects.filter(topic=topic, author=newcomer).exists()

    def test_a_new_topic_with_too_many_links_writes_nothing(self, client, newcomer, general):
        client.force_login(newcomer)
        links = " ".join(f"<https://{i}.example>" for i in range(3))
        response = client.post(
            reverse("discussions:topic-new", args=["garden"]),
            {"category": general.pk, "title": "Links", "body": links},
        )
        assert "at most 2 links" in response.content.decode()
        assert not Topic.objects.filter(title="Links").exists()

    def test_the_form_offers_no_attachment_to_new_members(self, client, newcomer, member, topic):
        client.force_login(newcomer)
        assert 'name="image"' not in client.get(topic_page(topic)).content.decode()
        client.force_login(member)
        assert 'name="image"' in client.get(topic_page(topic)).content.decode()

    def test_a_basic_member_posts_them(self, client, member, topic):
        client.force_login(member)
        body = "See [a](https://a.example) [b](https://b.example) [c](https://c.example)"
        assert client.post(reply_url(topic), {"body": body}).status_code == 302

    def test_editing_in_more_links_is_refused_too(self, client, newcomer, topic, community):
        from hearth.discussions import services
        from hearth.testing.factories import actor_for

        post = services.post_reply(actor=actor_for(newcomer, community), topic=topic, body="hi")
        client.force_login(newcomer)
        links = " ".join(f"<https://{i}.example>" for i in range(3))
        response = client.post(
            reverse("discussions:post-edit", args=["garden", post.pk]), {"body": links}
        )
        assert "at most 2 links" in response.content.decode()
        post.refresh_from_db()
        assert post.body == "hi"


class TestTopicTools:
    def test_a_regular_retitles_and_recategorises(self, client, at, topic, community):
        other = Category.objects.create(community=community, name="Other", slug="other")
        at(3)
        page = client.get(topic_page(topic)).content.decode()
        assert "Retitle or recategorise" in page and "Move, merge or split" not in page
        response = client.post(
            reverse("discussions:topic-details", args=["garden", topic.pk]),
            {"title": "A clearer title", "category": other.pk},
        )
        assert response.status_code == 302
        topic.refresh_from_db()
        assert topic.title == "A clearer title" and topic.category == other
        assert StaffAction.objects.filter(action="topic.retitle").exists()

    def test_a_basic_member_may_not_recategorise(self, client, at, topic, general):
        at(1)
        assert "Retitle or recategorise" not in client.get(topic_page(topic)).content.decode()
        url = reverse("discussions:topic-details", args=["garden", topic.pk])
        assert client.post(url, {"title": "Mine now", "category": general.pk}).status_code == 403
        topic.refresh_from_db()
        assert topic.title == "Hello garden"

    def test_a_blank_title_is_refused(self, client, at, topic, general):
        at(3)
        url = reverse("discussions:topic-details", args=["garden", topic.pk])
        response = client.post(url, {"title": "", "category": general.pk})
        assert response.status_code == 200 and "This field is required" in response.content.decode()

    def test_a_leader_pins_and_closes(self, client, at, topic):
        at(4)
        assert "Move, merge or split" in client.get(topic_page(topic)).content.decode()
        url = reverse("discussions:topic-state", args=["garden", topic.pk])
        assert client.post(url, {"pinned": "1", "closed": "1"}).status_code == 302
        topic.refresh_from_db()
        assert topic.is_pinned and topic.is_closed
        tools = reverse("discussions:topic-tools", args=["garden", topic.pk])
        assert client.get(tools).status_code == 200

    def test_a_regular_may_not_pin(self, client, at, topic):
        at(3)
        url = reverse("discussions:topic-state", args=["garden", topic.pk])
        assert client.post(url, {"pinned": "1"}).status_code == 403
        tools = reverse("discussions:topic-tools", args=["garden", topic.pk])
        assert client.get(tools).status_code == 403
        topic.refresh_from_db()
        assert not topic.is_pinned


class TestInvites:
    URL = reverse("communities:invites", args=["garden"])

    def test_a_level_2_member_invites_someone(self, client, at, community):
        user = at(2)
        response = client.post(self.URL, {"max_uses": "", "expires_in_days": ""})
        assert response.status_code == 302
        invite = Invite.objects.get(created_by=user)
        assert invite.max_uses == 1 and invite.expires_at is not None
        assert not StaffAction.objects.filter(action="invite.create").exists()
        assert invite.code in client.get(self.URL).content.decode()

    @pytest.mark.parametrize(
        "data, message",
        [
            ({"max_uses": "50"}, "between 1 and 10 uses"),
            ({"expires_in_days": "90"}, "1 to 30 days"),
        ],
    )
    def test_member_invites_are_small(self, client, at, data, message):
        at(2)
        response = client.post(self.URL, data)
        assert message in response.content.decode()
        assert not Invite.objects.exists()

    def test_a_level_1_member_may_not(self, client, at):
        at(1)
        assert client.get(self.URL).status_code == 403
        assert client.post(self.URL, {}).status_code == 403
        assert not Invite.objects.exists()

    def test_a_member_revokes_only_their_own(self, client, at, owner, community):
        from hearth.communities import services
        from hearth.testing.factories import actor_for

        theirs = services.invite_create(actor=actor_for(owner, community))
        at(2)
        url = reverse("communities:my-invite-revoke", args=["garden", theirs.pk])
        assert client.post(url).status_code == 403
        theirs.refresh_from_db()
        assert theirs.revoked_at is None
