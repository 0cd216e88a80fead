"""Ideas over the API: the list, votes and statuses."""

import pytest

from hearth.api.tests.test_resources import BASE, call, error, key
from hearth.discussions import services as discussion_services
from hearth.discussions.models import ReadAccess
from hearth.ideas.models import Idea, IdeaStatus, IdeaVote
from hearth.testing.factories import actor_for, community_factory


@pytest.fixture
def board(community, owner):
    return discussion_services.category_create(
        actor=actor_for(owner, community), name="Ideas", kind="ideas"
    )


def propose(community, user, board, title):
    topic = discussion_services.topic_create(
        actor=actor_for(user, community), category=board, title=title, body="Please!"
    )
    return Idea.objects.get(topic=topic)


@pytest.fixture
def idea(community, member, board):
    return propose(community, member, board, "Dark mode")


@pytest.fixture
def voter_key(admin, community):
    return key(admin, community, kind="member", scopes=["read", "write"])


def test_vote_and_unvote(client, idea, voter_key):
    path = f"{BASE}/ideas/{idea.pk}/vote"
    assert call(client, "put", path, voter_key).json() == {"voted": True, "vote_count": 1}
    assert call(client, "put", path, voter_key).json() == {"voted": True, "vote_count": 1}
    assert IdeaVote.objects.filter(idea=idea).count() == 1
    detail = call(client, "get", f"{BASE}/ideas/{idea.pk}", voter_key).json()
    assert detail["voted"] and detail["vote_count"] == 1 and detail["status"] == "new"
    assert call(client, "delete", path, voter_key).json() == {"voted": False, "vote_count": 0}
    assert call(client, "delete", path, voter_key).json() == {"voted": False, "vote_count": 0}


def test_list_sorts_filters_and_cursor(client, community, owner, member, board, topic, voter_key):
    first = propose(community, member, board, "First")
    second = propose(community, member, board, "Second")
    third = propose(community, member, board, "Third")
    call(client, "put", f"{BASE}/ideas/{second.pk}/vote", voter_key)
    listed = call(client, "get", f"{BASE}/ideas?limit=2", voter_key).json()
    assert [i["id"] for i in listed["items"]] == [second.pk, third.pk]
    assert listed["items"][0]["voted"] is True and listed["items"][1]["voted"] is False
    rest = call(client, "get", f"{BASE}/ideas?limit=2&cursor={listed['next_cursor']}", voter_key)
    assert [i["id"] for i in rest.json()["items"]] == [first.pk]
    newest = call(client, "get", f"{BASE}/ideas?sort=newest", voter_key).json()["items"]
    assert [i["id"] for i in newest] == [third.pk, second.pk, first.pk]
    # A cursor of one sort is not a cursor of another.
    wrong = call(
        client, "get", f"{BASE}/ideas?sort=newest&cursor={listed['next_cursor']}", voter_key
    )
    error(wrong, 422, "invalid_cursor")
    Idea.objects.filter(pk=first.pk).update(status=IdeaStatus.PLANNED)
    planned = call(client, "get", f"{BASE}/ideas?status=planned", voter_key).json()["items"]
    assert [i["id"] for i in planned] == [first.pk]
    error(call(client, "get", f"{BASE}/ideas?status=nonsense", voter_key), 422)
    error(call(client, "get", f"{BASE}/ideas?sort=random", voter_key), 422)


def test_staff_sets_a_status(client, community, owner, idea):
    token = key(owner, community, scopes=["read", "write", "moderate"])
    body = {"status": "planned", "response": "Coming in spring."}
    response = call(client, "put", f"{BASE}/ideas/{idea.pk}/status", token, body)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "planned"
    assert response.json()["official_response"] == "Coming in spring."
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PLANNED and idea.status_changes.count() == 1


def test_status_denials(client, community, owner, member, idea, voter_key):
    path = f"{BASE}/ideas/{idea.pk}/status"
    writer = key(owner, community, scopes=["read", "write"])
    error(call(client, "put", path, writer, {"status": "planned"}), 403, "insufficient_scope")
    # A member key cannot hold moderate; its member is not staff anyway.
    member_key = key(member, community, kind="member", scopes=["read", "write"])
    error(call(client, "put", path, member_key, {"status": "planned"}), 403, "insufficient_scope")
    moderator = key(owner, community, scopes=["read", "moderate"])
    error(call(client, "put", path, moderator, {"status": "merged"}), 422)
    error(call(client, "put", path, moderator, {"status": "planned", "extra": 1}), 422)
    error(
        call(client, "put", path, moderator, {"status": "planned", "response": "x" * 10_001}), 422
    )
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.NEW


def test_vote_denials(client, community, owner, member, idea, board, voter_key):
    vote = f"{BASE}/ideas/{idea.pk}/vote"
    reader = key(owner, community, scopes=["read"])
    error(call(client, "put", vote, reader), 403, "insufficient_scope")
    Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.DECLINED)
    error(call(client, "put", vote, voter_key), 403, "forbidden")
    other = community_factory(slug="other", owner=owner)
    foreign = key(owner, other, scopes=["read", "write"])
    error(call(client, "put", vote, foreign), 404)
    error(call(client, "get", f"{BASE}/ideas", foreign), 404)
    assert IdeaVote.objects.count() == 0
    board.read_access = ReadAccess.STAFF
    board.save()
    member_key = key(member, community, kind="member", scopes=["read", "write"])
    assert call(client, "get", f"{BASE}/ideas", member_key).json()["items"] == []
    error(call(client, "get", f"{BASE}/ideas/{idea.pk}", member_key), 404)
    error(call(client, "put", vote, member_key), 404)
