"""Reads for the Discourse-compatible endpoints. Every list starts from the discussions
policy (``visible_categories``, ``in_review_filter``, ``can_read_topic``) or the
discussions, members and search selectors, so nothing here can show more than the pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.http import Http404

from hearth.accounts.models import User
from hearth.communities.models import Community, Membership
from hearth.core.actor import Actor
from hearth.core.converters import parse_id
from hearth.discussions import policy
from hearth.discussions import selectors as discussion_selectors
from hearth.discussions.models import Category, Post, ReviewState, Topic
from hearth.members import selectors as member_selectors
from hearth.members.models import MemberProfile

TOPICS_PER_PAGE = 30
POSTS_CHUNK = 20  # posts sent with a topic, and at most per /t/<id>/posts.json
STREAM_MAX = 10_000  # post ids listed in a topic's stream
LATEST_POSTS = 50
MAX_PAGE = 1_000


def page_number(value, *, first: int = 0) -> int:
    """A page parameter as an int from ``first``; anything else is the first page."""
    text = str(value).strip() if value is not None else ""
    if text == "0":
        return max(first, 0)
    number = parse_id(text)
    if number is None:
        return first
    return max(first, min(number, MAX_PAGE))


def latest_topics(
    actor: Actor, community: Community, *, page: int, category: Category | None = None
) -> tuple[list[Topic], bool]:
    """One page (from 0) of the latest list, and whether another follows."""
    topics = discussion_selectors.topic_list(actor, community, category=category)
    start = page * TOPICS_PER_PAGE
    rows = list(topics[start : start + TOPICS_PER_PAGE + 1])
    return rows[:TOPICS_PER_PAGE], len(rows) > TOPICS_PER_PAGE


def category(actor: Actor, community: Community, category_id: int) -> Category:
    found = discussion_selectors.category_by_id(actor, community, category_id)
    if found is None:
        raise Http404
    return found


def topic(actor: Actor, topic_id: int) -> Topic:
    """A topic the actor may read, or 404 (another community's look absent)."""
    return discussion_selectors.topic_for(actor, topic_id)


def _posts(actor: Actor, topic: Topic):
    return (
        Post.objects.filter(topic=topic)
        .filter(policy.in_review_filter(actor))
        .select_related("author", "reply_to")
        .order_by("number")
    )


def topic_stream(actor: Actor, topic: Topic) -> list[int]:
    """The ids of the topic's posts the actor may see, in order (Discourse's ``stream``)."""
    return list(_posts(actor, topic).values_list("pk", flat=True)[:STREAM_MAX])


def topic_posts(
    actor: Actor,
    topic: Topic,
    *,
    post_ids: list[int] | None = None,
    from_number: int | None = None,
) -> list[Post]:
    """A chunk of the topic's posts: the given ids (those of this topic the actor may see),
    or from a post number on, or the first ones."""
    posts = _posts(actor, topic)
    if post_ids is not None:
        posts = posts.filter(pk__in=post_ids[:POSTS_CHUNK])
    elif from_number is not None:
        posts = posts.filter(number__gte=from_number)
    items = list(posts[:POSTS_CHUNK])
    for post in items:
        post.topic = topic
    return items


def post(actor: Actor, post_id: int) -> Post:
    return discussion_selectors.post_for(actor, post_id)


def post_by_number(actor: Actor, topic: Topic, number: int) -> Post | None:
    return _posts(actor, topic).filter(number=number).first()


def latest_posts(actor: Actor, community: Community, *, before: int | None) -> list[Post]:
    """The newest posts the actor may read across the community (``/posts.json``)."""
    readable = list(policy.visible_categories(actor, community).values_list("pk", flat=True))
    posts = (
        Post.objects.filter(
            policy.in_review_filter(actor),
            policy.in_review_filter(actor, "topic__"),
            community=community,
            topic__category_id__in=readable,
            topic__deleted_at__isnull=True,
            deleted_at__isnull=True,
        )
        .select_related("author", "reply_to", "topic__category")
        .order_by("-pk")
    )
    if before is not None:
        posts = posts.filter(pk__lt=before)
    return list(posts[:LATEST_POSTS])


def categories(actor: Actor, community: Community) -> list[Category]:
    return discussion_selectors.categories(actor, community)


def default_category(actor: Actor, community: Community) -> Category | None:
    """Where a new topic sent without a category goes (Discourse's "Uncategorized"): the
    first category, in the community's order, the actor may start topics in."""
    for candidate in policy.visible_categories(actor, community).order_by("position", "id"):
        if policy.can_start_topic(actor, candidate):
            return candidate
    return None


@dataclass
class UserSummary:
    profile: MemberProfile
    post_count: int
    topic_count: int
    last_posted_at: object


def user(actor: Actor, community: Community, username: str) -> UserSummary:
    """A member's profile the actor may open (404 otherwise), with what they wrote that the
    actor may read."""
    # Discourse's usernames are case-insensitive: find the member's own spelling first.
    spelled = (
        Membership.objects.filter(community=community, user__username__iexact=username)
        .values_list("user__username", flat=True)
        .first()
    )
    profile = member_selectors.profile_for(actor, spelled or username)
    user: User = profile.user
    visible = policy.visible_topics(actor, community)
    posts = Post.objects.filter(
        community=community,
        author=user,
        deleted_at__isnull=True,
        review_state=ReviewState.PUBLISHED,
        topic__in=visible,
    )
    totals = posts.aggregate(
        posts=Count("pk"), topics=Count("pk", filter=Q(number=1)), last=Max("created_at")
    )
    return UserSummary(
        profile=profile,
        post_count=totals["posts"],
        topic_count=totals["topics"],
        last_posted_at=totals["last"],
    )


def search(
    actor: Actor, community: Community, *, q: str, page
) -> tuple[list, dict[int, Topic], bool]:
    """Hits (each a topic and its best post) for the query, as the community's search page
    finds them, the topics they name (re-read through the policy), and whether more follow."""
    from hearth.search import selectors as search_selectors

    found = search_selectors.search_community(
        actor=actor, community=community, form_data={"q": q}, page=page
    )
    hits = list(found.object_list)
    topics = {
        t.pk: t
        for t in policy.visible_topics(actor, community)
        .filter(pk__in=[h.topic_id for h in hits])
        .select_related("category", "author", "last_poster")
    }
    hits = [h for h in hits if h.topic_id in topics]
    return hits, topics, found.has_next()


def standing(community: Community, user_ids) -> dict:
    """Memberships of these users in the community, by user id (one query)."""
    ids = {pk for pk in user_ids if pk}
    if not ids:
        return {}
    return {m.user_id: m for m in Membership.objects.filter(community=community, user_id__in=ids)}


def category_or_none(actor: Actor, community: Community, category_id: int) -> Category | None:
    return discussion_selectors.category_by_id(actor, community, category_id)
