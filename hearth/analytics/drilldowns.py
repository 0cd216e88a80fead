"""The health dashboard's drill-downs: who and what is behind a figure (newcomers nobody
answered, members slipping down the ladder, unanswered questions and topics,
relationships, a cohort), from the last computed dashboard or the rollups; topics are
listed only where the viewer may read them (``readable_items``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.urls import reverse

from hearth.accounts.models import User
from hearth.analytics import metrics, rollups
from hearth.analytics.dashboard import (
    DAY,
    Window,
    member_sets,
    memberships,
    relationship_rows,
)
from hearth.analytics.ladder import LEADING_SPAN, ladder
from hearth.analytics.snapshots import dashboard_for
from hearth.core.models import InteractionEvent
from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import Topic

if TYPE_CHECKING:
    from hearth.communities.models import Community
    from hearth.core.actor import Actor


DRILLDOWNS = (
    "newcomers",
    "never-answered",
    "unanswered-questions",
    "unanswered-topics",
    "slipping",
    "relationships",
    "cohort",
)


class Computing(Exception):
    """The window's dashboard is being computed in the worker: nothing to show yet."""


def drilldown_items(
    community: Community,
    window: Window,
    metric: str,
    *,
    week: date | None = None,
    as_of: datetime | None = None,
) -> list | None:
    """Everything a drill-down lists, in display order: user ids, topic ids or
    :class:`RelationshipRow` s. ``None`` for a cohort week that has no cohort. Without
    ``as_of``, from the window's computed dashboard (raises :class:`Computing` while it is
    being computed); with it, computed now (for callers outside a request)."""
    if as_of is not None:
        if metric == "slipping":
            return list(slipping_members(community, window, as_of=as_of))
        if metric == "relationships":
            return relationship_rows(
                rollups.report_pairs(community, window.start, window.end + DAY)
            )
        report = rollups.health_report(community, window.start_at, window.end_at, as_of=as_of)
    else:
        data = dashboard_for(community, window)
        if data is None:
            raise Computing
        if metric == "slipping":
            return list(data.window_moves.moved_down)
        if metric == "relationships":
            return list(data.relationships)
        report = data.report
    if metric == "newcomers":
        return list(report.newcomers.unwelcomed)
    if metric == "never-answered":
        return list(report.never_answered.members)
    if metric == "unanswered-questions":
        return list(report.support.unanswered)
    if metric == "unanswered-topics":
        return list(report.first_response.topics.unanswered)
    if metric == "cohort":
        cohort = next((c for c in report.retention if c.week == week), None)
        return None if cohort is None else list(cohort.members)
    raise ValueError(f"unknown drill-down {metric!r}")


TOPIC_DRILLDOWNS = ("unanswered-questions", "unanswered-topics")


def readable_items(actor: Actor, community: Community, metric: str, items: list) -> list:
    """The drill-down's items this viewer may be shown, in order. The figures count every
    topic; a list names only topics the viewer may open (their category's read level, as
    the discussions policy decides), so a moderator never sees an admins-only title."""
    if metric not in TOPIC_DRILLDOWNS:
        return items
    readable = set(
        discussion_policy.visible_topics(actor, community)
        .filter(pk__in=items)
        .values_list("pk", flat=True)
    )
    return [pk for pk in items if pk in readable]


def slipping_members(community: Community, window: Window, *, as_of: datetime) -> tuple[int, ...]:
    """Members whose ladder level at the window's end is below their level at its start."""
    members = memberships(community)
    since = (window.start_at - LEADING_SPAN * DAY).date()
    _staff, _joined, current, leaders = member_sets(members)
    report = ladder(
        current,
        rollups.active_days(community, since, window.end + DAY),
        rollups.active_days(community, since, window.end + DAY, contributions=True),
        leaders,
        [window.start_at, window.end_at],
    )
    return report.moves[0].moved_down


@dataclass(frozen=True)
class FirstPost:
    topic_id: int
    number: int
    at: datetime


def first_posts(community: Community, user_ids: list[int], since: datetime) -> dict[int, FirstPost]:
    """Each user's first post since ``since`` (newcomers' posts to go and answer)."""
    found: dict[int, FirstPost] = {}
    rows = (
        InteractionEvent.objects.filter(
            community_id=community.pk,
            actor_id__in=user_ids,
            verb__in=metrics.POST_VERBS,
            created_at__gte=since,
        )
        .order_by("created_at", "id")
        .values_list("actor_id", "verb", "data", "created_at")
    )
    for actor, verb, data, at in rows:
        if actor not in found and (data or {}).get("topic") is not None:
            number = 1 if verb == "topic.create" else (data.get("number") or 1)
            found[actor] = FirstPost(data["topic"], number, at)
    return found


@dataclass(frozen=True)
class DrillRow:
    """One line of a drill-down: a member, a topic, or a pair of members."""

    user: User | None = None
    other: User | None = None  # the second member of a pair
    topic: Topic | None = None
    url: str = ""  # where to act: the newcomer's first post, the unanswered topic
    at: datetime | None = None
    counts: tuple[int, int] | None = None  # a pair's interactions each way
    is_relationship: bool = False
    post_unlisted: bool = False  # a post the viewer may not open (category, deleted topic)


def _topic_url(community: Community, topic: Topic, number: int | None = None) -> str:
    url = reverse("discussions:topic", args=[community.slug, topic.slug, topic.pk])
    return f"{url}#post-{number}" if number else url


def drilldown_rows(
    actor: Actor, community: Community, metric: str, items: list, window: Window
) -> list[DrillRow]:
    """Rows for one page of a drill-down's items: two or three queries for any page. A
    topic is named only when ``actor`` may read it."""
    visible_topics = discussion_policy.visible_topics(actor, community)
    if metric in TOPIC_DRILLDOWNS:
        topics = visible_topics.filter(pk__in=items).select_related("author", "category")
        by_id = {t.pk: t for t in topics}
        return [
            DrillRow(user=t.author, topic=t, url=_topic_url(community, t), at=t.created_at)
            for t in (by_id.get(pk) for pk in items)
            if t is not None
        ]
    if metric == "relationships":
        users = {
            u.pk: u for u in User.objects.filter(pk__in={r.a for r in items} | {r.b for r in items})
        }
        return [
            DrillRow(
                user=users.get(r.a),
                other=users.get(r.b),
                counts=(r.a_to_b, r.b_to_a),
                is_relationship=r.is_relationship,
            )
            for r in items
        ]
    users = {u.pk: u for u in User.objects.filter(pk__in=items)}
    if metric != "newcomers":
        return [DrillRow(user=users[pk]) for pk in items if pk in users]
    posts = first_posts(community, items, window.start_at)
    topics = {t.pk: t for t in visible_topics.filter(pk__in={p.topic_id for p in posts.values()})}
    rows = []
    for pk in items:
        post = posts.get(pk)
        topic = topics.get(post.topic_id) if post else None
        rows.append(
            DrillRow(
                user=users.get(pk),
                topic=topic,
                url=_topic_url(community, topic, post.number) if topic else "",
                at=post.at if post else None,
                post_unlisted=post is not None and topic is None,
            )
        )
    return rows
