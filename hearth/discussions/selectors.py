"""Reads for discussions: community-scoped, visibility-filtered through the policy, with what
the templates show joined in so every list costs a constant number of queries."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import CharField, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from hearth.communities.models import Community, Membership
from hearth.core.actor import Actor
from hearth.discussions import policy
from hearth.discussions.models import (
    Attachment,
    Category,
    Post,
    Reaction,
    Topic,
    TopicRead,
    Watch,
    WatchLevel,
)

TOPICS_PER_PAGE = 30
POSTS_PER_PAGE = 20


def categories(actor: Actor, community: Community) -> list[Category]:
    return list(policy.visible_categories(actor, community))


def category_for(actor: Actor, community: Community, slug: str) -> Category:
    category = Category.objects.filter(community=community, slug=slug).first()
    if category is None or not policy.can_read_category(actor, category):
        raise Http404
    return category


def category_by_id(actor: Actor, community: Community, category_id) -> Category | None:
    try:
        category_id = int(category_id)
    except (TypeError, ValueError):
        return None
    category = Category.objects.filter(community=community, pk=category_id).first()
    if category is None or not policy.can_read_category(actor, category):
        return None
    return category


def topic_list(
    actor: Actor,
    community: Community,
    *,
    category: Category | None = None,
    show: str = "latest",
    readable: list[int] | None = None,
) -> QuerySet[Topic]:
    """Topics pinned first, then by last activity, without what the actor muted.
    ``readable``: the ids of the community's categories the actor may read, when the caller
    has just listed them (``categories``), so they are not read twice.

    ``show``: latest (everything but muted), new (never opened) or unread (opened, with
    posts since). The actor's read positions are not joined in for ``latest``: pass the page
    through ``with_unread``, which reads them for the page's topics in one small query.
    The page's query joins only its category and its two people: PostgreSQL spent ~20 ms
    (up to ~100 ms on a fresh connection) *planning* the version that also joined the
    question and idea tables and held the read-position and muted-topic subqueries, for
    0.5 ms of execution. Questions and ideas are prefetched (two small queries) and the
    mutes are read first (one), so the page's query is a short list of ids to plan."""
    if category is not None:
        readable = [category.pk] if policy.can_read_category(actor, category) else []
    elif readable is None:
        # A short list of ids plans far faster than the visibility subquery inside this join.
        readable = list(policy.visible_categories(actor, community).values_list("pk", flat=True))
    tracking = policy.can_track_reading(actor)
    muted_topics: list[int] = []
    if tracking:
        muted_categories = set()
        for topic_id, category_id in Watch.objects.filter(
            community=community, user=actor.user, level=WatchLevel.MUTED
        ).values_list("topic_id", "category_id"):
            if topic_id is not None:
                muted_topics.append(topic_id)
            elif category_id is not None:
                muted_categories.add(category_id)
        if category is None:
            readable = [pk for pk in readable if pk not in muted_categories]
    topics = Topic.objects.filter(
        policy.in_review_filter(actor),
        community=community,
        category_id__in=readable,
        deleted_at__isnull=True,
    )
    if muted_topics:
        topics = topics.exclude(pk__in=muted_topics)
    topics = topics.select_related("category", "author", "last_poster").prefetch_related(
        "question", "idea"
    )
    if tracking and show in ("new", "unread"):
        # These filter on the read position, so it is joined in (lists far less visited).
        read = TopicRead.objects.filter(topic=OuterRef("pk"), user=actor.user)
        topics = topics.annotate(
            last_read=Subquery(read.values("last_read_number")[:1], output_field=IntegerField()),
        )
        if show == "new":
            topics = topics.filter(last_read__isnull=True)
            if actor.membership and actor.membership.joined_at:
                topics = topics.filter(created_at__gte=actor.membership.joined_at)
        else:
            topics = topics.filter(
                last_read__isnull=False, last_read__lt=Coalesce("highest_post_number", 0)
            )
    ordering = (
        ["-last_posted_at", "-id"] if show != "latest" else ["-is_pinned", "-last_posted_at", "-id"]
    )
    return topics.order_by(*ordering)


