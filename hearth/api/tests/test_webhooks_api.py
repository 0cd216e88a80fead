"""Webhooks over the API: owners and admins with the admin scope, the same services (and
SSRF guard) as the pages, secrets shown once."""

import pytest

from hearth.api.models import IdempotentRequest
from hearth.api.tests.test_resources import BASE, call, error, key
from hearth.communities.models import Membership, Role, StaffAction
from hearth.testing.factories import actor_for, community_factory
from hearth.webhooks import services
from hearth.webhooks.models import Delivery, DeliveryStatus, DisabledReason, Endpoint

HOOKS = f"{BASE}/webhooks"
# A public address written as one: saving it needs no DNS, and tests never send to it.
PUBLIC_URL = "https://93.184.216.34/hooks"


@pytest.fixture
def admin_key(owner, community):
    return key(owner, community, scopes=["read", "admin"])


@pytest.fixture
def endpoint(owner, community):
    endpoint, _secret = services.endpoint_create(
        actor=actor_for(owner, community), url=PUBLIC_URL, event_types=["topic.created"]
    )
    return endpoint


def test_the_owner_adds_a_webhook_and_sees_its_secret_once(client, community, admin_key):
    body = {"url": PUBLIC_URL, "event_types": ["topic.created", "member.joined"]}
    response = call(client, "post", HOOKS, admin_key, body)
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    created = response.json()
    endpoint = Endpoint.objects.get(pk=created["id"])
    assert created["secret"].startswith("whsec_") and created["secret"] == endpoint.secret
    assert created["event_types"] == ["member.joined", "topic.created"]
    assert created["is_active"] is True and created["disabled_reason"] == ""
    assert StaffAction.objects.filter(community=community, action="webhook.create").exists()
    listed = call(client, "get", HOOKS, admin_key).json()
    assert [e["id"] for e in listed["items"]] == [endpoint.pk]
    assert "secret" not in listed["items"][0]
    detail = call(client, "get", f"{HOOKS}/{endpoint.pk}", admin_key)
    assert detail.status_code == 200 and "secret" not in detail.json()
    assert created["secret"] not in detail.content.decode() + str(listed)


def test_a_webhook_can_be_made_switched_off(client, admin_key):
    body = {"url": PUBLIC_URL, "event_types": ["post.created"], "is_active": False}
    created = call(client, "post", HOOKS, admin_key, body).json()
    assert created["is_active"] is False and created["disabled_reason"] == DisabledReason.OWNER


def test_an_admin_manages_webhooks_too(client, community, admin, endpoint):
    token = key(admin, community, scopes=["admin"])
    assert call(client, "get", f"{HOOKS}/{endpoint.pk}", token).status_code == 200


def test_update_changes_only_what_is_sent(client, endpoint, admin_key):
    path = f"{HOOKS}/{endpoint.pk}"
    changed = call(client, "patch", path, admin_key, {"description": "CRM"}).json()
    assert changed["description"] == "CRM" and changed["url"] == PUBLIC_URL
    assert changed["event_types"] == ["topic.created"]
    off = call(client, "patch", path, admin_key, {"is_active": False}).json()
    assert off["is_active"] is False and off["disabled_reason"] == "owner"
    body = {"is_active": True, "event_types": ["idea.created"]}
    on = call(client, "patch", path, admin_key, body).json()
    assert on["is_active"] is True and on["disabled_reason"] == ""
    assert on["event_types"] == ["idea.created"] and on["description"] == "CRM"


def test_delete(client, endpoint, admin_key):
    path = f"{HOOKS}/{endpoint.pk}"
    response = call(client, "delete", path, admin_key)
    assert response.status_code == 204 and response.content == b""
    assert not Endpoint.objects.filter(pk=endpoint.pk).exists()
    error(call(client, "get", path, admin_key), 404, "not_found")
    error(call(client, "delete", path, admin_key), 404, "not_found")


def test_rotating_the_secret_returns_the_new_one_once(client, endpoint, admin_key):
    old = endpoint.secret
    response = call(client, "post", f"{HOOKS}/{endpoint.pk}/secret", admin_key)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    new = response.json()["secret"]
    endpoint.refresh_from_db()
    assert new != old and endpoint.secret == new
    assert new not in call(client, "get", f"{HOOKS}/{endpoint.pk}", admin_key).content.decode()


