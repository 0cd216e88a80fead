"""The admin's login is the site's login, with the same failed-login limits."""

from django.urls import reverse

from hearth.testing.factories import PASSWORD, user_factory

ADMIN_LOGIN = reverse("admin:login")
LOGIN = reverse("account_login")
ATTACKER = "203.0.113.66"


def test_the_admin_login_takes_no_passwords(client, db):
    staff = user_factory(username="root", is_staff=True, is_superuser=True)
    response = client.post(
        ADMIN_LOGIN + "?next=/admin/", {"username": staff.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN + "?next=/admin/")
    assert "_auth_user_id" not in client.session


def test_the_admin_is_behind_the_rate_limited_login(client, db):
    staff = user_factory(username="root", is_staff=True, is_superuser=True)
    page = client.get("/admin/", follow=True)
    assert page.redirect_chain[-1][0] == LOGIN + "?next=/admin/"
    statuses = [
        client.post(
            LOGIN + "?next=/admin/",
            {"login": staff.username, "password": "wrong"},
            REMOTE_ADDR=ATTACKER,
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    locked = client.post(
        LOGIN + "?next=/admin/",
        {"login": staff.username, "password": PASSWORD},
        REMOTE_ADDR=ATTACKER,
    )
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0


def test_staff_sign_in_and_land_in_the_admin(client, db):
    staff = user_factory(username="root", is_staff=True, is_superuser=True)
    response = client.post(LOGIN + "?next=/admin/", {"login": staff.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get(ADMIN_LOGIN + "?next=/admin/").status_code == 302


def test_a_signed_in_member_without_admin_access_is_refused_not_looped(client, db):
    client.force_login(user_factory(username="member"))
    assert client.get(ADMIN_LOGIN + "?next=/admin/").status_code == 403


def test_next_cannot_leave_the_site(client, db):
    client.force_login(user_factory(username="root", is_staff=True))
    response = client.get(ADMIN_LOGIN + "?next=https://evil.example/")
    assert response["Location"] == "/admin/"