def with_unread(topics, actor: Actor) -> list[Topic]:
    """Attach ``last_read``, ``unread`` (posts since the actor last read) and ``is_new`` to a
    page of topics: one query for the read positions the list did not carry already."""
    topics = list(topics)
    tracking = policy.can_track_reading(actor)
    missing = [t.pk for t in topics if not hasattr(t, "last_read")]
    reads = {}
    if tracking and missing:
        reads = dict(
            TopicRead.objects.filter(user=actor.user, topic_id__in=missing).values_list(
                "topic_id", "last_read_number"
            )
        )
    for topic in topics:
        if not hasattr(topic, "last_read"):
            topic.last_read = reads.get(topic.pk)
        topic.is_new = tracking and topic.last_read is None
        topic.unread = (
            max(0, topic.highest_post_number - topic.last_read)
            if tracking and topic.last_read
            else 0
        )
    return topics


def topic_for(actor: Actor, topic_id: int, *, with_reader_state: bool = False) -> Topic:
    """A topic the actor may read, or 404 (another community's topics look absent).

    ``with_reader_state`` reads the actor's reading position and watch level in the same
    query, for ``reader_state``."""
    topics = Topic.objects.filter(community=actor.community, pk=topic_id).select_related(
        "category", "author"
    )
    tracked = with_reader_state and policy.can_track_reading(actor)
    if tracked:
        topics = topics.annotate(**_reader_state_columns(actor))
    topic = topics.first()
    if topic is None or not policy.can_read_topic(actor, topic):
        raise Http404
    topic.community = actor.community  # the same row: spares a query wherever it is read
    if tracked:
        topic.reader_state = (topic.reader_last_read, topic.reader_watch_level)
    return topic


def _reader_state_columns(actor: Actor) -> dict:
    mine = {"community": OuterRef("community_id"), "user": actor.user, "topic": OuterRef("pk")}
    return {
        "reader_last_read": Subquery(
            TopicRead.objects.filter(**mine).values("last_read_number")[:1],
            output_field=IntegerField(),
        ),
        "reader_watch_level": Subquery(
            Watch.objects.filter(**mine).values("level")[:1], output_field=CharField()
        ),
    }


def post_for(actor: Actor, post_id: int) -> Post:
    post = (
        Post.objects.filter(community=actor.community, pk=post_id)
        .select_related("topic__category", "author")
        .first()
    )
    if (
        post is None
        or not policy.can_read_topic(actor, post.topic)
        or not policy.can_see_post(actor, post)
    ):
        raise Http404
    return post


def attachment_for(actor: Actor, attachment_id: int, filename: str) -> Attachment:
    """The upload, if the actor may read its post; 404 otherwise. The file name must match
    too, so a link cannot be made by counting ids."""
    attachment = (
        Attachment.objects.filter(community=actor.community, pk=attachment_id)
        .select_related("post__topic__category")
        .first()
    )
    if (
        attachment is None
        or attachment.filename != filename
        or not policy.can_read_attachment(actor, attachment)
    ):
        raise Http404
    return attachment


def reader_state(actor: Actor, topic: Topic) -> tuple[int | None, str | None]:
    """The actor's read position in the topic (the last post number they saw) and their
    watch level on it, in one query, or none when ``topic_for`` read them with the topic;
    (None, None) for those who do not track reading."""
    if not policy.can_track_reading(actor):
        return None, None
    if hasattr(topic, "reader_state"):
        return topic.reader_state
    row = (
        Topic.objects.filter(community=topic.community_id, pk=topic.pk)
        .annotate(**_reader_state_columns(actor))
        .values_list("reader_last_read", "reader_watch_level")
        .first()
    )
    return row if row is not None else (None, None)


