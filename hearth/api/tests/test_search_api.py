"""Search over the API: only what the caller may read, pages of at most 50, bad input 422."""

import pytest

from hearth.api.tests.test_resources import BASE, call, error, key
from hearth.discussions import services as discussion_services
from hearth.discussions.models import ReadAccess
from hearth.testing.factories import actor_for, community_factory


def start(user, category, title, body="Tomato talk"):
    return discussion_services.topic_create(
        actor=actor_for(user, category.community), category=category, title=title, body=body
    )


@pytest.fixture
def staff_room(community, owner):
    return discussion_services.category_create(
        actor=actor_for(owner, community), name="Staff room", read_access=ReadAccess.STAFF
    )


@pytest.fixture
def member_key(member, community):
    return key(member, community, kind="member", scopes=["read"])


def test_finds_only_readable_topics(client, community, owner, general, staff_room, member_key):
    start(owner, general, "Tomato blight")
    secret = start(owner, staff_room, "Tomato secrets")
    found = call(client, "get", f"{BASE}/search?q=tomato", member_key)
    assert found.status_code == 200, found.content
    body = found.json()
    assert [h["topic_title"] for h in body["items"]] == ["Tomato blight"]
    assert "<mark>" in body["items"][0]["snippet_html"] and body["page"] == 1
    assert secret.pk not in [h["topic_id"] for h in body["items"]]
    # Not even by naming the category.
    error(call(client, "get", f"{BASE}/search?q=tomato&category=staff-room", member_key), 422)
    staff_key = key(owner, community, scopes=["read"])
    titles = [
        h["topic_title"]
        for h in call(client, "get", f"{BASE}/search?q=tomato", staff_key).json()["items"]
    ]
    assert sorted(titles) == ["Tomato blight", "Tomato secrets"]


def test_pages(client, owner, general, member_key):
    for i in range(3):
        start(owner, general, f"Tomato {i}")
    first = call(client, "get", f"{BASE}/search?q=tomato&limit=2", member_key).json()
    assert len(first["items"]) == 2 and first["has_next"] and first["topics"] == 3
    second = call(client, "get", f"{BASE}/search?q=tomato&limit=2&page=2", member_key).json()
    assert len(second["items"]) == 1 and not second["has_next"]
    assert {h["topic_id"] for h in first["items"]}.isdisjoint(
        h["topic_id"] for h in second["items"]
    )


def test_bad_input_and_denials(client, community, owner, general, member_key):
    start(owner, general, "Tomato")
    error(call(client, "get", f"{BASE}/search?q=tomato&limit=51", member_key), 422)
    error(call(client, "get", f"{BASE}/search?q=tomato&page=0", member_key), 422)
    error(call(client, "get", f"{BASE}/search?q=tomato&after=yesterday", member_key), 422)
    early = error(call(client, "get", f"{BASE}/search?q=tomato&after=1900-01-01", member_key), 422)
    assert "after" in early["fields"]
    crossed = f"{BASE}/search?q=tomato&after=2030-01-02&before=2030-01-01"
    assert "before" in error(call(client, "get", crossed, member_key), 422)["fields"]
    assert "q" in error(call(client, "get", f"{BASE}/search", member_key), 422)["fields"]
    other = community_factory(slug="other", owner=owner)
    foreign = key(owner, other, scopes=["read"])
    error(call(client, "get", f"{BASE}/search?q=tomato", foreign), 404)
    writer = key(owner, community, scopes=["write"])
    error(call(client, "get", f"{BASE}/search?q=tomato", writer), 403, "insufficient_scope")
    odd = call(client, "get", f"{BASE}/search?q=%22%28%29*%5E%00NEAR", member_key)
    assert odd.status_code in (200, 422)
