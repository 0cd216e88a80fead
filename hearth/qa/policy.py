"""Permission decisions for questions and answers (on top of discussions' reading rules)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from hearth.communities import policy as community_policy
from hearth.core.actor import Actor
from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import CategoryKind, Post, Topic


def _ensure(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDenied(reason)


def is_question(topic: Topic) -> bool:
    return topic.category.kind == CategoryKind.QUESTIONS


def accept_answer_denial(actor: Actor, topic: Topic, answer: Post) -> str | None:
    if not discussion_policy.can_read_topic(actor, topic):
        return _("That question does not exist.")
    if not is_question(topic):
        return _("Only questions have accepted answers.")
    if answer.topic_id != topic.pk:
        return _("That reply belongs to another topic.")
    if answer.number == 1:
        return _("The question itself cannot be its answer.")
    if answer.is_deleted:
        return _("A deleted reply cannot be the answer.")
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if actor.user.pk != topic.author_id and not actor.is_staff:
        return _("Only the person who asked, or staff, can accept an answer.")
    if topic.is_archived:
        return _("This topic is archived: it is kept for reading only.")
    return None


def can_accept_answer(actor: Actor, topic: Topic, answer: Post) -> bool:
    return accept_answer_denial(actor, topic, answer) is None


def ensure_accept_answer(actor: Actor, topic: Topic, answer: Post) -> None:
    _ensure(accept_answer_denial(actor, topic, answer))


def can_accept_in(actor: Actor, topic: Topic) -> bool:
    """Whether the actor may accept answers in this question at all (for showing buttons)."""
    return (
        is_question(topic)
        and actor.is_member
        and not actor.needs_rules_acceptance
        and not topic.is_archived
        and (actor.user.pk == topic.author_id or actor.is_staff)
    )


def vote_answer_denial(actor: Actor, answer: Post) -> str | None:
    topic = answer.topic
    if not discussion_policy.can_read_topic(actor, topic):
        return _("That answer does not exist.")
    if not is_question(topic) or answer.number == 1:
        return _("Only answers to questions can be voted on.")
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if answer.is_deleted:
        return _("You cannot vote on a deleted answer.")
    if actor.user.pk == answer.author_id:
        return _("You cannot vote on your own answer.")
    if topic.is_archived:
        return _("This topic is archived: it is kept for reading only.")
    return None


def can_vote_answer(actor: Actor, answer: Post) -> bool:
    return vote_answer_denial(actor, answer) is None


def ensure_vote_answer(actor: Actor, answer: Post) -> None:
    _ensure(vote_answer_denial(actor, answer))
