"""Reads for the ideas board: lists by votes, trending and newest, the roadmap, export."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import CategoryKind, Topic
from hearth.ideas.models import ROADMAP_COLUMNS, Idea, IdeaStatus, IdeaVote

IDEA_SORTS = ("votes", "trending", "newest")
TRENDING_DAYS = 14


def visible_ideas(actor: Actor, community: Community) -> QuerySet[Idea]:
    topics = discussion_policy.visible_topics(actor, community).filter(
        category__kind=CategoryKind.IDEAS
    )
    return Idea.objects.filter(community=community, topic__in=topics)


def sort_topics(topics: QuerySet[Topic], sort: str, status: str | None) -> QuerySet[Topic]:
    """Order a topic list of an ideas category by votes, recent votes or age."""
    topics = topics.select_related("idea").exclude(idea__status=IdeaStatus.MERGED)
    if status in IdeaStatus.values:
        topics = topics.filter(idea__status=status)
    if sort == "trending":
        since = timezone.now() - timedelta(days=TRENDING_DAYS)
        return topics.annotate(
            recent_votes=Count("idea__votes", filter=Q(idea__votes__created_at__gte=since))
        ).order_by("-recent_votes", "-idea__vote_count", "-id")
    if sort == "newest":
        return topics.order_by("-created_at", "-id")
    return topics.order_by("-idea__vote_count", "-created_at", "-id")


def roadmap(
    actor: Actor, community: Community, per_column: int = 50
) -> list[tuple[str, str, list[Idea]]]:
    ideas = list(
        visible_ideas(actor, community)
        .filter(status__in=ROADMAP_COLUMNS)
        .select_related("topic__category")
        .order_by("status", "-vote_count", "-topic__created_at")
    )
    columns = []
    for status in ROADMAP_COLUMNS:
        items = [i for i in ideas if i.status == status][:per_column]
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
