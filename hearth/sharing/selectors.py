"""Reads for what is seen from outside: sitemap pages, feed items, embeds and share cards.
Everything starts from the public querysets of ``sharing.policy``.

Sitemaps are paged by id range, not by OFFSET: page *n* holds the rows whose id lies in
``[(n-1)·SITEMAP_PAGE_SIZE, n·SITEMAP_PAGE_SIZE)``, so it is one range scan of constant
cost however large the community is, and never more than the 50,000 URLs a sitemap may
hold. Empty ranges are simply not listed in the index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Max, OuterRef, QuerySet, Subquery
from django.utils.html import strip_tags
from django.utils.text import Truncator

from hearth.communities.models import Community
from hearth.discussions.models import Category, Post, Topic
from hearth.members.models import MemberProfile
from hearth.sharing import policy
from hearth.sharing.models import EmbedSettings

SITEMAP_PAGE_SIZE = 50_000
FEED_ITEMS = 30
EMBED_TOPICS = 10
EMBED_REPLIES = 50
DESCRIPTION_CHARS = 200


@dataclass(frozen=True)
class SitemapPage:
    section: str
    number: int
    lastmod: datetime | None


def _pages(section: str, rows: QuerySet, lastmod_field: str) -> list[SitemapPage]:
    buckets = (
        rows.order_by()
        .annotate(bucket=F("pk") / SITEMAP_PAGE_SIZE)
        .values("bucket")
        .annotate(lastmod=Max(lastmod_field))
        .order_by("bucket")
    )
    return [SitemapPage(section, row["bucket"] + 1, row["lastmod"]) for row in buckets]


def _id_range(rows: QuerySet, number: int) -> QuerySet:
    start = (number - 1) * SITEMAP_PAGE_SIZE
    return rows.filter(pk__gte=start, pk__lt=start + SITEMAP_PAGE_SIZE).order_by("pk")


def sitemap_pages(community: Community) -> list[SitemapPage]:
    """The index: the fixed pages, then each non-empty id range of topics and profiles."""
    return [
        SitemapPage("pages", 1, community.created_at),
        *_pages("topics", policy.public_topics(community), "last_posted_at"),
        *_pages("members", policy.public_profiles(community), "updated_at"),
    ]


def sitemap_topics(community: Community, number: int) -> QuerySet:
    return _id_range(policy.public_topics(community), number).values_list(
        "pk", "slug", "last_posted_at"
    )


def sitemap_members(community: Community, number: int) -> QuerySet:
    return _id_range(policy.public_profiles(community), number).values_list(
        "user__username", "updated_at"
    )


def sitemap_categories(community: Community) -> list[Category]:
    return list(policy.public_categories(community).only("slug", "last_posted_at"))


def _first_post_html(community: Community) -> Subquery:
    """The HTML of a topic's opening post, if an anonymous visitor may see it."""
    return Subquery(
        Post.objects.filter(
            policy.public_post_filter(community),
            topic=OuterRef("pk"),
            number=1,
            deleted_at__isnull=True,
        ).values("html")[:1]
    )


def feed_topics(community: Community, category: Category | None = None) -> list[Topic]:
    """The newest public topics, each with its opening post's HTML, in one query."""
    topics = policy.public_topics(community)
    if category is not None:
        topics = topics.filter(category=category)
    items = list(
        topics.select_related("author", "category")
        .annotate(first_post_html=_first_post_html(community))
        .order_by("-created_at", "-pk")[:FEED_ITEMS]
    )
    for topic in items:
        topic.community = community  # already loaded: links need its slug
    return items


def embed_topics(community: Community) -> list[Topic]:
    """The latest public topics by activity, as the community's own latest list orders them."""
    items = list(
        policy.public_topics(community)
        .select_related("category", "last_poster")
        .order_by("-last_posted_at", "-pk")[:EMBED_TOPICS]
    )
    for topic in items:
        topic.community = community
    return items


def public_topic(community: Community, topic_id: int) -> Topic | None:
    topic = (
        Topic.objects.filter(community=community, pk=topic_id)
        .select_related("category", "community")
        .first()
    )
    return topic if topic is not None and policy.is_topic_public(topic) else None


def embed_replies(topic: Topic) -> list[Post]:
    """The first replies to a public topic (its comments under a blog post), oldest first."""
    return list(
        policy.public_posts(topic)
        .filter(number__gt=1)
        .select_related("author")
        .order_by("number")[:EMBED_REPLIES]
    )


def public_reply_count(topic: Topic) -> int:
    return policy.public_posts(topic).filter(number__gt=1).count()


def excerpt(html: str | None, chars: int = DESCRIPTION_CHARS) -> str:
    """Plain text from stored post HTML, shortened at a word for a description."""
    text = " ".join(strip_tags(html or "").split())
    return Truncator(text).chars(chars)


def topic_opening(topic: Topic) -> Post | None:
    return policy.public_posts(topic).filter(number=1).select_related("author").first()


def accepted_answer(topic: Topic, accepted_answer_id: int | None) -> Post | None:
    if accepted_answer_id is None:
        return None
    return policy.public_posts(topic).filter(pk=accepted_answer_id).select_related("author").first()


def embed_origins(community: Community) -> list[str]:
    settings = EmbedSettings.objects.filter(community=community).first()
    return list(settings.allowed_origins) if settings is not None else []


def public_profile(community: Community, username: str) -> MemberProfile | None:
    profile = (
        MemberProfile.objects.filter(community=community, user__username=username)
        .select_related("membership", "user", "community")
        .first()
    )
    return profile if profile is not None and policy.is_profile_public(profile) else None