def page_of_post(topic: Topic, number: int) -> int:
    position = Post.objects.filter(topic=topic, number__lt=number).count()
    return position // POSTS_PER_PAGE + 1


def posts_after(topic: Topic, number: int) -> QuerySet[Post]:
    """The topic's posts numbered after ``number``, in order (for ``topic_posts``)."""
    return Post.objects.filter(topic=topic, number__gt=number).order_by("number")


# What a topic page reads of its posts: not their Markdown source, of their authors what
# the byline shows, of the post each answers its number and author's name. Columns are
# most of what building and reading the page's largest query costs.
_PAGE_POST_FIELDS = (
    *(f.name for f in Post._meta.concrete_fields if f.name != "body"),
    *(f"author__{name}" for name in ("username", "display_name", "avatar", "deleted_at")),
    "reply_to__number",
    "reply_to__author_id",
    "reply_to__author__username",
    "reply_to__author__deleted_at",
)


def topic_posts(actor: Actor, topic: Topic, page_number, posts: QuerySet[Post] | None = None):
    """One page of a topic's posts with authors, reply targets, the author's standing in
    this community and the actor's own reactions, in a fixed number of queries.

    ``posts`` may give another order (questions sort answers by acceptance and votes)."""
    if posts is None:
        posts = Post.objects.filter(topic=topic).order_by("number")
    posts = (
        posts.filter(policy.in_review_filter(actor))
        .select_related("author", "reply_to__author")
        .only(*_PAGE_POST_FIELDS)
    )
    page = Paginator(posts, POSTS_PER_PAGE).get_page(page_number)
    items = list(page.object_list)
    author_ids = {p.author_id for p in items if p.author_id}
    standing = {
        m.user_id: m
        for m in Membership.objects.filter(
            community=topic.community_id, user_id__in=author_ids
        ).only("user_id", "role", "trust_level")
    }
    mine: set[tuple[int, str]] = set()
    if actor.user is not None and items:
        mine = set(
            Reaction.objects.filter(post__in=[p.pk for p in items], user=actor.user).values_list(
                "post_id", "kind"
            )
        )
    for post in items:
        post.topic = topic  # already loaded: keep the policy checks below query-free
        post.author_membership = standing.get(post.author_id)
        post.my_reactions = {kind for post_id, kind in mine if post_id == post.pk}
        # What the Q&A decoration sets on answers, present on every post: a template's
        # lookup of a missing attribute costs a dir() of the whole model instance.
        post.is_answer = post.is_accepted = post.can_accept = False
    policy.set_post_rights(actor, topic, items)
    page.object_list = items
    return page


def revisions(post: Post) -> QuerySet:
    return post.revisions.select_related("editor").order_by("-number")


def mention_candidates(
    actor: Actor, community: Community, prefix: str, limit: int = 8
) -> list[dict]:
    """Active members of this community whose username or name starts with the prefix."""
    prefix = prefix.strip().lstrip("@")[:50]
    if not prefix or not actor.is_member:
        return []
    from hearth.members.policy import unlisted_user_ids

    members = (
        Membership.objects.filter(community=community, status="active")
        .filter(Q(user__username__istartswith=prefix) | Q(user__display_name__istartswith=prefix))
        .exclude(user_id__in=unlisted_user_ids(community))
        .select_related("user")
        .order_by("user__username")[:limit]
    )
    return [{"username": m.user.username, "name": m.user.name} for m in members]


def my_reactions(actor: Actor, post: Post) -> set[str]:
    if actor.user is None:
        return set()
    return set(Reaction.objects.filter(post=post, user=actor.user).values_list("kind", flat=True))


def category_watch_level(actor: Actor, category: Category) -> str | None:
    if not policy.can_track_reading(actor):
        return None
    level = (
        Watch.objects.filter(user=actor.user, category=category)
        .values_list("level", flat=True)
        .first()
    )
    return level or WatchLevel.NORMAL
