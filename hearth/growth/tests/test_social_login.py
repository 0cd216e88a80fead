"""Social login against a real OpenID Connect provider (oidc-provider-mock, a Flask app
serving discovery, authorisation, tokens, JWKS and userinfo) on a free local port."""

from urllib.parse import urlsplit

import httpx
import pytest
from allauth.socialaccount.models import SocialAccount
from oidc_provider_mock import run_server_in_thread

from hearth.communities.models import Membership
from hearth.growth.models import Arrival
from hearth.testing.factories import user_factory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso(settings, provider):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": "Example SSO",
                    "client_id": "hearth",
                    "secret": "not-so-secret",
                    "settings": {"server_url": provider},
                }
            ],
        }
    }
    return provider


def round_trip(client, provider, sub, claims, next_url="/"):
    """Start at Hearth, consent at the provider as ``sub``, come back to the callback."""
    httpx.put(f"{provider}/users/{sub}", json=claims).raise_for_status()
    start = client.post(f"/accounts/oidc/sso/login/?next={next_url}")
    assert start.status_code == 302, start.content
    authorize = start["Location"]
    assert authorize.startswith(provider)
    consent = httpx.post(authorize, data={"sub": sub})
    assert consent.status_code == 302
    callback = urlsplit(consent.headers["location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_the_sign_in_button_is_on_the_sign_up_page(client, sso):
    html = client.get("/accounts/signup/").content.decode()
    assert "Example SSO" in html


def test_a_new_person_signs_up_through_the_provider_and_keeps_the_campaign(client, sso, community):
    client.get(f"/c/{community.slug}/welcome?source=podcast&utm_campaign=ep12")
    done = round_trip(
        client,
        sso,
        "rosa-1",
        {"email": "rosa@example.org", "email_verified": True, "preferred_username": "rosa"},
        next_url=f"/c/{community.slug}/join",
    )
    assert done.status_code == 302
    assert done["Location"] == f"/c/{community.slug}/join"
    account = SocialAccount.objects.get(uid="rosa-1")
    assert account.user.email == "rosa@example.org"
    arrival = Arrival.objects.get(user=account.user)
    assert (arrival.source, arrival.campaign) == ("podcast", "ep12")
    client.post(f"/c/{community.slug}/join", {"accept_rules": "on"})
    joined = Membership.objects.get(community=community, user=account.user)
    assert (joined.source, joined.campaign) == ("podcast", "ep12")


def test_a_matching_email_does_not_take_over_an_existing_account(client, sso):
    victim = user_factory(username="victor", email="victor@example.org")
    response = round_trip(
        client,
        sso,
        "attacker-1",
        {"email": "victor@example.org", "email_verified": True, "preferred_username": "v"},
    )
    # Not signed in at all: the person is asked to sign in to that account first.
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.filter(user=victim).exists()
    assert response["Location"] == "/accounts/3rdparty/signup/"
    # Insisting on the address in the sign-up form is refused too.
    form = client.post(
        "/accounts/3rdparty/signup/", {"username": "victor2", "email": "victor@example.org"}
    )
    assert form.status_code == 200
    assert "already exists" in form.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.filter(user=victim).exists()


def test_a_returning_person_signs_in_again(client, sso):
    claims = {"email": "ines@example.org", "email_verified": True, "preferred_username": "ines"}
    round_trip(client, sso, "ines-1", claims)
    user = SocialAccount.objects.get(uid="ines-1").user
    client.logout()
    round_trip(client, sso, "ines-1", claims)
    assert client.session["_auth_user_id"] == str(user.pk)
