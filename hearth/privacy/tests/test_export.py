"""Download my data: the archive holds the member's data and nothing private of others',
reaches only its owner, and expires."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hearth.privacy import services
from hearth.privacy.models import DataExport, ExportStatus
from hearth.testing.factories import user_factory

pytestmark = pytest.mark.django_db


def _build(user) -> DataExport:
    request = services.export_request(user=user)
    return services.export_build(export_id=request.export.pk)


def _archive(item: DataExport) -> zipfile.ZipFile:
    with item.file.storage.open(item.file.name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def _json(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(name))


def test_the_archive_holds_the_members_data(member, content):
    item = _build(member)
    assert item.status == ExportStatus.READY
    archive = _archive(item)
    names = set(archive.namelist())
    assert {
        "README.txt", "profile.json", "memberships.json", "topics.json", "posts.json",
        "messages.json", "votes.json", "reactions.json", "flags.json",
        "notification_preferences.json", "api_keys.json",
    } <= names  # fmt: skip
    assert len([n for n in names if n.startswith("files/attachments/")]) == 2  # image, thumb
    profile = _json(archive, "profile.json")
    assert profile["username"] == "mel" and profile["email"] == "mel@example.com"
    memberships = _json(archive, "memberships.json")
    assert [(m["community"]["slug"], m["role"]) for m in memberships] == [("garden", "member")]
    posts = _json(archive, "posts.json")
    bodies = [p["body"] for p in posts]
    assert bodies[0].startswith("My tomato secret is **patience**.")
    assert bodies[1] == "Mel plants beans."
    assert {p["topic"]["title"] for p in posts} == {"Tomatoes in August", "Spring planting"}
    assert [t["title"] for t in _json(archive, "topics.json")] == ["Tomatoes in August"]
    votes = _json(archive, "votes.json")
    assert [v["idea"]["title"] for v in votes["ideas"]] == ["A seed swap"]
    assert [r["reaction"] for r in _json(archive, "reactions.json")] == ["heart"]
    assert [f["reason"] for f in _json(archive, "flags.json")] == ["spam"]
    conversations = _json(archive, "messages.json")
    assert [c["subject"] for c in conversations] == ["Hi"]
    assert [m["body"] for m in conversations[0]["messages"]] == [
        "Hello Olivia, a private word.",
        "Hello Mel, a private answer.",
    ]
    readme = archive.read("README.txt").decode()
    assert "posts.json" in readme and "mel" in readme


def test_the_archive_leaves_out_what_others_keep_private(member, content):
    archive = _archive(_build(member))
    everything = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".json"))
    text = everything.decode()
    assert "Between us admins only." not in text  # a conversation mel is not in
    assert "Admins" not in text
    assert "The secret staff agenda." not in text  # a staff-only post by someone else
    assert "Staff plans" not in text
    assert "What do you plant?" not in text  # someone else's post, even a public one


def test_api_keys_appear_without_their_secret(owner, community):
    from hearth.api.models import ApiKey

    ApiKey.objects.create(
        community=community,
        name="CRM sync",
        created_by=owner,
        prefix="abc123",
        secret_hash="f" * 64,
    )
    archive = _archive(_build(owner))
    keys = _json(archive, "api_keys.json")
    assert keys[0]["name"] == "CRM sync" and keys[0]["prefix"] == "abc123"
    assert "f" * 64 not in archive.read("api_keys.json").decode()


def test_a_second_request_while_one_is_pending_finds_it(member):
    first = services.export_request(user=member)
    second = services.export_request(user=member)
    assert first.created and not second.created
    assert second.export.pk == first.export.pk
    assert DataExport.objects.filter(user=member).count() == 1


def test_the_view_says_one_is_being_prepared(client, member):
    client.force_login(member)
    url = reverse("privacy:export-request")
    client.post(url)
    response = client.post(url, follow=True)
    assert "already being prepared" in response.content.decode()
    assert DataExport.objects.filter(user=member).count() == 1


def test_requesting_builds_it_after_commit_and_emails_the_owner(
    client, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:export-request"))
    item = DataExport.objects.get(user=member)
    assert item.status == ExportStatus.READY
    assert item.expires_at - item.finished_at == timedelta(days=7)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["mel@example.com"]
    assert reverse("privacy:home") in mail.outbox[0].body
    page = client.get(reverse("privacy:home")).content.decode()
    assert reverse("privacy:export-download", args=[item.pk]) in page


def test_only_the_owner_downloads_it(client, member, admin):
    item = _build(member)
    url = reverse("privacy:export-download", args=[item.pk])
    client.force_login(admin)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "private" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(body)).read("profile.json")


def test_nginx_sends_it_when_accel_redirect_is_set(client, member, settings):
    settings.HEARTH_MEDIA_ACCEL_REDIRECT = "/protected-media/"
    item = _build(member)
    client.force_login(member)
    response = client.get(reverse("privacy:export-download", args=[item.pk]))
    assert response["X-Accel-Redirect"] == "/protected-media/" + item.file.name


def test_an_expired_link_is_gone(client, member):
    item = _build(member)
    url = reverse("privacy:export-download", args=[item.pk])
    client.force_login(member)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert client.get(url).status_code == 404
        assert services.exports_expire() == 1
    item.refresh_from_db()
    assert item.status == ExportStatus.EXPIRED and not item.file
    assert "was removed after 7 days" in client.get(reverse("privacy:home")).content.decode()


def test_an_unknown_or_huge_id_is_404(client, member):
    client.force_login(member)
    assert client.get("/accounts/privacy/exports/999999/download/").status_code == 404
    assert client.get("/accounts/privacy/exports/99999999999999999999/download/").status_code == 404


def test_asking_needs_a_post_and_a_sign_in(client, member):
    url = reverse("privacy:export-request")
    assert client.post(url).status_code == 302
    client.force_login(member)
    assert client.get(url).status_code == 405


def test_a_member_with_no_content_gets_a_valid_archive(db):
    user = user_factory(username="quiet")
    archive = _archive(_build(user))
    assert _json(archive, "posts.json") == []
    assert _json(archive, "messages.json") == []
