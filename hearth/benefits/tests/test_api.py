"""The benefits endpoints: figures with their estimate, the assumptions, bad input as 422
JSON, and who may not use them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hearth.analytics.forms import utc_today
from hearth.api.tests.test_resources import BASE, call, error, key
from hearth.benefits.models import BenefitSettings
from hearth.communities.models import Membership, Role
from hearth.testing.factories import community_factory, membership_factory

DEFLECTION = f"{BASE}/benefits/deflection"
SETTINGS = f"{BASE}/benefits/settings"
GOOD = {"ticket_share_percent": 10, "ticket_cost": 20, "currency": "EUR"}


@pytest.fixture
def solved(ask, view, newcomer, member, admin):
    yesterday = timezone.now() - timedelta(days=1)
    view(ask(newcomer, member, yesterday, title="A"), utc_today(), None, n=30)
    view(ask(newcomer, admin, yesterday, title="B"), utc_today(), None, n=10)


def test_the_figures_come_with_the_estimate_and_its_assumptions(client, community, owner, solved):
    token = key(owner, community, scopes=["analytics"])
    body = call(client, "get", f"{DEFLECTION}?days=7", token).json()
    assert body["questions_solved"] == 2 and body["solved_by_members"] == 1
    assert body["solved_by_staff"] == 1 and body["member_share"] == 0.5
    assert body["answer_views"] == 40 and body["viewed_questions"] == 2
    assert body["estimate"] == {
        "is_estimate": True,
        "tickets_avoided": 2.0,
        "cost_saved": 30.0,
        "currency": "USD",
        "ticket_share_percent": 5.0,
        "ticket_cost": 15.0,
    }
    assert len(body["days"]) == 7 and body["days"][-1]["answer_views"] == 40


def test_a_bad_window_is_422(client, community, owner):
    token = key(owner, community, scopes=["analytics"])
    body = error(call(client, "get", f"{DEFLECTION}?start=2026-02-10&end=2026-01-01", token), 422)
    assert "before the start" in body["message"]
    error(call(client, "get", f"{DEFLECTION}?days=12", token), 422)


def test_the_owner_reads_and_changes_the_assumptions(client, community, owner, solved):
    token = key(owner, community, scopes=["analytics", "admin"])
    assert call(client, "get", SETTINGS, token).json() == {
        "ticket_share_percent": 5.0,
        "ticket_cost": 15.0,
        "currency": "USD",
        "is_default": True,
    }
    changed = call(client, "put", SETTINGS, token, GOOD)
    assert changed.status_code == 200, changed.content
    assert changed.json() == {
        "ticket_share_percent": 10.0,
        "ticket_cost": 20.0,
        "currency": "EUR",
        "is_default": False,
    }
    estimate = call(client, "get", DEFLECTION, token).json()["estimate"]
    assert (estimate["tickets_avoided"], estimate["cost_saved"]) == (4.0, 80.0)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"ticket_cost": -5}, "ticket_cost"),
        ({"ticket_cost": "a lot"}, "ticket_cost"),
        ({"ticket_cost": 1.005}, "ticket_cost"),
        ({"ticket_cost": 10**9}, "ticket_cost"),
        ({"ticket_share_percent": 120}, "ticket_share_percent"),
        ({"ticket_share_percent": -0.5}, "ticket_share_percent"),
        ({"ticket_share_percent": None}, "ticket_share_percent"),
        ({"ticket_share_percent": [5]}, "ticket_share_percent"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": "ABC"}, "currency"),
        ({"currency": 978}, "currency"),
    ],
)
def test_bad_assumptions_are_422_with_the_field_named(client, community, owner, change, field):
    token = key(owner, community, scopes=["analytics", "admin"])
    body = error(call(client, "put", SETTINGS, token, {**GOOD, **change}), 422, "invalid")
    assert field in body["fields"]
    assert not BenefitSettings.objects.exists()


def test_a_missing_field_or_no_json_is_refused(client, community, owner):
    token = key(owner, community, scopes=["analytics", "admin"])
    body = error(call(client, "put", SETTINGS, token, {"ticket_cost": 3}), 422)
    assert "currency" in body["fields"]
    response = client.put(
        SETTINGS, "cost=3", content_type="text/plain", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert 400 <= response.status_code < 500
    assert not BenefitSettings.objects.exists()


def test_a_key_without_the_scopes_is_403(client, community, owner):
    read_only = key(owner, community, scopes=["read"])
    error(call(client, "get", DEFLECTION, read_only), 403, "insufficient_scope")
    analytics_only = key(owner, community, scopes=["analytics"])
    error(call(client, "put", SETTINGS, analytics_only, GOOD), 403, "insufficient_scope")


@pytest.mark.parametrize("path", [DEFLECTION, SETTINGS])
@pytest.mark.parametrize("persona", ["moderator", "member", "outsider"])
def test_those_without_the_business_figures_get_404(client, community, personas, persona, path):
    client.force_login(personas[persona])
    error(call(client, "get", path), 404)
    error(call(client, "put", SETTINGS, body=GOOD), 404)
    assert not BenefitSettings.objects.exists()


def test_anonymous_callers_are_401(client, community):
    error(call(client, "get", DEFLECTION), 401)
    error(call(client, "put", SETTINGS, body=GOOD), 401)


def test_a_granted_moderator_reads_but_may_not_change(client, community, moderator):
    Membership.objects.filter(user=moderator).update(analytics_access=True)
    client.force_login(moderator)
    assert call(client, "get", DEFLECTION).status_code == 200
    assert call(client, "get", SETTINGS).status_code == 200
    body = error(call(client, "put", SETTINGS, body=GOOD), 403)
    assert "owner and admins" in body["message"]


def test_another_communitys_admin_and_key_get_404(client, community):
    elsewhere = community_factory(slug="elsewhere")
    admin = membership_factory(elsewhere, role=Role.ADMIN).user
    client.force_login(admin)
    error(call(client, "get", DEFLECTION), 404)
    client.logout()
    token = key(Membership.objects.get(community=elsewhere, role=Role.OWNER).user, elsewhere)
    error(call(client, "get", DEFLECTION, token), 404)
    error(call(client, "put", SETTINGS, token, GOOD), 404)


def test_the_deflection_endpoint_takes_as_many_queries_for_many_questions(
    client, community, owner, ask, view, newcomer, member, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token = key(owner, community, scopes=["analytics"])
    yesterday = timezone.now() - timedelta(days=1)
    view(ask(newcomer, member, yesterday, title="One"), utc_today(), None, n=2)
    call(client, "get", DEFLECTION, token)  # the first call also records the key's use
    with CaptureQueriesContext(connection) as captured:
        assert call(client, "get", DEFLECTION, token).status_code == 200
    for i in range(10):
        view(ask(newcomer, member, yesterday, title=f"Q{i}"), utc_today(), None, n=i + 1)
    with django_assert_num_queries(len(captured)):
        assert call(client, "get", DEFLECTION, token).json()["questions_solved"] == 11
