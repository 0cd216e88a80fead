import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from hearth.accounts.models import User
from hearth.testing.factories import PASSWORD, image_upload, user_factory
from hearth.testing.uploads import UPLOAD_FAILED, disk_full, stored_files

PROFILE = reverse("accounts:profile-edit")


def _profile_post(client, **extra):
    data = {"display_name": "Otto Updated", "bio": "Hi", "time_zone": "Europe/Berlin", **extra}
    return client.post(PROFILE, data)


def test_profile_requires_login(client, db):
    assert client.get(PROFILE).status_code == 302


def test_profile_update_with_avatar(client, outsider):
    client.force_login(outsider)
    response = _profile_post(
        client, avatar=image_upload("me.jpg", fmt="JPEG", size=(900, 600), exif=True)
    )
    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.display_name == "Otto Updated" and outsider.time_zone == "Europe/Berlin"
    with Image.open(outsider.avatar.path) as img:
        assert max(img.size) == 256
        assert not img.getexif()


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("fake.png", b"\x89PNG\r\n\x1a\nnope"), "not an image"),
        (SimpleUploadedFile("doc.png", b"hello world"), "not an image"),
    ],
)
def test_profile_refuses_non_images(client, outsider, upload, message):
    client.force_login(outsider)
    response = _profile_post(client, avatar=upload)
    assert response.status_code == 200
    assert message in response.content.decode()
    outsider.refresh_from_db()
    assert not outsider.avatar and outsider.display_name != "Otto Updated"


def test_profile_refuses_oversize_avatar(client, outsider, settings):
    settings.HEARTH_MAX_UPLOAD_BYTES = 100
    client.force_login(outsider)
    response = _profile_post(client, avatar=image_upload("big.png", size=(300, 300)))
    assert "the limit is" in response.content.decode()


def test_profile_refuses_unknown_time_zone(client, outsider):
    client.force_login(outsider)
    response = _profile_post(client, time_zone="Mars/Olympus")
    assert response.status_code == 200
    outsider.refresh_from_db()
    assert outsider.time_zone == "UTC"


def test_bio_html_is_escaped_on_profile(client, community, member):
    member.bio = "<script>alert(1)</script>"
    member.save()
    body = client.get(f"/c/{community.slug}/u/{member.username}/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_sign_up_and_login_by_email_or_username(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(username="newbie").exists()
    assert any("newbie@example.com" in m.to for m in mail.outbox)  # verification mail
    client.logout()
    for login in ("newbie", "newbie@example.com"):
        response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
        assert response.status_code == 302, login
        client.logout()


def test_sign_up_refuses_duplicate_email_and_reserved_username(client, db):
    user_factory(username="taken", email="taken@example.com")
    response = client.post(
        reverse("account_signup"),
        {
            "username": "other",
            "email": "taken@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    response = client.post(
        reverse("account_signup"),
        {
            "username": "admin",
            "email": "a@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert User.objects.count() == 1


def test_failed_logins_are_rate_limited(client, db):
    user_factory(username="target")
    bodies = [
        client.post(
            reverse("account_login"), {"login": "target", "password": "wrong"}
        ).content.decode()
        for _ in range(7)
    ]
    assert "Too many failed login attempts" in bodies[-1]
    assert "Too many failed login attempts" not in bodies[0]


def test_password_reset_sends_mail(client, db):
    user_factory(username="forgetful", email="forgetful@example.com")
    client.post(reverse("account_reset_password"), {"email": "forgetful@example.com"})
    assert any("forgetful@example.com" in m.to for m in mail.outbox)


def test_profile_avatar_on_a_full_disk(client, outsider):
    client.force_login(outsider)
    with disk_full():
        response = _profile_post(client, avatar=image_upload("me.png"))
    assert response.status_code == 200
    assert UPLOAD_FAILED in response.content.decode()
    outsider.refresh_from_db()
    assert not outsider.avatar and outsider.display_name != "Otto Updated"
    assert stored_files() == []
