"""Questions over the API: the list and its filters, accepting and unaccepting answers."""

import pytest

from hearth.api.tests.test_resources import BASE, call, error, key
from hearth.discussions import services as discussion_services
from hearth.discussions.models import ReadAccess
from hearth.qa.models import Question
from hearth.testing.factories import actor_for, community_factory


@pytest.fixture
def support(community, owner):
    return discussion_services.category_create(
        actor=actor_for(owner, community), name="Support", kind="questions"
    )


@pytest.fixture
def question(community, newcomer, support):
    return discussion_services.topic_create(
        actor=actor_for(newcomer, community), category=support, title="How?", body="Help!"
    )


@pytest.fixture
def answer(community, member, question):
    return discussion_services.post_reply(
        actor=actor_for(member, community), topic=question, body="Like this."
    )


@pytest.fixture
def asker_key(newcomer, community):
    return key(newcomer, community, kind="member", scopes=["read", "write"])


def test_list_and_filters(client, community, owner, question, answer, topic, asker_key):
    token = key(owner, community, scopes=["read"])
    listed = call(client, "get", f"{BASE}/questions", token).json()
    assert [q["id"] for q in listed["items"]] == [question.pk]  # not the General topic
    item = listed["items"][0]
    assert item["is_answered"] and not item["is_solved"] and item["accepted_answer_id"] is None
    assert call(client, "get", f"{BASE}/questions?show=solved", token).json()["items"] == []
    assert call(client, "get", f"{BASE}/questions?show=unanswered", token).json()["items"] == []
    call(
        client, "post", f"{BASE}/questions/{question.pk}/accept", asker_key, {"post_id": answer.pk}
    )
    solved = call(client, "get", f"{BASE}/questions?show=solved", token).json()["items"]
    assert [q["id"] for q in solved] == [question.pk] and solved[0]["is_solved"]
    error(call(client, "get", f"{BASE}/questions?show=bogus", token), 422)


def test_the_asker_accepts_and_unaccepts(client, question, answer, asker_key):
    path = f"{BASE}/questions/{question.pk}/accept"
    accepted = call(client, "post", path, asker_key, {"post_id": answer.pk})
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["accepted_answer_id"] == answer.pk
    assert Question.objects.get(topic=question).accepted_answer_id == answer.pk
    again = call(client, "post", path, asker_key, {"post_id": answer.pk})
    assert again.status_code == 200
    undone = call(client, "delete", path, asker_key)
    assert undone.status_code == 200 and undone.json()["is_solved"] is False
    assert Question.objects.get(topic=question).accepted_answer_id is None
    assert call(client, "delete", path, asker_key).status_code == 200


def test_accept_denials(client, community, owner, member, question, answer, topic, asker_key):
    path = f"{BASE}/questions/{question.pk}/accept"
    other_member = key(member, community, kind="member", scopes=["read", "write"])
    error(call(client, "post", path, other_member, {"post_id": answer.pk}), 403, "forbidden")
    reader = key(owner, community, scopes=["read"])
    error(call(client, "post", path, reader, {"post_id": answer.pk}), 403, "insufficient_scope")
    first = question.posts.get(number=1)
    error(call(client, "post", path, asker_key, {"post_id": first.pk}), 403)
    elsewhere = topic.posts.get(number=1)
    bad = error(call(client, "post", path, asker_key, {"post_id": elsewhere.pk}), 422)
    assert "post_id" in bad["fields"]
    error(call(client, "post", path, asker_key, {"post_id": answer.pk, "x": 1}), 422)
    error(call(client, "post", path, asker_key, {"post_id": "abc"}), 422)
    not_a_question = f"{BASE}/questions/{topic.pk}/accept"
    error(call(client, "post", not_a_question, asker_key, {"post_id": elsewhere.pk}), 404)
    other = community_factory(slug="other", owner=owner)
    foreign = key(owner, other, scopes=["read", "write"])
    error(call(client, "post", path, foreign, {"post_id": answer.pk}), 404)
    error(call(client, "delete", path, other_member), 403)
    assert Question.objects.get(topic=question).accepted_answer_id is None


def test_private_questions_never_show(client, community, owner, member):
    staff_support = discussion_services.category_create(
        actor=actor_for(owner, community), name="Staff Q", kind="questions"
    )
    staff_support.read_access = ReadAccess.STAFF
    staff_support.save()
    secret = discussion_services.topic_create(
        actor=actor_for(owner, community), category=staff_support, title="Secret?", body="shh"
    )
    token = key(member, community, kind="member", scopes=["read", "write"])
    assert call(client, "get", f"{BASE}/questions", token).json()["items"] == []
    error(call(client, "get", f"{BASE}/questions/{secret.pk}", token), 404)
    owner_key = key(owner, community)
    assert [
        q["id"] for q in call(client, "get", f"{BASE}/questions", owner_key).json()["items"]
    ] == [secret.pk]