def _delivery(endpoint, status=DeliveryStatus.SUCCEEDED, code=200, **fields):
    return Delivery.objects.create(
        community_id=endpoint.community_id, endpoint=endpoint, event_type="topic.created",
        payload={"type": "topic.created"}, status=status, attempts=1, last_status_code=code,
        **fields,
    )  # fmt: skip


def test_the_delivery_log_pages_by_cursor_with_status_codes(client, endpoint, admin_key):
    ok = _delivery(endpoint)
    failed = _delivery(endpoint, DeliveryStatus.FAILED, 500, last_error="Server error")
    pending = _delivery(endpoint, DeliveryStatus.PENDING, None)
    path = f"{HOOKS}/{endpoint.pk}/deliveries"
    first = call(client, "get", f"{path}?limit=2", admin_key).json()
    assert [d["id"] for d in first["items"]] == [pending.pk, failed.pk]
    assert [d["last_status_code"] for d in first["items"]] == [None, 500]
    assert first["items"][1]["last_error"] == "Server error"
    rest = call(client, "get", f"{path}?limit=2&cursor={first['next_cursor']}", admin_key).json()
    assert [d["id"] for d in rest["items"]] == [ok.pk] and rest["next_cursor"] is None
    only_failed = call(client, "get", f"{path}?status=failed", admin_key).json()["items"]
    assert [d["id"] for d in only_failed] == [failed.pk]
    one = call(client, "get", f"{path}/{ok.pk}", admin_key).json()
    assert one["uuid"] == str(ok.uuid) and one["last_status_code"] == 200
    error(call(client, "get", f"{path}?cursor=nonsense", admin_key), 422, "invalid_cursor")
    error(call(client, "get", f"{path}?status=lost", admin_key), 422)
    error(call(client, "get", f"{path}?limit=1000", admin_key), 422)


