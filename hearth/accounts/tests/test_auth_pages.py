"""The account pages are Hearth's: sentence-case labels, valid help markup, clear errors, and
the community's brand when the visitor is on their way to one they may see."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from hearth.accounts.models import User
from hearth.communities.models import Visibility
from hearth.testing.factories import PASSWORD, community_factory, user_factory

pytestmark = pytest.mark.django_db
LOGIN = reverse("account_login")
SIGNUP = reverse("account_signup")
NEW_PASSWORD = "Glaze-and-Fire-42"
ERROR = '<p class="error" role="alert">'


def _html(response) -> str:
    return response.content.decode()


def _label(html: str, field_id: str) -> str:
    match = re.search(rf'<label for="{field_id}">(.*?)</label>', html, re.S)
    assert match, f"no label for {field_id}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip(" *\n")


def _signup(client, **overrides):
    data = {
        "username": "pia",
        "email": "pia@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }
    return client.post(SIGNUP, data)


def test_sign_in_page_has_hearths_labels(client):
    html = _html(client.get(LOGIN))
    assert "<h1>Sign in</h1>" in html
    assert _label(html, "id_login") == "Username or email"
    assert _label(html, "id_password") == "Password"
    # "Remember me" is a checkbox inside its own label, on one line.
    assert re.search(
        r'<label class="checkbox"><input type="checkbox" name="remember"[^>]*> '
        r"<span>Remember me</span></label>",
        html,
    )
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
    assert "Forgot your password?" in html
    for stock in ("Sign In", "Login:", "Remember Me", 'action=""', "placeholder="):
        assert stock not in html
    assert html.count("btn--primary btn--block") == 1  # one primary button


def test_sign_up_page_has_hearths_labels_and_valid_password_help(client):
    html = _html(client.get(SIGNUP))
    assert "<h1>Create your account</h1>" in html
    assert [_label(html, f"id_{f}") for f in ("username", "email", "password1", "password2")] == [
        "Username",
        "Email",
        "Password",
        "Confirm password",
    ]
    for stock in ("Sign Up", "Password (again)", "Username:", 'action=""', "placeholder="):
        assert stock not in html
    # The password rules: a list in a <div> the input points at, not in a <span> in a <p>.
    assert re.search(
        r'<input type="password" name="password1"[^>]*aria-describedby="id_password1_helptext"',
        html,
    )
    help_div = re.search(r'<div class="help" id="id_password1_helptext">(.*?)</div>', html, re.S)
    assert help_div and "<ul>" in help_div.group(1) and "<li>" in help_div.group(1)
    assert 'autocomplete="new-password"' in html and 'autocomplete="email"' in html
    assert "Hearth" in html and "auth-card--branded" not in html


def _ids_described(html: str) -> set[str]:
    ids = set()
    for value in re.findall(r'aria-describedby="([^"]+)"', html):
        ids.update(value.split())
    return ids


@pytest.mark.parametrize("url", [LOGIN, SIGNUP, reverse("account_reset_password")])
def test_every_described_by_points_at_an_element(client, url):
    html = _html(client.get(url))
    for ref in _ids_described(html):
        assert f'id="{ref}"' in html, ref


def test_duplicate_username_is_explained_next_to_the_field(client):
    user_factory(username="pia", email="other@example.com")
    response = _signup(client)
    html = _html(response)
    assert response.status_code == 200
    taken = "That username, or one that looks the same, is taken."
    assert f'<div class="errors" id="id_username_error">{ERROR}{taken}</p>' in html
    assert 'aria-invalid="true"' in html
    assert User.objects.count() == 1


def test_mismatched_passwords_are_explained_next_to_the_confirmation(client):
    html = _html(_signup(client, password2="something-else-42"))
    assert f'id="id_password2_error">{ERROR}You must type the same password each time.' in html
    assert not User.objects.filter(username="pia").exists()


def test_a_bad_email_is_explained_next_to_the_field(client):
    html = _html(_signup(client, email="not-an-address"))
    assert re.search(
        r'id="id_email_error"><p class="error" role="alert">Enter a valid email address.', html
    )


def test_a_weak_password_is_explained(client):
    html = _html(_signup(client, password1="12345678", password2="12345678"))
    assert 'id="id_password1_error"' in html
    assert "This password is too common." in html


def test_wrong_password_says_so_on_the_sign_in_page(client):
    user_factory(username="walt")
    response = client.post(LOGIN, {"login": "walt", "password": "wrong"})
    assert response.status_code == 200
    assert 'class="flash flash--error" role="alert"' in _html(response)


def test_sign_up_from_a_community_shows_its_brand(client, community):
    response = client.get(SIGNUP, {"next": f"/c/{community.slug}/join"})
    html = _html(response)
    assert "<h1>Join Garden Club</h1>" in html
    assert "<title>Sign up · Garden Club</title>" in html
    assert "auth-card--branded" in html
    assert f"--accent:{community.palette['accent']}" in html
    assert "Create account" in html
    # The way back to sign in keeps the destination.
    assert "/accounts/login/?next=%2Fc%2Fgarden%2Fjoin" in html


def test_sign_in_from_a_community_shows_its_brand(client, community):
    html = _html(client.get(LOGIN, {"next": f"/c/{community.slug}/t/some-topic/1/"}))
    assert "auth-card--branded" in html and "Sign in to continue to Garden Club" in html
    assert "Join Garden Club" in html  # the link to sign up


def test_a_private_community_is_not_named_to_a_visitor_who_cannot_see_it(client, owner):
    secret = community_factory(
        owner=owner, slug="vault", name="The Vault", visibility=Visibility.PRIVATE
    )
    for url in (SIGNUP, LOGIN):
        html = _html(client.get(url, {"next": f"/c/{secret.slug}/join"}))
        assert "The Vault" not in html and "auth-card--branded" not in html
        assert secret.palette["accent"] not in html or secret.palette["accent"] == "#2f6f4e"


def test_an_unknown_community_in_next_falls_back_to_hearth(client, db):
    html = _html(client.get(SIGNUP, {"next": "/c/nowhere/join"}))
    assert "<h1>Create your account</h1>" in html


def test_sign_up_from_a_community_then_sign_in_with_remember_me(client, community):
    response = _signup(client, next=f"/c/{community.slug}/join")
    assert response.status_code == 302 and response["Location"] == f"/c/{community.slug}/join"
    client.logout()
    response = client.post(LOGIN, {"login": "pia", "password": NEW_PASSWORD, "remember": "on"})
    assert response.status_code == 302
    assert client.session.get_expire_at_browser_close() is False


def test_without_remember_me_the_session_ends_with_the_browser(client, db):
    user_factory(username="walt")
    client.post(LOGIN, {"login": "walt", "password": PASSWORD})
    assert client.session.get_expire_at_browser_close() is True


def test_sign_out_asks_first(client, outsider):
    client.force_login(outsider)
    html = _html(client.get(reverse("account_logout")))
    assert "<h1>Sign out?</h1>" in html
    assert f'action="{reverse("account_logout")}"' in html
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_journey(client, db):
    user_factory(username="forgetful", email="forgetful@example.com")
    html = _html(client.get(reverse("account_reset_password")))
    assert "<h1>Reset your password</h1>" in html and _label(html, "id_email") == "Email"
    response = client.post(reverse("account_reset_password"), {"email": "forgetful@example.com"})
    assert response.status_code == 302
    assert "<h1>Check your email</h1>" in _html(client.get(response["Location"]))
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)
    assert link
    form_page = client.get(link.group(1), follow=True)
    html = _html(form_page)
    assert "<h1>Choose a new password</h1>" in html
    assert _label(html, "id_password1") == "New password"
    assert _label(html, "id_password2") == "Confirm new password"
    assert 'id="id_password1_helptext"' in html
    action = re.search(r'<form class="form form--auth" method="post" action="([^"]+)"', html)
    assert action and action.group(1)
    done = client.post(
        action.group(1), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    assert "Your password is changed" in _html(done)


def test_a_used_reset_link_says_it_expired(client, db):
    html = _html(client.get("/accounts/password/reset/key/zz-set-password/", follow=True))
    assert "This link has expired" in html
    assert reverse("account_reset_password") in html


def test_email_confirmation_pages(client, db):
    _signup(client)
    html = _html(client.get(reverse("account_email_verification_sent")))
    assert "<h1>Check your email</h1>" in html
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
    assert link
    html = _html(client.get(link.group(1)))
    assert "<h1>Confirm your email address</h1>" in html and "pia@example.com" in html
    assert 'action="/accounts/confirm-email/' in html
    bad = _html(client.get("/accounts/confirm-email/not-a-key/"))
    assert "has expired or is invalid" in bad


def test_change_password_page_has_hearths_labels(client, outsider):
    client.force_login(outsider)
    html = _html(client.get(reverse("account_change_password")))
    assert [_label(html, f"id_{f}") for f in ("oldpassword", "password1", "password2")] == [
        "Current password",
        "New password",
        "Confirm new password",
    ]
    assert '<div class="help" id="id_password1_helptext"><ul>' in html
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert 'id="id_oldpassword_error"' in _html(response)


def test_email_addresses_page_is_hearths(client, outsider):
    client.force_login(outsider)
    html = _html(client.get(reverse("account_email")))
    assert "<h1>Email addresses</h1>" in html and outsider.email in html
    assert _label(html, "id_email") == "Email"
    assert 'action="/accounts/email/"' in html and 'action=""' not in html
    response = client.post(reverse("account_email"), {"action_add": "", "email": "not-an-address"})
    assert f'id="id_email_error">{ERROR}Enter a valid email address.' in _html(response)
