"""Invites and campaigns over the API: what the staff's invites and campaigns pages offer,
for owners and admins (a key needs the ``admin`` scope)."""

import pytest

from hearth.api.tests.test_resources import BASE, call, error, key
from hearth.communities.models import Invite, StaffAction
from hearth.communities.services import invite_create
from hearth.growth.models import Arrival
from hearth.testing.factories import actor_for, community_factory, user_factory


@pytest.fixture
def admin_key(admin, community):
    return key(admin, community, scopes=["read", "admin"])


def test_create_list_and_revoke_an_invite(client, community, admin, admin_key):
    body = {"source": "newsletter", "max_uses": 50, "expires_in_days": 30}
    response = call(client, "post", f"{BASE}/invites", admin_key, body)
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["source"] == "newsletter" and made["max_uses"] == 50 and made["usable"]
    assert made["url"].endswith(f"/c/garden/welcome?invite={made['code']}")
    assert made["created_by"] == admin.username and made["expires_at"]
    assert StaffAction.objects.filter(community=community, action="invite.create").exists()
    listed = call(client, "get", f"{BASE}/invites", admin_key).json()
    assert [i["code"] for i in listed["items"]] == [made["code"]]
    revoke = f"{BASE}/invites/{made['id']}/revoke"
    revoked = call(client, "post", revoke, admin_key)
    assert revoked.status_code == 200, revoked.content
    assert revoked.json()["revoked_at"] and revoked.json()["usable"] is False
    assert Invite.objects.get(pk=made["id"]).revoked_at is not None
    # Revoking twice changes nothing.
    assert (
        call(client, "post", revoke, admin_key).json()["revoked_at"] == revoked.json()["revoked_at"]
    )
    # No limits: an invite for everyone, for ever.
    open_invite = call(client, "post", f"{BASE}/invites", admin_key, {}).json()
    assert open_invite["max_uses"] is None and open_invite["expires_at"] is None


def test_the_invite_list_pages_with_a_cursor(client, community, admin, admin_key):
    for n in range(5):
        invite_create(actor=actor_for(admin, community), source=f"s{n}")
    first = call(client, "get", f"{BASE}/invites?limit=3", admin_key).json()
    rest = call(client, "get", f"{BASE}/invites?limit=3&cursor={first['next_cursor']}", admin_key)
    sources = [i["source"] for i in first["items"] + rest.json()["items"]]
    assert sources == ["s4", "s3", "s2", "s1", "s0"] and rest.json()["next_cursor"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"max_uses": 0},
        {"max_uses": 100_001},
        {"max_uses": "many"},
        {"expires_in_days": 0},
        {"expires_in_days": 366},
        {"source": "x" * 101},
        {"source": 7},
        {"code": "mine"},
    ],
)
def test_invite_bad_input(client, admin_key, body):
    error(call(client, "post", f"{BASE}/invites", admin_key, body), 422)
    assert Invite.objects.count() == 0


def test_invite_bad_ids(client, community, admin_key):
    error(call(client, "post", f"{BASE}/invites/999999/revoke", admin_key), 404)
    error(call(client, "post", f"{BASE}/invites/0/revoke", admin_key), 422)
    error(call(client, "post", f"{BASE}/invites/{2**63}/revoke", admin_key), 422)
    error(call(client, "get", f"{BASE}/invites?cursor=forged", admin_key), 422, "invalid_cursor")
    error(call(client, "get", f"{BASE}/invites?limit=1000", admin_key), 422)


def test_invites_and_campaigns_are_refused_to_others(
    client, community, owner, admin, moderator, member
):
    invite = invite_create(actor=actor_for(admin, community), source="flyer")
    revoke = f"{BASE}/invites/{invite.pk}/revoke"
    reads = [f"{BASE}/invites", f"{BASE}/campaigns", f"{BASE}/campaigns/link?source=x"]
    no_admin = key(owner, community, scopes=["read", "write", "moderate", "analytics"])
    member_key = key(member, community, kind="member", scopes=["read", "write"])
    for token in (no_admin, member_key):
        for path in reads:
            error(call(client, "get", path, token), 403, "insufficient_scope")
        error(call(client, "post", f"{BASE}/invites", token, {}), 403, "insufficient_scope")
        error(call(client, "post", revoke, token), 403, "insufficient_scope")
    other = community_factory(slug="other", owner=owner)
    foreign = key(owner, other, scopes=["read", "admin"])
    for path in reads:
        error(call(client, "get", path, foreign), 404)
    error(call(client, "post", f"{BASE}/invites", foreign, {}), 404)
    error(call(client, "post", revoke, foreign), 404)
    # Sessions have every scope; the policy decides: moderators and members do not manage
    # the community's invites and campaigns.
    for user in (moderator, member):
        client.force_login(user)
        for path in reads:
            error(call(client, "get", path), 403, "forbidden")
        error(call(client, "post", f"{BASE}/invites", None, {}), 403, "forbidden")
        error(call(client, "post", revoke), 403, "forbidden")
    assert Invite.objects.count() == 1 and Invite.objects.get().revoked_at is None


