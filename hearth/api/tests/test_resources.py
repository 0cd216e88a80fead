"""The REST resources with keys: scopes, communities, cursors, bad bodies, idempotency."""

import json

import pytest
from django.core.exceptions import ValidationError

from hearth.api import services
from hearth.api.models import ApiKey, IdempotentRequest
from hearth.discussions import services as discussion_services
from hearth.discussions.models import Category, Post, ReadAccess, Topic
from hearth.testing.factories import actor_for, community_factory

BASE = "/api/v1/communities/garden"


def key(user, community, kind="community", scopes=None):
    return services.api_key_create(
        actor=actor_for(user, community), name="k", kind=kind, scopes=scopes
    )[1]


def call(client, method, path, token=None, body=None, **headers):
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    if token:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(path, data, content_type="application/json", **extra)


def error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert set(body) == {"code", "message", "fields"} and body["message"]
    if code:
        assert body["code"] == code
    return body


@pytest.fixture
def member_key(member, community):
    return key(member, community, kind="member", scopes=["read", "write"])


def test_a_member_key_reads_and_writes_as_the_member(client, topic, member, member_key):
    listed = call(client, "get", f"{BASE}/topics", member_key).json()
    assert [t["id"] for t in listed["items"]] == [topic.pk]
    body = {"body": "A reply from a script"}
    response = call(client, "post", f"{BASE}/topics/{topic.pk}/posts", member_key, body)
    assert response.status_code == 201
    post = Post.objects.get(pk=response.json()["id"])
    assert post.author == member and post.body == "A reply from a script"
    edited = call(client, "patch", f"{BASE}/posts/{post.pk}", member_key, {"body": "Edited"})
    assert edited.status_code == 200 and edited.json()["body"] == "Edited"


def test_creating_a_topic(client, community, general, member_key):
    body = {"category_id": general.pk, "title": "From the API", "body": "Hello"}
    response = call(client, "post", f"{BASE}/topics", member_key, body)
    assert response.status_code == 201
    assert Topic.objects.get(pk=response.json()["id"]).title == "From the API"


def test_reactions_add_and_remove(client, topic, owner, community):
    token = key(owner, community, scopes=["read", "write"])
    post = topic.posts.get(number=1)
    path = f"{BASE}/posts/{post.pk}/reactions/heart"
    assert call(client, "put", path, token).json() == {"kind": "heart", "reacted": True, "count": 1}
    assert call(client, "put", path, token).json()["count"] == 1
    assert call(client, "delete", path, token).json()["count"] == 0
    error(call(client, "put", f"{BASE}/posts/{post.pk}/reactions/angry", token), 422)


def test_key_denials(client, topic, community, owner, member, admin):
    path = f"{BASE}/topics"
    error(call(client, "get", path), 401, "not_authenticated")
    error(call(client, "get", path, "garbage"), 401, "invalid_key")
    reader = key(owner, community, scopes=["read"])
    assert call(client, "get", path, reader).status_code == 200
    body = {"body": "no"}
    error(call(client, "post", f"{path}/{topic.pk}/posts", reader, body), 403, "insufficient_scope")
    revoked_key = key(admin, community)
    services.api_key_revoke(
        actor=actor_for(owner, community), key=ApiKey.objects.get(created_by=admin)
    )
    error(call(client, "get", path, revoked_key), 401, "revoked_key")
    other = community_factory(slug="other", owner=owner)
    owner_key_b = key(owner, other)
    error(call(client, "get", path, owner_key_b), 404)  # an owner key of B on A
    member_key = key(member, community, kind="member", scopes=["read"])
    error(call(client, "get", "/api/v1/communities/other/topics", member_key), 404)
    with pytest.raises(ValidationError):
        key(member, community, kind="member", scopes=["moderate"])


def test_a_tampered_cursor_is_refused(client, community, member, general, member_key):
    actor = actor_for(member, community)
    for i in range(3):
        discussion_services.topic_create(actor=actor, category=general, title=f"T{i}", body="b")
    first = call(client, "get", f"{BASE}/topics?limit=2", member_key).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = call(client, "get", f"{BASE}/topics?limit=2&cursor={first['next_cursor']}", member_key)
    assert [t["title"] for t in second.json()["items"]] == ["T0"]
    assert second.json()["next_cursor"] is None
    tampered = first["next_cursor"][:-3] + "abc"
    body = error(call(client, "get", f"{BASE}/topics?cursor={tampered}", member_key), 422)
    assert body["code"] == "invalid_cursor" and "cursor" in body["fields"]


