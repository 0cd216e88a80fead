"""No open redirect through ``next=`` on the way in."""

import pytest

from hearth.testing.factories import user_factory

pytestmark = pytest.mark.django_db
PASSWORD = "a long and unusual passphrase 42"
HOSTILE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "\\\\evil.example",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_sign_in_never_leaves_the_site(client, target):
    user = user_factory(username="walt")
    user.set_password(PASSWORD)
    user.save()
    response = client.post(
        "/accounts/login/", {"login": "walt", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", HOSTILE)
def test_sign_up_from_a_landing_page_never_leaves_the_site(client, community, target):
    client.get(f"/c/{community.slug}/welcome?source=ig")
    response = client.post(
        "/accounts/signup/",
        {
            "username": "xena",
            "email": "xena@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": target,
        },
    )
    assert response.status_code == 302
    # Hearth's own fallback: back to the community's join page.
    assert response["Location"] == f"/c/{community.slug}/join"


@pytest.mark.parametrize("target", HOSTILE)
def test_the_branded_pages_ignore_a_hostile_next(client, community, target):
    response = client.get("/accounts/signup/", {"next": target})
    assert response.status_code == 200
    html = response.content.decode()
    assert community.name not in html and "auth-card--branded" not in html  # no brand by it