def test_the_delivery_log_query_count_is_flat(
    client, endpoint, admin_key, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = f"{HOOKS}/{endpoint.pk}/deliveries"
    _delivery(endpoint)
    call(client, "get", path, admin_key)  # the key's last use is written once a minute
    with CaptureQueriesContext(connection) as one:
        call(client, "get", path, admin_key)
    for _ in range(20):
        _delivery(endpoint)
    with django_assert_max_num_queries(len(one)):
        assert len(call(client, "get", path, admin_key).json()["items"]) == 21


def test_redeliver_and_ping(client, endpoint, admin_key, owner, community):
    original = _delivery(endpoint, DeliveryStatus.FAILED, 500)
    path = f"{HOOKS}/{endpoint.pk}/deliveries/{original.pk}/redeliver"
    response = call(client, "post", path, admin_key)
    assert response.status_code == 202, response.content
    again = Delivery.objects.get(pk=response.json()["id"])
    assert again.redelivery_of_id == original.pk and again.payload == original.payload
    assert response.json()["status"] == "pending" and again.uuid != original.uuid
    ping = call(client, "post", f"{HOOKS}/{endpoint.pk}/ping", admin_key)
    assert ping.status_code == 202 and ping.json()["event_type"] == "ping"
    # A delivery of another endpoint is not found under this one.
    other, _secret = services.endpoint_create(
        actor=actor_for(owner, community), url=PUBLIC_URL, event_types=["post.created"]
    )
    error(call(client, "post", f"{HOOKS}/{other.pk}/deliveries/{original.pk}/redeliver",
               admin_key), 404)  # fmt: skip
    # A switched-off endpoint sends nothing.
    call(client, "patch", f"{HOOKS}/{endpoint.pk}", admin_key, {"is_active": False})
    refused = error(call(client, "post", path, admin_key), 422)
    assert "switched off" in refused["message"]
    error(call(client, "post", f"{HOOKS}/{endpoint.pk}/ping", admin_key), 422)
    assert Delivery.objects.filter(endpoint=endpoint).count() == 3


@pytest.mark.parametrize(
    "body, field",
    [
        ({"url": PUBLIC_URL, "event_types": ["topic.exploded"]}, "event_types.0"),
        ({"url": PUBLIC_URL, "event_types": []}, "event_types"),
        ({"url": PUBLIC_URL}, "event_types"),
        ({"url": "not a url", "event_types": ["topic.created"]}, "url"),
        ({"url": "ftp://93.184.216.34/x", "event_types": ["topic.created"]}, "url"),
        ({"url": "http://user:pw@93.184.216.34/", "event_types": ["topic.created"]}, "url"),
        ({"url": "", "event_types": ["topic.created"]}, "url"),
        ({"url": "https://" + "a" * 500, "event_types": ["topic.created"]}, "url"),
        ({"url": "http://127.0.0.1:8000/hooks", "event_types": ["topic.created"]}, "url"),
        ({"url": "http://[::1]/hooks", "event_types": ["topic.created"]}, "url"),
        ({"url": "http://169.254.169.254/latest/", "event_types": ["topic.created"]}, "url"),
        ({"url": PUBLIC_URL, "event_types": ["topic.created"], "secret": "mine"}, "secret"),
        ({"url": PUBLIC_URL, "event_types": ["topic.created"], "description": "x" * 201},
         "description"),
        ({"url": PUBLIC_URL, "event_types": "topic.created"}, "event_types"),
        ({"url": PUBLIC_URL, "event_types": ["topic.created"], "is_active": "maybe"},
         "is_active"),
    ],
)  # fmt: skip
def test_bad_input_is_a_422_with_the_field(client, admin_key, body, field):
    problem = error(call(client, "post", HOOKS, admin_key, body), 422, "invalid")
    assert field in problem["fields"], problem
    assert not Endpoint.objects.exists()


def test_metadata_addresses_are_refused_even_where_private_targets_are_allowed(
    client, admin_key, settings
):
    settings.HEARTH_WEBHOOKS_ALLOW_PRIVATE = True
    body = {"url": "http://169.254.169.254/latest/meta-data", "event_types": ["topic.created"]}
    problem = error(call(client, "post", HOOKS, admin_key, body), 422)
    assert "metadata" in problem["fields"]["url"][0]
    body["url"] = "http://127.0.0.1:8000/hooks"
    assert call(client, "post", HOOKS, admin_key, body).status_code == 201


def test_bad_updates_change_nothing(client, endpoint, admin_key):
    path = f"{HOOKS}/{endpoint.pk}"
    for body, field in [
        ({"url": "http://127.0.0.1/"}, "url"),
        ({"url": "http://169.254.169.254/"}, "url"),
        ({"event_types": ["nope"]}, "event_types.0"),
        ({"event_types": []}, "event_types"),
        ({"colour": "red"}, "colour"),
        ({"secret": "mine"}, "secret"),
    ]:
        assert field in error(call(client, "patch", path, admin_key, body), 422)["fields"]
    endpoint.refresh_from_db()
    assert endpoint.url == PUBLIC_URL and endpoint.event_types == ["topic.created"]


@pytest.mark.parametrize("bad_id", ["0", "-1", str(2**63), "abc"])
def test_out_of_range_ids_are_a_422(client, admin_key, bad_id):
    for method, path in [
        ("get", f"{HOOKS}/{bad_id}"),
        ("patch", f"{HOOKS}/{bad_id}"),
        ("delete", f"{HOOKS}/{bad_id}"),
        ("post", f"{HOOKS}/{bad_id}/secret"),
        ("get", f"{HOOKS}/{bad_id}/deliveries"),
        ("post", f"{HOOKS}/1/deliveries/{bad_id}/redeliver"),
    ]:
        error(call(client, method, path, admin_key, {} if method == "patch" else None), 422)


def test_unknown_ids_are_a_404(client, admin_key, endpoint):
    error(call(client, "get", f"{HOOKS}/{2**62}", admin_key), 404)
    error(call(client, "post", f"{HOOKS}/{endpoint.pk}/deliveries/{2**62}/redeliver",
               admin_key), 404)  # fmt: skip


def _all_operations(endpoint_id, delivery_id):
    body = {"url": PUBLIC_URL, "event_types": ["topic.created"]}
    return [
        ("get", HOOKS, None),
        ("post", HOOKS, body),
        ("get", f"{HOOKS}/{endpoint_id}", None),
        ("patch", f"{HOOKS}/{endpoint_id}", {"description": "mine now"}),
        ("delete", f"{HOOKS}/{endpoint_id}", None),
        ("post", f"{HOOKS}/{endpoint_id}/secret", None),
        ("post", f"{HOOKS}/{endpoint_id}/ping", None),
        ("get", f"{HOOKS}/{endpoint_id}/deliveries", None),
        ("get", f"{HOOKS}/{endpoint_id}/deliveries/{delivery_id}", None),
        ("post", f"{HOOKS}/{endpoint_id}/deliveries/{delivery_id}/redeliver", None),
    ]


def _unchanged(endpoint, secret):
    endpoint.refresh_from_db()
    assert endpoint.secret == secret and endpoint.description == ""
    assert Endpoint.objects.count() == 1 and Delivery.objects.count() == 1


def test_who_may_not_manage_webhooks(client, community, owner, admin, member, endpoint):
    delivery = _delivery(endpoint)
    secret = endpoint.secret
    member_key = key(member, community, kind="member", scopes=["read", "write"])
    no_admin_scope = key(owner, community, scopes=["read", "write", "moderate", "analytics"])
    # A key made by an admin who is a moderator now: staff, but not owner or admin.
    moderators = key(admin, community, scopes=["read", "admin"])
    Membership.objects.filter(community=community, user=admin).update(role=Role.MODERATOR)
    for method, path, body in _all_operations(endpoint.pk, delivery.pk):
        error(call(client, method, path, None, body), 401, "not_authenticated")
        error(call(client, method, path, "hth_bad_key", body), 401, "invalid_key")
        error(call(client, method, path, member_key, body), 403, "insufficient_scope")
        error(call(client, method, path, no_admin_scope, body), 403, "insufficient_scope")
        denied = error(call(client, method, path, moderators, body), 403, "forbidden")
        assert "owners and admins" in denied["message"]
    _unchanged(endpoint, secret)


def test_a_member_signed_in_may_not_manage_webhooks(client, member, endpoint):
    client.force_login(member)
    error(client.get(HOOKS), 403, "forbidden")
    error(client.get(f"{HOOKS}/{endpoint.pk}/deliveries"), 403, "forbidden")


def test_another_communitys_key_gets_404(client, owner, endpoint):
    delivery = _delivery(endpoint)
    secret = endpoint.secret
    other = community_factory(slug="other", owner=owner)
    foreign = key(owner, other, scopes=["read", "write", "admin"])
    for method, path, body in _all_operations(endpoint.pk, delivery.pk):
        error(call(client, method, path, foreign, body), 404, "not_found")
    # Under its own community, this community's endpoint is not found either.
    other_base = "/api/v1/communities/other/webhooks"
    error(call(client, "get", f"{other_base}/{endpoint.pk}", foreign), 404)
    error(call(client, "delete", f"{other_base}/{endpoint.pk}", foreign), 404)
    error(call(client, "post", f"{other_base}/{endpoint.pk}/deliveries/{delivery.pk}/redeliver",
               foreign), 404)  # fmt: skip
    assert call(client, "get", other_base, foreign).json()["items"] == []
    _unchanged(endpoint, secret)


def test_a_retried_create_makes_one_webhook_and_keeps_no_secret_in_clear(client, admin_key):
    body = {"url": PUBLIC_URL, "event_types": ["topic.created"]}
    first = call(client, "post", HOOKS, admin_key, body, **{"Idempotency-Key": "hook-1"})
    again = call(client, "post", HOOKS, admin_key, body, **{"Idempotency-Key": "hook-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again["Cache-Control"] == "no-store"
    assert first.json() == again.json()
    assert Endpoint.objects.count() == 1
    secret = first.json()["secret"]
    assert secret.encode() not in bytes(IdempotentRequest.objects.get(key="hook-1").body)


def test_the_openapi_document_lists_the_event_types(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    items = schema["components"]["schemas"]["EndpointIn"]["properties"]["event_types"]["items"]
    assert "topic.created" in items["enum"] and "ping" not in items["enum"]
    assert "/api/v1/communities/{slug}/webhooks/{endpoint_id}/secret" in schema["paths"]
