"""API keys: the staff page that makes and revokes them, and the health endpoint they open."""

from datetime import timedelta

import pytest
from django.urls import reverse

from hearth.analytics import metrics
from hearth.analytics.dashboard import Window
from hearth.analytics.forms import utc_today
from hearth.analytics.tests.test_dashboard_seed import seed_history
from hearth.api import services
from hearth.api.models import ApiKey
from hearth.communities import services as community_services
from hearth.communities.models import Membership, Role
from hearth.testing.factories import actor_for, community_factory, membership_factory

HEALTH = "/api/v1/communities/{slug}/health"


def keys_url(community):
    return reverse("analytics:api-keys", args=[community.slug])


def make_key(user, community, name="Spreadsheet"):
    return services.api_key_create(actor=actor_for(user, community), name=name)


def get(client, community, key=None, slug=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.get(HEALTH.format(slug=slug or community.slug), params, **headers)


# The staff page ----------------------------------------------------------------------------


def test_an_owner_makes_a_key_and_sees_it_once(client, community, owner):
    client.force_login(owner)
    response = client.post(
        keys_url(community), {"name": "Weekly report", "scopes": ["read", "analytics"]}
    )
    assert response.status_code == 200
    full = response.context["new_key"]
    key = ApiKey.objects.get(community=community)
    assert full.startswith(f"hth_{key.prefix}_") and key.name == "Weekly report"
    assert key.kind == "community" and key.scopes == ["read", "analytics"]
    assert full not in key.secret_hash and key.secret_hash == services.hash_key(full)
    assert full not in client.get(keys_url(community)).content.decode()


def test_a_key_needs_a_name(client, community, owner):
    client.force_login(owner)
    response = client.post(keys_url(community), {"name": "   ", "scopes": ["read"]})
    assert response.context["new_key"] is None
    response = client.post(keys_url(community), {"name": "No scope"})
    assert response.context["new_key"] is None and response.context["form"].errors["scopes"]
    response = client.post(keys_url(community), {"name": "Bad", "scopes": ["root"]})
    assert response.context["new_key"] is None and response.context["form"].errors["scopes"]
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("persona, status", [("moderator", 403), ("member", 403), ("admin", 200)])
def test_only_owners_and_admins_manage_keys(client, community, personas, persona, status):
    client.force_login(personas[persona])
    assert client.get(keys_url(community)).status_code == status


def test_revoking_a_key(client, community, owner, admin):
    key, _full = make_key(owner, community)
    client.force_login(admin)
    revoke = reverse("analytics:api-key-revoke", args=[community.slug, key.pk])
    assert client.post(revoke).status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    client.post(revoke)  # twice: a message, not an error
    other = community_factory(slug="other")
    foreign, _ = make_key(other.created_by, other)
    wrong = reverse("analytics:api-key-revoke", args=[community.slug, foreign.pk])
    assert client.post(wrong).status_code == 404


# The endpoint -----------------------------------------------------------------------------


@pytest.fixture
def history(community, owner):
    return seed_history(community, owner)


def test_a_staff_key_reads_the_same_figures_as_the_report(client, history, owner):
    community = history.community
    _key, full = make_key(owner, community)
    today = utc_today()
    start = today - timedelta(days=27)
    response = get(client, community, full, start=start.isoformat(), end=today.isoformat())
    assert response.status_code == 200
    body = response.json()
    window = Window(start, today)
    report = metrics.health_report(community, window.start_at, window.end_at)
    figures = body["figures"]
    assert figures["active_members"] == report.active.total
    assert figures["newcomers_welcomed"] == len(report.newcomers.welcomed)
    assert figures["newcomer_welcome_rate"] == pytest.approx(float(report.newcomers.rate), abs=1e-4)
    assert figures["member_to_member_share"] == pytest.approx(
        float(report.member_to_member.share), abs=1e-4
    )
    assert figures["reciprocity_share"] == pytest.approx(float(report.reciprocity.share), abs=1e-4)
    assert figures["stickiness_percent"] == pytest.approx(float(report.active.stickiness), abs=1e-4)
    assert figures["relationships"] == len(report.reciprocity.relationships) == 1
    assert len(body["days"]) == 28 and body["days"][-1]["date"] == today.isoformat()
    assert [d["active_members"] for d in body["days"]] == [d.active for d in report.active.days]
    assert (
        body["start"] == start.isoformat()
        and body["previous_end"] == (start - timedelta(days=1)).isoformat()
    )
    assert ApiKey.objects.get().last_used_at is not None


def test_a_preset_window(client, community, owner):
    _key, full = make_key(owner, community)
    assert len(get(client, community, full, days="7").json()["days"]) == 7


@pytest.mark.parametrize(
    "params, problem",
    [
        ({"start": "2025-03-10", "end": "2025-03-01"}, "__all__"),
        ({"start": "garbage", "end": "2025-03-01"}, "start"),
        ({"start": "2025-03-01"}, "__all__"),
        ({"start": "2020-01-01", "end": "2025-01-01"}, "__all__"),
        ({"start": "2025-01-01", "end": "2999-01-01"}, "__all__"),
        ({"days": "5"}, "days"),
        ({"days": "99999999999999999999999"}, "days"),
    ],
)
def test_bad_dates_are_422_with_a_message(client, community, owner, params, problem):
    """Each problem under the parameter it is about; a range's under ``__all__``."""
    _key, full = make_key(owner, community)
    response = get(client, community, full, **params)
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert list(fields) == [problem] and all(isinstance(m, str) for m in fields[problem])


def test_refused_keys(client, community, owner, admin, member):
    def status(key, slug=None):
        return get(client, community, key, slug=slug).status_code

    assert status(None) == 401
    assert status("garbage") == 401
    assert status("hth_deadbeef_nope") == 401
    key, full = make_key(owner, community)
    assert status(full[:-2] + "xx") == 401  # right prefix, wrong secret
    assert status(full, slug="nowhere") == 404
    other = community_factory(slug="other")
    assert status(full, slug=other.slug) == 404  # a key opens its own community only
    revoked, revoked_full = make_key(admin, community, "Old")
    services.api_key_revoke(actor=actor_for(owner, community), key=revoked)
    assert status(revoked_full) == 401
    assert status(full) == 200


def test_a_key_stops_working_when_its_creator_is_no_longer_staff(client, community, owner, admin):
    _key, full = make_key(admin, community)
    assert get(client, community, full).status_code == 200
    membership = Membership.objects.get(community=community, user=admin)
    community_services.membership_set_role(
        actor=actor_for(owner, community), membership=membership, role=Role.MEMBER
    )
    assert get(client, community, full).status_code == 401
    membership_factory(community_factory(slug="elsewhere"), user=admin, role=Role.ADMIN)
    assert get(client, community, full).status_code == 401


def test_a_members_session_does_not_open_the_endpoint(client, community, member, owner):
    client.force_login(member)
    assert get(client, community).status_code == 404  # the dashboard's rule: absent
    client.force_login(owner)
    assert get(client, community).status_code == 200


def test_a_key_without_the_analytics_scope_is_refused(client, community, owner):
    _key, full = services.api_key_create(
        actor=actor_for(owner, community), name="Reader", scopes=["read"]
    )
    response = get(client, community, full)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"
