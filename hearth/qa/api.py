"""``/api/v1/communities/{slug}/questions…``: questions and their accepted answers.

Questions are topics of questions categories: the list reads what the caller may read
through the discussions policy and narrows it with the Q&A filters of the pages
(``selectors.filter_questions``); accepting goes through ``services`` (the qa policy
decides who may: the asker or staff), so events and notifications run as for the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hearth.api.access import community_actor
from hearth.api.auth import API_AUTH
from hearth.api.cursor import CursorQuery, page
from hearth.api.errors import ApiError
from hearth.api.schemas import READ_ERRORS, WRITE_ERRORS, errors
from hearth.discussions import policy as discussion_policy
from hearth.discussions import selectors as discussion_selectors
from hearth.discussions.api import ID, AuthorOut, Strict
from hearth.discussions.models import CategoryKind, Post, Topic
from hearth.qa import policy, selectors, services
from hearth.qa.models import Question

router = Router(tags=["questions"], auth=API_AUTH)

QuestionFilter = Literal[selectors.QUESTION_FILTERS]  # type: ignore[valid-type]


class QuestionOut(Schema):
    id: int
    title: str
    slug: str
    category_id: int
    author: AuthorOut | None
    created_at: datetime
    last_posted_at: datetime
    post_count: int
    is_closed: bool
    is_answered: bool = Field(..., description="Someone other than the asker replied.")
    is_solved: bool
    accepted_answer_id: int | None
    accepted_at: datetime | None


class QuestionPage(Schema):
    items: list[QuestionOut]
    next_cursor: str | None


class QuestionQuery(CursorQuery):
    show: QuestionFilter = Field(
        "all",
        description="all, unanswered (no reply by anyone else yet), unsolved, solved, mine",
    )
    category_id: int | None = Field(None, ge=1, le=2**62)


class AcceptIn(Strict):
    post_id: int = ID


def _out(topic: Topic, question: Question | None) -> QuestionOut:
    return QuestionOut(
        id=topic.pk,
        title=topic.title,
        slug=topic.slug,
        category_id=topic.category_id,
        author=topic.author,
        created_at=topic.created_at,
        last_posted_at=topic.last_posted_at,
        post_count=topic.post_count,
        is_closed=topic.is_closed,
        is_answered=bool(question and question.first_response_id),
        is_solved=bool(question and question.accepted_answer_id),
        accepted_answer_id=question.accepted_answer_id if question else None,
        accepted_at=question.accepted_at if question else None,
    )


def _question_of(topic: Topic) -> Question | None:
    try:
        return topic.question
    except Question.DoesNotExist:
        return None


@router.get("/{slug}/questions", response={200: QuestionPage, **errors(*READ_ERRORS)})
def question_list(request, slug: str, query: Query[QuestionQuery]):
    """Questions the caller may read, newest first (cursor-paginated), narrowed by ``show``
    as on the pages; ``category_id`` keeps one questions category."""
    community, actor = community_actor(request, slug)
    topics = discussion_policy.visible_topics(actor, community).filter(
        category__kind=CategoryKind.QUESTIONS
    )
    if query.category_id is not None:
        topics = topics.filter(category_id=query.category_id)
    topics = selectors.filter_questions(topics, actor, query.show).select_related("author")
    result = page(topics, ("-created_at", "-id"), query, scope=f"questions:{community.pk}")
    result["items"] = [_out(topic, _question_of(topic)) for topic in result["items"]]
    return result


def _question_for(actor, topic_id: int) -> tuple[Topic, Question]:
    topic = discussion_selectors.topic_for(actor, topic_id)
    question = selectors.question_for(topic)
    if question is None:
        raise ApiError(404, _("That topic is not a question."))
    return topic, question


@router.get("/{slug}/questions/{topic_id}", response={200: QuestionOut, **errors(*READ_ERRORS)})
def question_detail(request, slug: str, topic_id: int = ID):
    _community, actor = community_actor(request, slug)
    topic, question = _question_for(actor, topic_id)
    return _out(topic, question)


@router.post(
    "/{slug}/questions/{topic_id}/accept", response={200: QuestionOut, **errors(*WRITE_ERRORS)}
)
def answer_accept(request, slug: str, payload: AcceptIn, topic_id: int = ID):
    """Mark a reply as the accepted answer (the asker or staff; it replaces an earlier one;
    accepting the same reply twice changes nothing)."""
    _community, actor = community_actor(request, slug)
    topic, question = _question_for(actor, topic_id)
    answer = (
        Post.objects.filter(discussion_policy.in_review_filter(actor), topic=topic)
        .filter(pk=payload.post_id)
        .first()
    )
    if answer is None:
        raise ApiError(
            422,
            _("That reply is not in this question."),
            fields={"post_id": [_("Not a reply of this question.")]},
        )
    question = services.answer_accept(actor=actor, answer=answer)
    return _out(topic, question)


@router.delete(
    "/{slug}/questions/{topic_id}/accept", response={200: QuestionOut, **errors(*WRITE_ERRORS)}
)
def answer_unaccept(request, slug: str, topic_id: int = ID):
    """Take the acceptance back: the question is unsolved again (if nothing is accepted,
    nothing changes)."""
    _community, actor = community_actor(request, slug)
    topic, question = _question_for(actor, topic_id)
    if question.accepted_answer_id is not None:
        answer = Post.objects.get(pk=question.accepted_answer_id)
        question = services.answer_unaccept(actor=actor, answer=answer)
    elif not policy.can_accept_in(actor, topic):
        raise ApiError(403, _("Only the person who asked, or staff, can accept an answer."))
    return _out(topic, question)
