"""Sanctions over the API: the staff's list, imposing and lifting, through the moderation
services and policy (as on the sanctions pages)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hearth.api.tests.test_resources import BASE, call, error, key
from hearth.communities.models import Membership, MembershipStatus
from hearth.moderation.models import Sanction
from hearth.testing.factories import community_factory, membership_factory


def later(**delta):
    return (timezone.now() + timedelta(**(delta or {"days": 2}))).isoformat()


@pytest.fixture
def moderating(owner, community):
    return key(owner, community, scopes=["read", "moderate"])


def impose(client, token, username, **body):
    body = {"kind": "silence", "reason": "Too loud", "ends_at": later(), **body}
    return call(client, "post", f"{BASE}/members/{username}/sanctions", token, body)


def test_silence_then_lift(client, community, owner, member, moderating):
    response = impose(client, moderating, member.username)
    assert response.status_code == 201, response.content
    sanction = response.json()
    assert sanction["kind"] == "silence" and sanction["username"] == "mel"
    assert sanction["in_force"] and sanction["can_lift"] and sanction["created_by"] == "olivia"
    assert Membership.objects.get(community=community, user=member).is_silenced
    listed = call(client, "get", f"{BASE}/sanctions", moderating).json()
    assert [s["id"] for s in listed["items"]] == [sanction["id"]]
    lift = f"{BASE}/sanctions/{sanction['id']}/lift"
    lifted = call(client, "post", lift, moderating, {"reason": "Calmer now"})
    assert lifted.status_code == 200, lifted.content
    assert lifted.json()["in_force"] is False and lifted.json()["lifted_at"]
    assert not Membership.objects.get(community=community, user=member).is_silenced
    assert call(client, "get", f"{BASE}/sanctions", moderating).json()["items"] == []
    # Lifting twice: the policy says it is no longer in force.
    error(call(client, "post", lift, moderating, {"reason": "Again"}), 403, "forbidden")


def test_a_ban_through_the_sanctions(client, community, owner, member, moderating):
    response = impose(client, moderating, member.username, kind="ban", ends_at=None)
    assert response.status_code == 201, response.content
    assert response.json()["ends_at"] is None
    membership = Membership.objects.get(community=community, user=member)
    assert membership.status == MembershipStatus.BANNED
    bans = call(client, "get", f"{BASE}/sanctions?kind=ban", moderating).json()["items"]
    assert [s["username"] for s in bans] == ["mel"]
    assert call(client, "get", f"{BASE}/sanctions?kind=silence", moderating).json()["items"] == []
    lift = f"{BASE}/sanctions/{response.json()['id']}/lift"
    assert call(client, "post", lift, moderating, {"reason": "Appeal heard"}).status_code == 200
    assert Membership.objects.get(community=community, user=member).is_active


def test_policy_decides_who_may_sanction_whom(
    client, community, owner, admin, moderator, member, moderating
):
    client.force_login(moderator)
    # A moderator silences a member, never an admin, nor themself.
    assert impose(client, None, member.username).status_code == 201
    error(impose(client, None, admin.username), 403, "forbidden")
    error(impose(client, None, moderator.username), 403, "forbidden")
    # Only owners and admins lift a ban (the owner's key bans; the moderator cannot lift it).
    ban = impose(client, moderating, member.username, kind="ban", ends_at=None)
    assert ban.status_code == 201, ban.content
    lift = f"{BASE}/sanctions/{ban.json()['id']}/lift"
    error(call(client, "post", lift, None, {"reason": "Seems fine"}), 403, "forbidden")
    banned = call(client, "get", f"{BASE}/sanctions?kind=ban").json()["items"]
    assert [s["can_lift"] for s in banned] == [False]
    client.logout()
    error(impose(client, moderating, owner.username), 403, "forbidden")  # yourself
    assert Sanction.objects.filter(user=admin).count() == 0


def test_sanction_bad_input(client, community, member, moderating):
    path = f"{BASE}/members/{member.username}/sanctions"
    for body in (
        {"kind": "exile", "reason": "x", "ends_at": later()},
        {"kind": "silence", "reason": "", "ends_at": later()},
        {"kind": "silence", "reason": "x" * 2001, "ends_at": later()},
        {"kind": "silence", "ends_at": later()},
        {"kind": "silence", "reason": "x", "ends_at": later(), "extra": 1},
        {"kind": "silence", "reason": "x", "ends_at": "tomorrow"},
        {"kind": "silence", "reason": "x", "ends_at": "2030-01-01T10:00:00"},  # no offset
        {"kind": "silence", "reason": "x", "ends_at": "9999-12-31T23:59:59-14:00"},
        {"kind": "silence", "reason": "x", "ends_at": "0001-01-01T00:00:00+14:00"},
    ):
        error(call(client, "post", path, moderating, body), 422)
    # The service's own checks: a silence needs a future end.
    body = error(impose(client, moderating, member.username, ends_at=None), 422)
    assert "ends_at" in body["fields"]
    past = later(days=-1)
    assert "ends_at" in error(impose(client, moderating, "mel", ends_at=past), 422)["fields"]
    error(impose(client, moderating, "nobody-here"), 404)
    error(impose(client, moderating, "x" * 151), 422)
    assert Sanction.objects.count() == 0


def test_lift_bad_input(client, community, member, moderating):
    sanction = impose(client, moderating, member.username).json()
    lift = f"{BASE}/sanctions/{sanction['id']}/lift"
    error(call(client, "post", lift, moderating, {}), 422)
    error(call(client, "post", lift, moderating, {"reason": ""}), 422)
    error(call(client, "post", lift, moderating, {"reason": "x", "extra": 1}), 422)
    error(call(client, "post", f"{BASE}/sanctions/999999/lift", moderating, {"reason": "x"}), 404)
    error(call(client, "post", f"{BASE}/sanctions/0/lift", moderating, {"reason": "x"}), 422)
    huge = f"{BASE}/sanctions/{2**63}/lift"
    error(call(client, "post", huge, moderating, {"reason": "x"}), 422)
    error(call(client, "get", f"{BASE}/sanctions?kind=exile", moderating), 422)
    error(call(client, "get", f"{BASE}/sanctions?cursor=forged", moderating), 422)
    assert Sanction.objects.get(pk=sanction["id"]).lifted_at is None


def test_sanctions_are_refused_to_others(client, community, owner, member, newcomer, moderating):
    sanction = impose(client, moderating, newcomer.username).json()
    lift = f"{BASE}/sanctions/{sanction['id']}/lift"
    reader = key(owner, community, scopes=["read", "write"])
    error(call(client, "get", f"{BASE}/sanctions", reader), 403, "insufficient_scope")
    error(impose(client, reader, member.username), 403, "insufficient_scope")
    error(call(client, "post", lift, reader, {"reason": "x"}), 403, "insufficient_scope")
    member_key = key(member, community, kind="member", scopes=["read", "write"])
    error(call(client, "get", f"{BASE}/sanctions", member_key), 403, "insufficient_scope")
    other = community_factory(slug="other", owner=owner)
    foreign = key(owner, other, scopes=["read", "moderate"])
    error(call(client, "get", f"{BASE}/sanctions", foreign), 404)
    error(impose(client, foreign, member.username), 404)
    error(call(client, "post", lift, foreign, {"reason": "x"}), 404)
    client.force_login(member)  # a session: every scope, but not staff
    error(call(client, "get", f"{BASE}/sanctions"), 403, "forbidden")
    error(impose(client, None, newcomer.username), 403, "forbidden")
    error(call(client, "post", lift, None, {"reason": "x"}), 403, "forbidden")
    assert Sanction.objects.get(pk=sanction["id"]).lifted_at is None
    assert Sanction.objects.count() == 1


def test_sanction_list_query_count_is_flat(
    client, community, moderating, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            user = membership_factory(community).user
            assert impose(client, moderating, user.username).status_code == 201

    add(2)
    with django_assert_max_num_queries(10) as few:
        assert len(call(client, "get", f"{BASE}/sanctions", moderating).json()["items"]) == 2
    count = len(few.captured_queries)  # read now: the next request resets the query log
    add(15)
    with django_assert_max_num_queries(count):
        assert len(call(client, "get", f"{BASE}/sanctions", moderating).json()["items"]) == 17
