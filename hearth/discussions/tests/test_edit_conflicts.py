"""Two edits of one post at once: the later save never silently erases the earlier one.

The editor (page and API) carries the revision it started from (the post's edit_count); a
save over a newer revision is refused with both texts shown (page, 409) or 409
``conflict`` (API), and nothing is written."""

import json

import pytest
from django.urls import reverse

from hearth.api import services as api_services
from hearth.discussions import services
from hearth.discussions.models import Post, PostRevision
from hearth.testing.factories import actor_for

BASE = "/api/v1/communities/garden"


@pytest.fixture
def post(topic):
    return Post.objects.get(topic=topic, number=1)


def edit_url(post):
    return reverse("discussions:post-edit", args=[post.community.slug, post.pk])


def api_key(user, community):
    return api_services.api_key_create(
        actor=actor_for(user, community), name="k", kind="member", scopes=["read", "write"]
    )[1]


def patch(client, post, token, body):
    return client.patch(
        f"{BASE}/posts/{post.pk}",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


class TestService:
    def test_a_save_from_the_current_revision_goes_through(self, community, member, post):
        actor = actor_for(member, community)
        services.post_edit(actor=actor, post=post, body="One", revision=0)
        services.post_edit(actor=actor, post=post, body="Two", revision=1)
        post.refresh_from_db()
        assert (post.body, post.edit_count) == ("Two", 2)

    def test_a_stale_save_is_refused_and_writes_nothing(self, community, member, admin, post):
        services.post_edit(actor=actor_for(admin, community), post=post, body="Staff fix")
        with pytest.raises(services.EditConflict) as raised:
            services.post_edit(
                actor=actor_for(member, community), post=post, body="Mine", revision=0
            )
        assert raised.value.post.body == "Staff fix" and raised.value.post.edit_count == 1
        post.refresh_from_db()
        assert (post.body, post.edit_count) == ("Staff fix", 1)
        assert PostRevision.objects.filter(post=post).count() == 1

    def test_a_stale_save_of_the_same_text_is_no_conflict(self, community, member, post):
        actor = actor_for(member, community)
        services.post_edit(actor=actor, post=post, body="Same", revision=0)
        assert services.post_edit(actor=actor, post=post, body="Same", revision=0).body == "Same"

    def test_without_a_revision_the_last_save_wins(self, community, member, post):
        actor = actor_for(member, community)
        services.post_edit(actor=actor, post=post, body="One")
        services.post_edit(actor=actor, post=post, body="Two")
        post.refresh_from_db()
        assert post.body == "Two"

    def test_the_policy_is_asked_before_the_revision(self, community, newcomer, post):
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            services.post_edit(
                actor=actor_for(newcomer, community), post=post, body="x", revision=99
            )


class TestPage:
    def test_the_editor_carries_the_revision(self, client, community, member, post):
        services.post_edit(actor=actor_for(member, community), post=post, body="Once")
        client.force_login(member)
        page = client.get(edit_url(post)).content.decode()
        assert 'name="revision" value="1"' in page

    def test_two_editors_at_once_the_later_sees_both_texts(
        self, client, community, member, admin, post
    ):
        # Both opened the editor at revision 0; the moderator saved first.
        services.post_edit(actor=actor_for(admin, community), post=post, body="Moderator's fix")
        client.force_login(member)
        response = client.post(
            edit_url(post), {"body": "My longer text", "title": "Hello garden", "revision": "0"}
        )
        assert response.status_code == 409
        page = response.content.decode()
        assert "Someone else saved this post while you were editing it." in page
        assert "Moderator&#x27;s fix" in page  # the saved text, to merge from
        assert "My longer text" in page  # the member's text, still in the editor
        assert 'name="revision" value="1"' in page
        post.refresh_from_db()
        assert post.body == "Moderator's fix"
        # The merged text, sent from the conflict page, is saved.
        response = client.post(
            edit_url(post),
            {"body": "Moderator's fix\n\nMy longer text", "title": "Hello garden", "revision": "1"},
        )
        assert response.status_code == 302
        post.refresh_from_db()
        assert post.body == "Moderator's fix\n\nMy longer text" and post.edit_count == 2

    def test_a_retitle_counts_as_an_edit(self, client, community, member, admin, post):
        services.post_edit(
            actor=actor_for(admin, community), post=post, body=post.body, title="New title"
        )
        client.force_login(member)
        response = client.post(
            edit_url(post), {"body": "Changed", "title": "Hello garden", "revision": "0"}
        )
        assert response.status_code == 409 and "New title" in response.content.decode()
        post.topic.refresh_from_db()
        assert post.topic.title == "New title"

    @pytest.mark.parametrize("revision", ["-1", "x", "99999999999"])
    def test_a_bad_revision_is_a_form_error(self, client, member, post, revision):
        client.force_login(member)
        response = client.post(edit_url(post), {"body": "x", "revision": revision})
        assert response.status_code == 200
        post.refresh_from_db()
        assert post.body == "First post"

    def test_someone_who_may_not_edit_gets_no_conflict_page(self, client, newcomer, post):
        client.force_login(newcomer)
        response = client.post(edit_url(post), {"body": "x", "revision": "5"})
        assert response.status_code == 403


class TestApi:
    def test_the_post_says_its_revision(self, client, community, member, post):
        token = api_key(member, community)
        response = patch(client, post, token, {"body": "Edited", "revision": 0})
        assert response.status_code == 200 and response.json()["revision"] == 1

    def test_a_stale_revision_is_409_conflict(self, client, community, member, admin, post):
        services.post_edit(actor=actor_for(admin, community), post=post, body="Staff fix")
        response = patch(client, post, api_key(member, community), {"body": "Mine", "revision": 0})
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "conflict"
        post.refresh_from_db()
        assert post.body == "Staff fix"

    def test_without_a_revision_the_edit_overwrites(self, client, community, member, post):
        response = patch(client, post, api_key(member, community), {"body": "Edited"})
        assert response.status_code == 200

    @pytest.mark.parametrize("revision", [-1, "x", 2**40])
    def test_a_bad_revision_is_422(self, client, community, member, post, revision):
        response = patch(
            client, post, api_key(member, community), {"body": "E", "revision": revision}
        )
        assert response.status_code == 422

    def test_a_stranger_gets_403_not_409(self, client, community, newcomer, post):
        response = patch(client, post, api_key(newcomer, community), {"body": "x", "revision": 9})
        assert response.status_code == 403
