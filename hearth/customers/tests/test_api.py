"""The customer list over the API: push (replace), delete, figures; the same checks and
the same denials as the pages."""

import pytest

from hearth.api.tests.test_resources import call, error, key
from hearth.communities.models import Role
from hearth.customers.hashing import email_hash
from hearth.customers.models import Customer, CustomerImport, RevenuePoint
from hearth.customers.tests.conftest import joined_member
from hearth.testing.factories import community_factory, membership_factory, user_factory

pytestmark = pytest.mark.django_db
PATH = "/api/v1/communities/garden/customers"


@pytest.fixture
def owner_key(owner, community):
    return key(owner, community, scopes=["read", "analytics"])


def test_push_replaces_the_list_and_reports_the_bad_rows(client, community, owner_key):
    joined_member(community, "vera", "2024-06-01")
    body = {
        "as_of": "2025-06-30",
        "customers": [
            {"email": "vera@example.com", "customer_since": "2023-01-01", "plan": "pro",
             "revenue": 120.5},
            {"email": "x@example.com", "customer_since": "2023-02-01", "revenue": "40",
             "churned_at": "2024-01-01"},
            {"email": "VERA@example.com", "customer_since": "2023-01-01", "revenue": 1},
            {"email": "y@example.com", "customer_since": "soon", "revenue": -1},
        ],
    }  # fmt: skip
    response = call(client, "put", PATH, owner_key, body)
    assert response.status_code == 200, response.content
    made = response.json()
    assert (made["accepted"], made["rejected"], made["replaced_list"]) == (2, 2, True)
    assert {(e["row"], e["column"]) for e in made["errors"]} == {
        (3, "email"), (4, "customer_since"), (4, "revenue"),
    }  # fmt: skip
    assert Customer.objects.filter(community=community, matched_user__isnull=False).count() == 1
    figures = call(client, "get", f"{PATH}/figures", owner_key).json()
    assert figures["has_data"] and figures["customers"] == 2 and figures["members"] == 1
    assert "association" in figures["warning"]


def test_nothing_usable_is_a_422_and_the_list_stays(client, community, owner_key):
    call(
        client,
        "put",
        PATH,
        owner_key,
        {"customers": [{"email": "a@example.com", "customer_since": "2023-01-01", "revenue": 1}]},
    )
    response = call(
        client,
        "put",
        PATH,
        owner_key,
        {"customers": [{"email": "nope", "customer_since": "2023-01-01", "revenue": 1}]},
    )
    body = error(response, 422)
    assert body["fields"] == {"customers.1.email": ["not an email address"]}
    assert Customer.objects.get(community=community).email_hash == email_hash("a@example.com")


def test_malformed_bodies_are_422_never_500(client, owner_key):
    assert call(client, "put", PATH, owner_key, {"customers": "x"}).status_code == 422
    assert call(client, "put", PATH, owner_key, {"rows": []}).status_code == 422
    body = {"customers": [{"email": "a@example.com", "bogus": 1}]}
    assert call(client, "put", PATH, owner_key, body).status_code == 422
    assert (
        call(client, "put", PATH, owner_key, {"customers": [], "as_of": "2999-01-01"}).status_code
        == 422
    )


def test_delete_removes_everything_and_the_figures_say_so(client, community, owner_key):
    call(
        client,
        "put",
        PATH,
        owner_key,
        {"customers": [{"email": "a@example.com", "customer_since": "2023-01-01", "revenue": 1}]},
    )
    response = call(client, "delete", PATH, owner_key)
    assert response.status_code == 200 and response.json() == {"deleted": 1}
    for model in (Customer, RevenuePoint, CustomerImport):
        assert not model.objects.filter(community=community).exists()
    assert call(client, "get", f"{PATH}/figures", owner_key).json()["has_data"] is False


def test_a_moderator_without_the_permission_gets_404(client, community, moderator):
    # Moderators make no community keys: they use the API with their session.
    client.force_login(moderator)
    error(call(client, "get", f"{PATH}/figures"), 404)
    error(call(client, "put", PATH, body={"customers": []}), 404)
    error(call(client, "delete", PATH), 404)


def test_a_moderator_with_the_permission_may(client, community, analyst):
    client.force_login(analyst)
    assert call(client, "get", f"{PATH}/figures").status_code == 200


def test_an_admins_key_stops_working_for_customers_when_they_lose_the_role(
    client, owner, admin, community
):
    from hearth.communities import services as community_services
    from hearth.communities.models import Membership
    from hearth.testing.factories import actor_for

    token = key(admin, community, scopes=["read", "analytics"])
    assert call(client, "get", f"{PATH}/figures", token).status_code == 200
    community_services.membership_set_role(
        actor=actor_for(owner, community),
        membership=Membership.objects.get(community=community, user=admin),
        role=Role.MEMBER,
    )
    assert call(client, "get", f"{PATH}/figures", token).status_code in (401, 403, 404)


def test_a_session_member_anonymous_and_another_communitys_admin_get_404(client, community, member):
    client.force_login(member)
    error(call(client, "get", f"{PATH}/figures"), 404)
    client.logout()
    assert call(client, "get", f"{PATH}/figures").status_code in (401, 404)
    other = community_factory(slug="other")
    admin = membership_factory(other, user=user_factory(username="oz"), role=Role.ADMIN).user
    error(
        call(client, "get", f"{PATH}/figures", key(admin, other, scopes=["read", "analytics"])), 404
    )


def test_a_key_without_the_analytics_scope_is_refused(client, owner, community):
    token = key(owner, community, scopes=["read"])
    error(call(client, "get", f"{PATH}/figures", token), 403, "insufficient_scope")
