"""Reads for the ideas board: lists by votes, trending and newest, the roadmap, export."""

from __future__ import annotations

from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Subquery

from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import CategoryKind, ReviewState, Topic, TopicRead, Watch, WatchLevel
from hearth.ideas.models import ROADMAP_COLUMNS, Idea, IdeaStatus, IdeaVote

IDEA_SORTS = ("votes", "trending", "newest")


def visible_ideas(actor: Actor, community: Community) -> QuerySet[Idea]:
    topics = discussion_policy.visible_topics(actor, community).filter(
        category__kind=CategoryKind.IDEAS
    )
    return Idea.objects.filter(community=community, topic__in=topics)


def ideas_in_category(actor: Actor, category, *, sort: str, status: str | None) -> QuerySet[Idea]:
    """An ideas category's list, ordered from the ideas' indexes (votes, trending score or
    age), with the topic shown and the actor's read position. Caller checked the category
    is readable."""
    ideas = (
        Idea.objects.filter(
            community_id=category.community_id,
            topic__category=category,
            topic__deleted_at__isnull=True,
        )
        .filter(discussion_policy.in_review_filter(actor, "topic__"))
        .exclude(status=IdeaStatus.MERGED)
    )
    if status in IdeaStatus.values:
        ideas = ideas.filter(status=status)
    ideas = ideas.select_related("topic__author", "topic__last_poster", "topic__category")
    if discussion_policy.can_track_reading(actor):
        read = TopicRead.objects.filter(topic=OuterRef("topic_id"), user=actor.user)
        muted = Watch.objects.filter(
            user=actor.user, topic=OuterRef("topic_id"), level=WatchLevel.MUTED
        )
        ideas = ideas.annotate(
            last_read=Subquery(read.values("last_read_number")[:1], output_field=IntegerField())
        ).exclude(Exists(muted))
    if sort == "trending":
        return ideas.order_by("-trending_score", "-topic_id")
    if sort == "newest":
        return ideas.order_by("-topic__created_at", "-topic_id")
    return ideas.order_by("-vote_count", "-topic_id")


def topics_of(ideas) -> list[Topic]:
    """The topics of a page of ideas, shaped like a topic list's rows (``idea`` set,
    ``question`` known to be absent, ``last_read`` carried over)."""
    topics = []
    for idea in ideas:
        topic = idea.topic
        topic.idea = idea
        topic._state.fields_cache["question"] = None
        topic.last_read = getattr(idea, "last_read", None)
        topics.append(topic)
    return topics


def roadmap(
    actor: Actor, community: Community, per_column: int = 50
) -> list[tuple[str, str, list[Idea]]]:
    """Planned, in-progress and shipped ideas, most voted first: one bounded query a column."""
    readable = list(
        discussion_policy.visible_categories(actor, community)
        .filter(kind=CategoryKind.IDEAS)
        .values_list("pk", flat=True)
    )
    columns = []
    for status in ROADMAP_COLUMNS:
        items = list(
            Idea.objects.filter(
                community=community,
                status=status,
                topic__category_id__in=readable,
                topic__deleted_at__isnull=True,
                topic__review_state=ReviewState.PUBLISHED,
            )
            .select_related("topic__category")
            .order_by("-vote_count", "-topic_id")[:per_column]
        )
        columns.append((status, IdeaStatus(status).label, items))
    return columns


def my_votes(actor: Actor, idea_ids: list[int]) -> set[int]:
    if actor.user is None or not idea_ids:
        return set()
    return set(
        IdeaVote.objects.filter(user=actor.user, idea_id__in=idea_ids).values_list(
            "idea_id", flat=True
        )
    )


def export_rows(actor: Actor, community: Community):
    """Every visible idea with its votes and status, for the product team's CSV."""
    return (
        visible_ideas(actor, community)
        .select_related("topic__category", "topic__author")
        .order_by("-vote_count", "topic__created_at")
        .iterator(chunk_size=500)
    )


def idea_for_topic(topic: Topic) -> Idea | None:
    return Idea.objects.filter(topic=topic).select_related("merged_into__topic").first()


def status_history(idea: Idea):
    return idea.status_changes.select_related("actor")[:20]


def idea_context(actor: Actor, topic: Topic) -> dict:
    """What an idea's topic page shows above the discussion."""
    from hearth.ideas import policy
    from hearth.ideas.services import board_settings

    idea = idea_for_topic(topic)
    if idea is None:
        return {}
    idea.topic = topic
    board = board_settings(topic.community)
    return {
        "idea": idea,
        "idea_my_vote": bool(my_votes(actor, [idea.pk])),
        "idea_can_vote": policy.can_vote(actor, idea, board),
        "idea_vote_denial": policy.vote_denial(actor, idea, board)
        if actor.is_authenticated
        else None,
        "idea_can_manage": policy.can_manage_idea(actor, idea),
        "idea_statuses": [s for s in IdeaStatus.choices if s[0] != IdeaStatus.MERGED],
        "idea_history": list(status_history(idea)),
    }
