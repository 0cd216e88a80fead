"""Look-alike usernames: reserved names and existing accounts cannot be impersonated by
case, full-width letters or letters of another script; names in one script are fine."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse

from hearth.accounts import usernames
from hearth.accounts.models import User
from hearth.testing.factories import PASSWORD, user_factory

CYRILLIC_A = "\u0430"
CYRILLIC_O = "\u043e"


def _sign_up(client, username):
    return client.post(
        reverse("account_signup"),
        {
            "username": username,
            "email": f"{abs(hash(username))}@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("ADMIN", "reserved"),
        ("ａｄｍｉｎ", "reserved"),  # full-width
        ("ａdmin", "reserved"),
        (f"{CYRILLIC_A}dmin", "one alphabet"),  # mixed Cyrillic and Latin
        ("ՏUPPORT", "one alphabet"),  # Armenian capital S
        ("\u0405\u04ae\u0405\u0422\u0415\u041c", "reserved"),  # "SYSTEM", all Cyrillic
        ("ｄｅｍｏ", "looks the same"),
        ("DEMO", "looks the same"),
        (f"dem{CYRILLIC_O}", "one alphabet"),  # Cyrillic o
        ("ＯＬＩＶＩＡ", "looks the same"),
    ],
)
def test_look_alike_usernames_are_refused_at_sign_up(client, owner, username, message):
    user_factory(username="demo")
    response = _sign_up(client, username)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert set(User.objects.values_list("username", flat=True)) == {"demo", "olivia"}


@pytest.mark.parametrize("username", ["мария", "山田太郎", "José", "ΣΩΚΡΑΤΗΣ", "ada_99"])
def test_names_in_one_script_are_welcome(client, db, username):
    assert _sign_up(client, username).status_code == 302
    assert User.objects.filter(username=username).exists()


def test_a_full_width_name_is_stored_normalised_and_logs_in_either_way(client, db):
    assert _sign_up(client, "Ｍａｒｉａ").status_code == 302
    user = User.objects.get()
    assert user.username == "Maria"
    client.logout()
    for login in ("Ｍａｒｉａ", "Maria", "maria"):
        response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
        assert response.status_code == 302, login
        client.logout()


def test_the_database_refuses_a_look_alike_whoever_writes_it(db):
    user_factory(username="demo")
    with pytest.raises(IntegrityError):
        User.objects.create_user(username="ＤＥＭＯ", password=PASSWORD)


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("ｄｅｍｏ", "already exists"),
        ("DEMO", "already exists"),
        (f"{CYRILLIC_A}dmin", "one alphabet"),
    ],
)
def test_the_admin_refuses_look_alikes(admin_client, username, message):
    User.objects.create_user(username="demo")
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {"username": username, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.filter(is_superuser=False).count() == 1


def test_the_admin_refuses_renaming_to_a_look_alike(admin_client):
    User.objects.create_user(username="demo")
    other = User.objects.create_user(username="other")
    user = User.objects.get(pk=other.pk)
    user.username = f"dem{CYRILLIC_O}"
    with pytest.raises(ValidationError, match="one alphabet"):
        user.full_clean()
    user.username = "Ｄemo"
    with pytest.raises(ValidationError, match="looks the same"):
        user.full_clean()


def test_createsuperuser_refuses_look_alikes(db):
    User.objects.create_user(username="demo")
    with pytest.raises(Exception, match="already taken|one alphabet"):
        call_command(
            "createsuperuser", username="ＤＥＭＯ", email="x@example.com", interactive=False
        )
    with pytest.raises(Exception, match="one alphabet"):
        call_command(
            "createsuperuser",
            username=f"{CYRILLIC_A}dmin",
            email="y@example.com",
            interactive=False,
        )
    assert User.objects.count() == 1


def test_mixed_script_validator_is_on_the_username_field():
    with pytest.raises(ValidationError):
        User._meta.get_field("username").run_validators(f"{CYRILLIC_A}dmin")


def test_keys_meet_across_case_width_and_script():
    assert usernames.key("Мария") == usernames.key("мария")
    assert usernames.key("ＤＥＭＯ") == usernames.key("demo") == usernames.key(f"dem{CYRILLIC_O}")
    assert usernames.key("мария") != usernames.key("maria")


def test_an_older_look_alike_account_keeps_working(client, db):
    """Accounts from before keys that collided keep their name, with no key."""
    user_factory(username="demo")
    legacy = user_factory(username="legacy")
    User.objects.filter(pk=legacy.pk).update(username="Demo", username_key=None)
    legacy = User.objects.get(pk=legacy.pk)
    legacy.set_password("n3w-Passw0rd!")
    legacy.save()  # a full save does not give it the key "demo" already has
    response = client.post(reverse("account_login"), {"login": "Demo", "password": "n3w-Passw0rd!"})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == legacy.pk


def test_the_migration_keys_existing_accounts_first_come_first_keyed(db):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("hearth.accounts.migrations.0003_username_key")
    first, second, third = (user_factory(username=name) for name in ("demo", "x2", "мария"))
    User.objects.filter(pk=second.pk).update(username="ＤＥＭＯ")
    User.objects.update(username_key=None)
    migration.add_keys(apps, None)
    keys = dict(User.objects.values_list("pk", "username_key"))
    assert keys == {first.pk: "demo", second.pk: None, third.pk: usernames.key("мария")}
