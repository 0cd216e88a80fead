import pytest
from django.core.exceptions import PermissionDenied

from hearth.core.models import InteractionEvent
from hearth.discussions import services as discussion_services
from hearth.discussions.models import Post
from hearth.qa import policy, services
from hearth.qa.models import AnswerVote, Question
from hearth.testing.factories import actor_for


def _answer(user, community, topic, body="Hold the power button for 10 s."):
    return discussion_services.post_reply(actor=actor_for(user, community), topic=topic, body=body)


def test_asking_records_question_and_event(community, newcomer, question):
    q = Question.objects.get(topic=question)
    assert q.asker == newcomer and not q.is_solved and q.first_response is None
    assert InteractionEvent.objects.filter(verb="question.ask", actor=newcomer).exists()


def test_first_response_is_the_first_reply_by_someone_else(
    community, newcomer, member, moderator, question
):
    _answer(newcomer, community, question, body="Anyone?")
    first = _answer(member, community, question)
    _answer(moderator, community, question)
    q = Question.objects.get(topic=question)
    assert q.first_response == first
    event = InteractionEvent.objects.get(verb="question.first_response")
    assert event.actor == member and event.target_user == newcomer
    assert event.data["responder_is_staff"] is False and event.data["seconds"] >= 0


def test_asker_accepts_and_can_change_the_answer(community, newcomer, member, moderator, question):
    a1, a2 = _answer(member, community, question), _answer(moderator, community, question)
    asker = actor_for(newcomer, community)
    services.answer_accept(actor=asker, answer=a1)
    services.answer_accept(actor=asker, answer=a2)
    q = Question.objects.get(topic=question)
    assert q.accepted_answer == a2 and q.accepted_by == newcomer
    events = list(InteractionEvent.objects.filter(verb="answer.accept").order_by("id"))
    assert [e.target_user for e in events] == [member, moderator]
    assert [e.data["answerer_is_staff"] for e in events] == [False, True]
    services.answer_unaccept(actor=asker, answer=a2)
    assert not Question.objects.get(topic=question).is_solved


def test_staff_may_accept_but_other_members_may_not(community, member, admin, outsider, question):
    answer = _answer(member, community, question)
    with pytest.raises(PermissionDenied, match="Only the person who asked"):
        services.answer_accept(actor=actor_for(member, community), answer=answer)
    with pytest.raises(PermissionDenied):
        services.answer_accept(actor=actor_for(outsider, community), answer=answer)
    services.answer_accept(actor=actor_for(admin, community), answer=answer)
    assert Question.objects.get(topic=question).accepted_answer == answer


def test_cannot_accept_a_reply_from_another_topic_or_the_question(
    community, newcomer, member, support, question
):
    other = discussion_services.topic_create(
        actor=actor_for(newcomer, community), category=support, title="Second question", body="?"
    )
    foreign = _answer(member, community, other)
    asker = actor_for(newcomer, community)
    assert "another topic" in policy.accept_answer_denial(asker, question, foreign)
    with pytest.raises(PermissionDenied, match="question itself"):
        services.answer_accept(actor=asker, answer=Post.objects.get(topic=question, number=1))
    assert not Question.objects.get(topic=question).is_solved


def test_accepting_in_a_discussion_topic_is_refused(community, member, owner, topic):
    reply = _answer(owner, community, topic)
    assert not policy.can_accept_answer(actor_for(member, community), topic, reply)
    assert "Only questions" in policy.accept_answer_denial(
        actor_for(member, community), topic, reply
    )


def test_votes_once_each_and_not_on_own_answer(community, member, owner, newcomer, question):
    answer = _answer(member, community, question)
    assert services.answer_vote_toggle(actor=actor_for(owner, community), answer=answer) is True
    assert services.answer_vote_toggle(actor=actor_for(owner, community), answer=answer) is False
    assert services.answer_vote_toggle(actor=actor_for(newcomer, community), answer=answer) is True
    assert AnswerVote.objects.filter(post=answer).count() == 1
    with pytest.raises(PermissionDenied, match="own answer"):
        services.answer_vote_toggle(actor=actor_for(member, community), answer=answer)
    with pytest.raises(PermissionDenied):
        services.answer_vote_toggle(
            actor=actor_for(owner, community), answer=Post.objects.get(topic=question, number=1)
        )
