"""Post images: private storage, served only to people who may read the post; a full disk
or a failed write leaves neither a file nor a row behind."""

import importlib
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from hearth.communities.models import Visibility
from hearth.core.uploads import private_storage
from hearth.discussions import services
from hearth.discussions.models import Attachment, PostRevision, Topic
from hearth.testing.factories import actor_for, image_upload
from hearth.testing.uploads import UPLOAD_FAILED, disk_full, full_storages, stored_files

STAFF = {"owner", "admin", "moderator"}
PERSONAS = ["owner", "admin", "moderator", "member", "newcomer", "banned", "outsider", "anonymous"]


def _real_storages() -> dict:
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {"BACKEND": "hearth.core.uploads.PrivateStorage"},
    }


def fetch(user, url: str) -> SimpleNamespace:
    """GET ``url`` as ``user`` and read the body; the test client closes the file once the
    body is read, as a server would. (Closing again would send request_finished and, on
    PostgreSQL, close the test's connection inside its transaction.)"""
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    body = response.getvalue()
    return SimpleNamespace(status_code=response.status_code, body=body, headers=response)


def topic_with_image(community, user, category) -> Topic:
    return services.topic_create(
        actor=actor_for(user, community),
        category=category,
        title="With a picture",
        body="Look",
        image=image_upload("p.jpg", fmt="JPEG", size=(80, 60)),
    )


def image_of(topic) -> Attachment:
    return Attachment.objects.filter(post__topic=topic).order_by("pk").first()


class TestAccess:
    @pytest.mark.parametrize("persona", PERSONAS)
    def test_staff_only_category(self, personas, community, moderator, staff_room, persona):
        attachment = image_of(topic_with_image(community, moderator, staff_room))
        response = fetch(personas[persona], attachment.get_absolute_url())
        assert response.status_code == (200 if persona in STAFF else 404)
        if response.status_code == 200:
            with attachment.file.open("rb") as stored:
                assert response.body == stored.read()
            assert response.headers["Content-Type"] == "image/jpeg"
            assert response.headers["Cache-Control"] == "private, max-age=3600"

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_public_category(self, personas, community, member, general, persona):
        attachment = image_of(topic_with_image(community, member, general))
        response = fetch(personas[persona], attachment.get_absolute_url())
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, max-age=3600"

    def test_thumbnail_is_checked_like_the_image(self, community, moderator, staff_room, member):
        topic = topic_with_image(community, moderator, staff_room)
        thumb = Attachment.objects.filter(post__topic=topic).order_by("pk").last()
        assert "/thumbs/" in thumb.file.name
        assert fetch(member, thumb.get_absolute_url()).status_code == 404
        assert fetch(moderator, thumb.get_absolute_url()).status_code == 200

    def test_private_community(self, community, owner, member, general, outsider):
        community.visibility = Visibility.PRIVATE
        community.save()
        url = image_of(topic_with_image(community, member, general)).get_absolute_url()
        assert fetch(member, url).status_code == 200
        for stranger in (None, outsider):
            assert fetch(stranger, url).status_code == 404

    def test_deleted_post_is_for_staff_only(self, community, member, moderator, general):
        topic = topic_with_image(community, member, general)
        url = image_of(topic).get_absolute_url()
        services.post_delete(actor=actor_for(member, community), post=topic.posts.get())
        assert fetch(member, url).status_code == 404
        assert fetch(None, url).status_code == 404
        assert fetch(moderator, url).status_code == 200

    def test_moving_the_topic_moves_the_permission(
        self, community, member, moderator, general, staff_room
    ):
        topic = topic_with_image(community, member, general)
        url = image_of(topic).get_absolute_url()
        services.topic_move(actor=actor_for(moderator, community), topic=topic, category=staff_room)
        assert fetch(member, url).status_code == 404

    def test_wrong_name_or_community_is_404(self, community, member, general, owner):
        from hearth.testing.factories import community_factory

        attachment = image_of(topic_with_image(community, member, general))
        other = community_factory(owner=owner, slug="other")
        for args in (
            [community.slug, attachment.pk, "other.jpg"],
            [other.slug, attachment.pk, attachment.filename],
        ):
            url = reverse("discussions:attachment", args=args)
            assert fetch(owner, url).status_code == 404

    def test_upload_without_a_post_is_never_served(self, community, owner):
        name = private_storage().save("posts/x/loose.jpg", ContentFile(b"x"))
        loose = Attachment.objects.create(community=community, file=name)
        assert fetch(owner, loose.get_absolute_url()).status_code == 404

    def test_not_reachable_under_media(self, settings, community, moderator, staff_room):
        attachment = image_of(topic_with_image(community, moderator, staff_room))
        assert not (Path(settings.MEDIA_ROOT) / attachment.file.name).exists()
        private_root = Path(settings.HEARTH_PRIVATE_MEDIA_ROOT)
        assert Path(settings.MEDIA_ROOT) not in private_root.parents
        for url in (
            f"/media/{attachment.file.name}",
            f"/media/../private-media/{attachment.file.name}",
            f"/media/%2e%2e/private-media/{attachment.file.name}",
        ):
            assert fetch(moderator, url).status_code in (400, 404)  # 400: a path leaving /media/

    def test_x_accel_redirect(self, settings, community, moderator, staff_room, member):
        settings.HEARTH_MEDIA_ACCEL_REDIRECT = "/protected-media/"
        attachment = image_of(topic_with_image(community, moderator, staff_room))
        response = fetch(moderator, attachment.get_absolute_url())
        assert response.status_code == 200
        assert response.headers["X-Accel-Redirect"] == f"/protected-media/{attachment.file.name}"
        assert response.body == b""
        assert response.headers["Cache-Control"] == "private, max-age=3600"
        denied = fetch(member, attachment.get_absolute_url())
        assert denied.status_code == 404 and "X-Accel-Redirect" not in denied.headers


