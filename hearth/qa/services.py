"""Writes for questions and answers. Asking and answering are discussions' topics and
replies; these functions add what support needs on top and record it for analytics."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from hearth.communities.models import STAFF_ROLES, Membership, MembershipStatus
from hearth.core.actor import Actor
from hearth.core.events import record_event
from hearth.core.models import InteractionEvent
from hearth.discussions.models import CategoryKind, Post
from hearth.qa import policy
from hearth.qa.models import AnswerVote, Question


def _is_staff(community_id: int, user_id: int | None) -> bool:
    if user_id is None:
        return False
    return Membership.objects.filter(
        community_id=community_id,
        user_id=user_id,
        role__in=STAFF_ROLES,
        status=MembershipStatus.ACTIVE,
    ).exists()


def question_created(event: InteractionEvent) -> None:
    """Follows discussions' ``topic.create`` inside its transaction: a topic started in a
    questions category is a question."""
    if event.data.get("kind") != CategoryKind.QUESTIONS:
        return
    post = Post.objects.select_related("topic").get(pk=event.object_id)
    Question.objects.create(
        community=event.community, topic=post.topic, asker=event.actor, asked_at=post.created_at
    )
    record_event(community=event.community, actor=event.actor, verb="question.ask", obj=post.topic)


def answer_posted(event: InteractionEvent) -> None:
    """Follows discussions' ``post.reply`` inside its transaction: the first reply to a
    question by someone other than the asker is its first response."""
    if event.data.get("kind") != CategoryKind.QUESTIONS:
        return
    post = Post.objects.select_related("topic__author").get(pk=event.object_id)
    topic = post.topic
    if event.actor_id == topic.author_id:
        return
    question = Question.objects.select_for_update().filter(topic=topic).first()
    if question is None or question.first_response_id is not None:
        return
    question.first_response = post
    question.first_response_at = post.created_at
    question.save(update_fields=["first_response", "first_response_at"])
    record_event(
        community=event.community,
        actor=event.actor,
        verb="question.first_response",
        target_user=topic.author,
        obj=post,
        data={
            "topic": topic.pk,
            "responder_is_staff": _is_staff(event.community_id, event.actor_id),
            "seconds": int((post.created_at - question.asked_at).total_seconds()),
        },
    )


@transaction.atomic
def answer_accept(*, actor: Actor, answer: Post) -> Question:
    """Mark a reply as the accepted answer (replacing any earlier one)."""
    # Lock the question: the asker and a moderator may accept different answers at once.
    question = (
        Question.objects.select_for_update()
        .select_related("topic__category")
        .get(topic_id=answer.topic_id)
    )
    topic = question.topic
    policy.ensure_accept_answer(actor, topic, answer)
    if question.accepted_answer_id == answer.pk:
        return question
    now = timezone.now()
    question.accepted_answer = answer
    question.accepted_at = now
    question.accepted_by = actor.user
    question.save(update_fields=["accepted_answer", "accepted_at", "accepted_by"])
    record_event(
        community=actor.community,
        actor=actor.user,
        verb="answer.accept",
        target_user=answer.author,
        obj=answer,
        data={
            "topic": topic.pk,
            "answerer_is_staff": _is_staff(topic.community_id, answer.author_id),
            "seconds_to_accept": int((now - question.asked_at).total_seconds()),
        },
    )
    return question


@transaction.atomic
def answer_unaccept(*, actor: Actor, answer: Post) -> Question:
    question = (
        Question.objects.select_for_update()
        .select_related("topic__category")
        .get(topic_id=answer.topic_id)
    )
    policy.ensure_accept_answer(actor, question.topic, answer)
    if question.accepted_answer_id == answer.pk:
        question.accepted_answer = None
        question.accepted_at = None
        question.accepted_by = None
        question.save(update_fields=["accepted_answer", "accepted_at", "accepted_by"])
        record_event(
            community=actor.community, actor=actor.user, verb="answer.unaccept",
            target_user=answer.author, obj=answer, data={"topic": question.topic_id},
        )  # fmt: skip
    return question


@transaction.atomic
def answer_vote_toggle(*, actor: Actor, answer: Post) -> bool:
    """Up-vote an answer, or take the vote back. Returns whether the vote now stands."""
    answer = Post.objects.select_for_update().select_related("topic__category").get(pk=answer.pk)
    policy.ensure_vote_answer(actor, answer)
    existing = AnswerVote.objects.filter(post=answer, user=actor.user)
    if existing.exists():
        existing.delete()
        return False
    AnswerVote.objects.create(community=actor.community, post=answer, user=actor.user)
    record_event(
        community=actor.community, actor=actor.user, verb="answer.vote",
        target_user=answer.author, obj=answer, data={"topic": answer.topic_id},
    )  # fmt: skip
    return True