def test_invite_list_query_count_is_flat(
    client, community, admin, admin_key, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            invite_create(actor=actor_for(admin, community))

    add(2)
    with django_assert_max_num_queries(10) as few:
        assert len(call(client, "get", f"{BASE}/invites", admin_key).json()["items"]) == 2
    count = len(few.captured_queries)  # read now: the next request resets the query log
    add(20)
    with django_assert_max_num_queries(count):
        assert len(call(client, "get", f"{BASE}/invites", admin_key).json()["items"]) == 22


def arrive(community, source, campaign=""):
    Arrival.objects.create(
        community=community, user=user_factory(), source=source, campaign=campaign
    )


def test_the_campaign_funnel(client, community, admin_key):
    arrive(community, "instagram", "spring")
    arrive(community, "instagram", "spring")
    arrive(community, "newsletter")
    response = call(client, "get", f"{BASE}/campaigns", admin_key)
    assert response.status_code == 200, response.content
    report = response.json()
    rows = {(r["source"], r["campaign"]): r for r in report["rows"]}
    spring = {s["name"]: s["count"] for s in rows[("instagram", "spring")]["stages"]}
    assert spring["signed_up"] == 2 and spring["joined"] == 0
    assert [s["name"] for s in report["total"]["stages"]][:3] == [
        "visited",
        "signed_up",
        "joined",
    ]
    week = call(client, "get", f"{BASE}/campaigns?days=7", admin_key).json()
    assert week["start"] < week["end"]
    error(call(client, "get", f"{BASE}/campaigns?days=0", admin_key), 422)
    error(call(client, "get", f"{BASE}/campaigns?days=367", admin_key), 422)
    error(call(client, "get", f"{BASE}/campaigns?days=soon", admin_key), 422)


def test_campaign_query_count_is_flat(client, community, admin_key, django_assert_max_num_queries):
    arrive(community, "instagram", "spring")
    with django_assert_max_num_queries(30) as few:
        assert call(client, "get", f"{BASE}/campaigns", admin_key).status_code == 200
    count = len(few.captured_queries)
    for n in range(10):
        arrive(community, f"source{n}", f"campaign{n}")
    with django_assert_max_num_queries(count):
        rows = call(client, "get", f"{BASE}/campaigns", admin_key).json()["rows"]
    campaigns = {(r["source"], r["campaign"]) for r in rows}
    assert {("instagram", "spring")} | {(f"source{n}", f"campaign{n}") for n in range(10)} <= (
        campaigns
    )


def test_a_campaign_link(client, community, admin_key):
    response = call(
        client, "get", f"{BASE}/campaigns/link?source=newsletter&campaign=spring", admin_key
    )
    assert response.status_code == 200, response.content
    link = response.json()
    assert link["url"].endswith("/c/garden/welcome?source=newsletter&utm_campaign=spring")
    assert (link["source"], link["campaign"]) == ("newsletter", "spring")
    plain = call(client, "get", f"{BASE}/campaigns/link?source=%20flyer%20", admin_key).json()
    assert plain["url"].endswith("/c/garden/welcome?source=flyer") and plain["campaign"] == ""
    error(call(client, "get", f"{BASE}/campaigns/link", admin_key), 422)
    error(call(client, "get", f"{BASE}/campaigns/link?source=", admin_key), 422)
    assert (
        "source"
        in error(call(client, "get", f"{BASE}/campaigns/link?source=%01%02", admin_key), 422)[
            "fields"
        ]
    )
    long = "x" * 101
    error(call(client, "get", f"{BASE}/campaigns/link?source={long}", admin_key), 422)
    error(call(client, "get", f"{BASE}/campaigns/link?source=a&campaign={long}", admin_key), 422)
