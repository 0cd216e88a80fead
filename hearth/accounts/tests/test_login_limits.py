"""Sign-up and login limits: by the real client address, per (account, address), with a
429 and Retry-After when locked out, and a platform-wide failed-login alarm."""

import logging

import pytest
from django.urls import reverse

from hearth.accounts import login_limits
from hearth.testing.factories import PASSWORD, user_factory

LOGIN = reverse("account_login")
SIGNUP = reverse("account_signup")
ATTACKER = "203.0.113.66"
OWNER_ADDRESS = "198.51.100.7"


@pytest.fixture
def target(db):
    return user_factory(username="target")


def _login(client, password, *, address, forwarded=None, login="target"):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"login": login, "password": password}, **extra)


def _signup(client, n, *, address, forwarded):
    return client.post(
        SIGNUP,
        {
            "username": f"newbie{n}",
            "email": f"newbie{n}@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        REMOTE_ADDR=address,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_spoofed_forwarded_for_does_not_reset_the_signup_limit(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
    statuses = [
        _signup(client, n, address=ATTACKER, forwarded=f"192.0.2.{n}").status_code for n in range(3)
    ]
    assert statuses[:2] == [302, 302]
    assert statuses[2] == 429


def test_rate_limited_signup_says_when_to_retry(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/h/ip"}
    _signup(client, 1, address=ATTACKER, forwarded="")
    response = _signup(client, 2, address=ATTACKER, forwarded="")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Too many attempts" in response.content.decode()


def test_trusted_proxy_forwarded_for_is_honoured(client, db, settings):
    settings.HEARTH_TRUSTED_PROXIES = ["10.0.0.1"]
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/h/ip"}
    statuses = [
        _signup(client, n, address="10.0.0.1", forwarded=f"192.0.2.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 302]  # three different people behind the proxy


def test_spoofed_forwarded_for_does_not_reset_the_login_limit(client, target):
    statuses = [
        _login(client, "wrong", address=ATTACKER, forwarded=f"192.0.2.{n}").status_code
        for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def test_locked_out_login_answers_429_with_retry_after(client, target):
    for _ in range(5):
        _login(client, "wrong", address=ATTACKER)
    response = _login(client, "wrong", address=ATTACKER)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 300
    assert "Too many failed login attempts" in response.content.decode()
    # The right password from the locked address waits too.
    assert _login(client, PASSWORD, address=ATTACKER).status_code == 429


def test_owner_elsewhere_signs_in_while_an_attacker_is_locked_out(client, target):
    for _ in range(6):
        _login(client, "wrong", address=ATTACKER)
    response = _login(client, PASSWORD, address=OWNER_ADDRESS)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(target.pk)


def test_guessing_from_many_addresses_locks_the_account(client, target, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_account": "3/5m/key",
    }
    for n in range(3):
        assert _login(client, "wrong", address=f"192.0.2.{n}").status_code == 200
    assert _login(client, "wrong", address="192.0.2.99").status_code == 429


def test_successful_logins_do_not_count(client, target):
    for _ in range(8):
        assert _login(client, PASSWORD, address=OWNER_ADDRESS).status_code == 302
        client.logout()


def test_failures_across_the_platform_raise_the_alarm_and_tighten_limits(
    client, db, settings, caplog
):
    settings.HEARTH_LOGIN_FAILURES_ALARM_PER_MINUTE = 3
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_surge": "1/m/ip"}
    user_factory(username="other")
    with caplog.at_level(logging.WARNING, logger="hearth.accounts.login_limits"):
        for n in range(3):
            _login(client, "wrong", address=f"192.0.2.{n}", login="nobody")
    assert login_limits.under_attack()
    assert "3 failed logins in the last minute" in caplog.text
    # One attempt per address per minute now, instead of five per account.
    assert _login(client, "wrong", address=OWNER_ADDRESS, login="other").status_code == 200
    assert _login(client, "wrong", address=OWNER_ADDRESS, login="other").status_code == 429


def test_no_alarm_below_the_threshold(client, db, settings):
    settings.HEARTH_LOGIN_FAILURES_ALARM_PER_MINUTE = 3
    for n in range(2):
        _login(client, "wrong", address=f"192.0.2.{n}", login="nobody")
    assert not login_limits.under_attack()