def test_bad_bodies(client, topic, member_key, settings):
    path = f"{BASE}/topics/{topic.pk}/posts"
    unknown = error(call(client, "post", path, member_key, {"body": "x", "admin": True}), 422)
    assert "admin" in unknown["fields"]
    error(call(client, "post", path, member_key, {"body": 5}), 422)
    wrong_type = client.post(
        path, "body=x", content_type="text/plain", HTTP_AUTHORIZATION=f"Bearer {member_key}"
    )
    error(wrong_type, 415, "unsupported_media_type")
    not_json = client.post(
        path, "{nope", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {member_key}"
    )
    error(not_json, 400, "invalid_json")
    huge = json.dumps({"body": "x" * (10 * 1024 * 1024)})
    big = client.post(
        path, huge, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {member_key}"
    )
    error(big, 413, "payload_too_large")
    assert topic.posts.count() == 1


def test_errors_outside_operations_are_json(client, db):
    error(client.get("/api/v1/nowhere"), 404, "not_found")
    error(client.delete("/api/v1/communities/"), 405, "method_not_allowed")


def test_private_categories_never_show(client, community, owner, member, member_key):
    staff = Category.objects.create(
        community=community, name="Staff room", slug="staff", read_access=ReadAccess.STAFF
    )
    secret = discussion_services.topic_create(
        actor=actor_for(owner, community), category=staff, title="Secret", body="shh"
    )
    listed = call(client, "get", f"{BASE}/topics", member_key).json()["items"]
    assert secret.pk not in [t["id"] for t in listed]
    categories = call(client, "get", f"{BASE}/categories", member_key).json()
    assert "staff" not in [c["slug"] for c in categories]
    error(call(client, "get", f"{BASE}/topics/{secret.pk}", member_key), 404)
    error(call(client, "get", f"{BASE}/topics/{secret.pk}/posts", member_key), 404)
    by_category = call(client, "get", f"{BASE}/topics?category_id={staff.pk}", member_key)
    assert by_category.json()["items"] == []
    owner_key = key(owner, community)
    assert call(client, "get", f"{BASE}/topics/{secret.pk}", owner_key).status_code == 200


def test_idempotency_key(client, topic, member_key):
    path = f"{BASE}/topics/{topic.pk}/posts"
    first = call(client, "post", path, member_key, {"body": "Once"}, **{"Idempotency-Key": "abc"})
    again = call(client, "post", path, member_key, {"body": "Once"}, **{"Idempotency-Key": "abc"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert topic.posts.filter(body="Once").count() == 1
    other = call(client, "post", path, member_key, {"body": "Twice"}, **{"Idempotency-Key": "abc"})
    error(other, 422, "idempotency_key_reused")
    assert IdempotentRequest.objects.count() == 1


def test_a_write_failing_on_the_database_leaves_the_idempotency_key_free(client, topic, member_key):
    """A request that wrote its post and then lost the database: 503, nothing kept (not
    the post, not the key), and the retry with the same key saves the post once."""
    from unittest import mock

    from django.db import OperationalError

    path = f"{BASE}/topics/{topic.pk}/posts"
    headers = {"Idempotency-Key": "lost"}
    lost = OperationalError("server closed the connection unexpectedly")
    with mock.patch("hearth.discussions.services.record_event", side_effect=lost):
        failed = call(client, "post", path, member_key, {"body": "Once"}, **headers)
    error(failed, 503, "unavailable")
    assert failed["Retry-After"].isdigit()
    assert not topic.posts.filter(body="Once").exists()
    assert not IdempotentRequest.objects.exists()
    retried = call(client, "post", path, member_key, {"body": "Once"}, **headers)
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    assert topic.posts.filter(body="Once").count() == 1


def test_rate_limit_per_key(client, topic, member_key, settings):
    settings.HEARTH_API_RATE_LIMIT = 2
    path = f"{BASE}/topics"
    assert call(client, "get", path, member_key).status_code == 200
    assert call(client, "get", path, member_key).status_code == 200
    response = call(client, "get", path, member_key)
    error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) >= 1


def test_session_writes_need_csrf(community, topic, member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.get(f"{BASE}/topics").status_code == 200
    path = f"{BASE}/topics/{topic.pk}/posts"
    error(call(client, "post", path, None, {"body": "no token"}), 403)
    client.get("/c/garden/")
    token = client.cookies["csrftoken"].value
    ok = call(client, "post", path, None, {"body": "with token"}, **{"X-CSRFToken": token})
    assert ok.status_code == 201