class TestFailedWrites:
    def test_full_disk_on_new_topic(self, settings, client, community, member, general):
        client.force_login(member)
        with disk_full():
            response = client.post(
                reverse("discussions:topic-new", args=[community.slug]),
                {
                    "category": general.pk,
                    "title": "Picture",
                    "body": "Look",
                    "image": image_upload("p.jpg", fmt="JPEG"),
                    "client_token": "t1",
                },
            )
        assert response.status_code == 200
        assert UPLOAD_FAILED in response.content.decode()
        assert not Topic.objects.filter(title="Picture").exists()
        assert not Attachment.objects.exists()
        assert stored_files() == []

    def test_full_disk_on_reply(self, settings, client, community, member, topic):
        client.force_login(member)
        with disk_full():
            response = client.post(
                reverse("discussions:reply", args=[community.slug, topic.pk]),
                {"body": "Look", "image": image_upload("p.png"), "client_token": "t2"},
            )
        assert response.status_code == 400
        assert UPLOAD_FAILED in response.content.decode()
        assert topic.posts.count() == 1
        assert not Attachment.objects.exists()
        assert stored_files() == []

    def test_a_storage_that_raises_enospc(self, settings, client, community, member, topic):
        """Any storage backend (not only a local disk) failing with ENOSPC: the member is
        told, the reply and its attachment rows are rolled back, and a retry works."""
        settings.STORAGES = full_storages()
        client.force_login(member)
        url = reverse("discussions:reply", args=[community.slug, topic.pk])
        data = {"body": "Look", "image": image_upload("p.png"), "client_token": "t3"}
        response = client.post(url, data)
        assert response.status_code == 400
        assert UPLOAD_FAILED in response.content.decode()
        assert topic.posts.count() == 1 and not Attachment.objects.exists()
        assert stored_files() == []
        settings.STORAGES = {**settings.STORAGES, **_real_storages()}
        data["image"] = image_upload("p.png")
        assert client.post(url, data).status_code == 302
        assert topic.posts.count() == 2
        assert Attachment.objects.exclude(post=None).count() == Attachment.objects.count() > 0

    def test_second_file_failing_removes_the_first(self, community, member, general):
        with disk_full(after=1) as written, pytest.raises(ValidationError) as exc:
            topic_with_image(community, member, general)
        assert exc.value.message_dict == {"image": [UPLOAD_FAILED]}
        assert len(written) == 2
        assert stored_files() == []
        assert not Attachment.objects.exists()

    def test_database_failure_after_the_write_removes_the_files(
        self, settings, community, member, general
    ):
        with (
            mock.patch("hearth.search.index.index_post", side_effect=DatabaseError("gone")),
            pytest.raises(DatabaseError),
        ):
            topic_with_image(community, member, general)
        assert not Attachment.objects.exists()
        assert stored_files() == []


class TestLegacyImages:
    """Images posted before they were private: moved, and their links rewritten."""

    migration = importlib.import_module("hearth.discussions.migrations.0007_private_attachments")

    def test_moved_and_rewritten(self, settings, community, moderator, staff_room, member, general):
        from django.apps import apps

        full = f"posts/{community.pk}/{'a' * 32}.jpg"
        thumb = f"posts/{community.pk}/thumbs/{'b' * 32}.jpg"
        orphan = f"posts/{community.pk}/{'c' * 32}.jpg"
        for name in (full, thumb, orphan):
            default_storage.save(name, ContentFile(name.encode()))
        moderator_actor = actor_for(moderator, community)
        post = services.topic_create(
            actor=moderator_actor, category=staff_room, title="Old",
            body=f"Old\n\n[![image](/media/{thumb})](/media/{full})",
        ).posts.get()  # fmt: skip
        services.post_edit(actor=moderator_actor, post=post, body=post.body + "\n\nedited")
        copy = services.topic_create(
            actor=actor_for(member, community), category=general, title="Copy",
            body=f"![copied](/media/{full})",
        ).posts.get()  # fmt: skip

        self.migration.make_post_images_private(apps, None)

        for name in (full, thumb, orphan):
            assert not default_storage.exists(name) and private_storage().exists(name)
        assert Attachment.objects.count() == 2  # the orphan is kept, unreachable
        image, thumbnail = (Attachment.objects.get(file=name) for name in (full, thumb))
        assert image.post == thumbnail.post == post
        post.refresh_from_db()
        copy.refresh_from_db()
        assert f'href="{image.get_absolute_url()}"' in post.html
        assert f'src="{thumbnail.get_absolute_url()}"' in post.html
        assert f"({image.get_absolute_url()})" in post.body
        assert image.get_absolute_url() in copy.html  # a copied link gets the checked address
        revisions = PostRevision.objects.filter(post=post)
        assert revisions.exists()
        for text in [post.body, post.html, copy.html]:
            assert "/media/" not in text
        for revision in revisions:
            assert "/media/" not in revision.body_before + revision.body_after
        url = image.get_absolute_url()
        assert fetch(moderator, url).body == full.encode()
        assert fetch(member, url).status_code == 404
        assert fetch(moderator, f"/media/{full}").status_code == 404

    def test_nothing_to_do(self, community):
        from django.apps import apps

        self.migration.make_post_images_private(apps, None)
        assert not Attachment.objects.exists()
