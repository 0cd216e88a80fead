"""Reads for questions: list filters, the community-wide unanswered queue, and answers in
support order (accepted, then votes, then time)."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from hearth.communities.models import Community, Membership
from hearth.core.actor import Actor
from hearth.core.pagination import CappedCount
from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import CategoryKind, Post, ReviewState, Topic
from hearth.qa.models import AnswerVote, Question

QUESTION_FILTERS = ("all", "unanswered", "unsolved", "solved", "mine")


def filter_questions(topics: QuerySet[Topic], actor: Actor, show: str) -> QuerySet[Topic]:
    """Narrow a topic list of a questions category by the Q&A filter."""
    topics = topics.select_related("question")
    if show == "unanswered":
        return topics.filter(question__first_response__isnull=True)
    if show == "unsolved":
        return topics.filter(question__accepted_answer__isnull=True)
    if show == "solved":
        return topics.filter(question__accepted_answer__isnull=False)
    if show == "mine" and actor.user is not None:
        return topics.filter(author=actor.user)
    return topics


# The queue says exactly how many questions wait up to this many, and "More than 100"
# beyond: counting every waiting question of a large community on each request cost more
# than the page (~33k at 1M posts), and even 501 of them cost 3-17 ms there (a topic read
# for each), as much as the rest of the page's query.
WAITING_CAP = 100


def unanswered_queue(actor: Actor, community: Community) -> QuerySet[Question]:
    """Questions nobody but the asker has replied to, oldest first, with the asker's trust
    level so helpers can answer newcomers first, and on every row ``waiting``: how many
    such questions the actor can see, counted up to ``WAITING_CAP`` + 1 in the same query.
    Driven from the questions' partial (community, asked_at, topic) index, so its cost
    follows the page size and the cap."""
    readable = list(
        discussion_policy.visible_categories(actor, community)
        .filter(kind=CategoryKind.QUESTIONS)
        .values_list("pk", flat=True)
    )
    asker_trust = Membership.objects.filter(community=community, user=OuterRef("asker_id")).values(
        "trust_level"
    )[:1]
    waiting = Question.objects.filter(
        community=community,
        first_response_at__isnull=True,
        topic__category_id__in=readable,
        topic__deleted_at__isnull=True,
        topic__review_state=ReviewState.PUBLISHED,
        topic__is_closed=False,
    )
    return (
        waiting.select_related("topic__category", "topic__author")
        .annotate(
            asker_trust=Subquery(asker_trust, output_field=IntegerField()),
            waiting=CappedCount(waiting, WAITING_CAP),
        )
        .order_by("asked_at", "topic_id")
    )


def question_for(topic: Topic) -> Question | None:
    return Question.objects.filter(topic=topic).first()


def answers_ordered(topic: Topic, question: Question | None) -> QuerySet[Post]:
    """The question first, then the accepted answer, then by votes, then by time."""
    accepted_id = question.accepted_answer_id if question else None
    return (
        Post.objects.filter(topic=topic)
        .annotate(
            vote_count=Count("answer_votes"),
            rank=Case(
                When(number=1, then=Value(0)),
                When(pk=accepted_id, then=Value(1)) if accepted_id else When(pk=-1, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        .order_by("rank", "-vote_count", "number")
    )


def my_answer_votes(actor: Actor, post_ids: list[int]) -> set[int]:
    if actor.user is None or not post_ids:
        return set()
    return set(
        AnswerVote.objects.filter(user=actor.user, post_id__in=post_ids).values_list(
            "post_id", flat=True
        )
    )


def decorate_answers(
    actor: Actor, topic: Topic, question: Question | None, posts: list[Post]
) -> None:
    """Attach acceptance and vote flags to a page of posts (one query for the actor's votes)."""
    from hearth.qa import policy

    mine = my_answer_votes(actor, [p.pk for p in posts])
    may_accept = policy.can_accept_in(actor, topic)
    accepted_id = question.accepted_answer_id if question else None
    for post in posts:
        post.is_answer = post.number > 1
        post.is_accepted = post.pk == accepted_id
        post.can_accept = may_accept and post.is_answer and not post.is_deleted
        post.my_vote = post.pk in mine
        post.can_vote = post.is_answer and policy.can_vote_answer(actor, post)


def page_of_answer(topic: Topic, post: Post) -> int:
    """The topic page a post is on when answers are sorted by merit."""
    from hearth.discussions.selectors import POSTS_PER_PAGE

    order = list(answers_ordered(topic, question_for(topic)).values_list("pk", flat=True))
    position = order.index(post.pk) if post.pk in order else 0
    return position // POSTS_PER_PAGE + 1
