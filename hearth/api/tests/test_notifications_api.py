"""The caller's own notifications over the API."""

import pytest

from hearth.api.tests.test_resources import BASE, call, error, key
from hearth.discussions import services as discussion_services
from hearth.discussions.models import Category, ReadAccess
from hearth.notifications.models import Kind, Notification
from hearth.testing.factories import actor_for, community_factory


def notify(user, community, topic, kind=Kind.REPLY, actor=None, group=None):
    return Notification.objects.create(
        community=community,
        recipient=user,
        kind=kind,
        actor=actor,
        topic=topic,
        post=topic.posts.get(number=1) if topic else None,
        group_key=group or f"{kind}:{topic.pk if topic else 0}",
        event_id=1,
    )


@pytest.fixture
def member_key(member, community):
    return key(member, community, kind="member", scopes=["read", "write"])


def test_list_mark_one_and_all(client, community, member, owner, topic, member_key):
    older = notify(member, community, topic, Kind.REPLY, actor=owner)
    newer = notify(member, community, topic, Kind.MENTION, actor=owner)
    notify(owner, community, topic, Kind.MENTION)  # someone else's
    listed = call(client, "get", f"{BASE}/notifications?limit=1", member_key).json()
    assert [n["id"] for n in listed["items"]] == [newer.pk]
    assert "mentioned you" in listed["items"][0]["sentence"]
    assert listed["items"][0]["actor"]["username"] == owner.username
    rest = call(client, "get", f"{BASE}/notifications?cursor={listed['next_cursor']}", member_key)
    assert [n["id"] for n in rest.json()["items"]] == [older.pk]
    read = call(client, "post", f"{BASE}/notifications/{older.pk}/read", member_key)
    assert read.status_code == 200 and read.json()["is_read"] is True
    unread = call(client, "get", f"{BASE}/notifications?unread=true", member_key).json()["items"]
    assert [n["id"] for n in unread] == [newer.pk]
    marked = call(client, "post", f"{BASE}/notifications/read", member_key)
    assert marked.json() == {"marked": 1}
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=owner, read_at__isnull=True).count() == 1


def test_denials(client, community, member, owner, topic, member_key):
    mine = notify(member, community, topic)
    theirs = notify(owner, community, topic, Kind.MENTION)
    community_key = key(owner, community, scopes=["read", "write"])
    body = error(call(client, "get", f"{BASE}/notifications", community_key), 403)
    assert body["code"] == "member_key_required" and "member key" in body["message"]
    error(call(client, "post", f"{BASE}/notifications/read", community_key), 403)
    error(call(client, "post", f"{BASE}/notifications/{theirs.pk}/read", member_key), 404)
    reader = key(member, community, kind="member", scopes=["read"])
    path = f"{BASE}/notifications/{mine.pk}/read"
    error(call(client, "post", path, reader), 403, "insufficient_scope")
    error(call(client, "post", f"{BASE}/notifications/read", reader, {"x": 1}), 403)
    other = community_factory(slug="other", owner=owner)
    elsewhere = notify(member, other, None, Kind.JOIN_DECISION, group="join")
    error(call(client, "post", f"{BASE}/notifications/{elsewhere.pk}/read", member_key), 404)
    error(call(client, "get", "/api/v1/communities/other/notifications", member_key), 404)
    error(call(client, "get", f"{BASE}/notifications?cursor=nope", member_key), 422)
    error(call(client, "get", f"{BASE}/notifications?limit=0", member_key), 422)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is None and theirs.read_at is None


def test_private_content_never_shows(client, community, member, owner, member_key):
    staff = Category.objects.create(
        community=community, name="Staff room", slug="staff", read_access=ReadAccess.STAFF
    )
    secret = discussion_services.topic_create(
        actor=actor_for(owner, community), category=staff, title="Secret", body="shh"
    )
    hidden = notify(member, community, secret, Kind.MENTION)
    assert call(client, "get", f"{BASE}/notifications", member_key).json()["items"] == []
    error(call(client, "post", f"{BASE}/notifications/{hidden.pk}/read", member_key), 404)
