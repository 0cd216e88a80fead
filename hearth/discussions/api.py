"""``/api/v1/communities/{slug}/…``: categories, topics, posts and reactions.

Every read goes through the discussions policy and selectors (a key sees what its actor
may read on the pages, nothing more); every write through ``services`` (events,
notifications, moderation hooks and rate limits run as for the pages)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import ConfigDict

from hearth.api.access import community_actor
from hearth.api.auth import API_AUTH
from hearth.api.cursor import CursorQuery, page
from hearth.api.errors import ApiError
from hearth.api.schemas import READ_ERRORS, WRITE_ERRORS, errors
from hearth.discussions import policy, selectors, services
from hearth.discussions.models import REACTIONS, Post, Topic

router = Router(tags=["discussions"], auth=API_AUTH)
MAX_ID = 2**62
ID = Path(..., ge=1, le=MAX_ID)

ReactionKind = Literal[tuple(REACTIONS)]  # type: ignore[valid-type]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class CategoryOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    color: str
    kind: str
    read_access: str
    post_access: str
    topic_count: int
    post_count: int
    can_start_topic: bool = False


class AuthorOut(Schema):
    username: str
    name: str


class TopicOut(Schema):
    id: int
    title: str
    slug: str
    category_id: int
    author: AuthorOut | None
    created_at: datetime
    last_posted_at: datetime
    post_count: int
    is_pinned: bool
    is_closed: bool
    is_archived: bool


class TopicPage(Schema):
    items: list[TopicOut]
    next_cursor: str | None


class PostOut(Schema):
    id: int
    topic_id: int
    number: int
    author: AuthorOut | None
    reply_to_id: int | None
    html: str
    body: str
    reactions: dict[str, int]
    created_at: datetime
    edited_at: datetime | None
    revision: int = Field(
        ..., description="How many times the post was edited; send it back to edit."
    )
    is_deleted: bool
    in_review: bool

    @staticmethod
    def resolve_body(obj) -> str:
        return "" if obj.is_deleted else obj.body

    @staticmethod
    def resolve_html(obj) -> str:
        return "" if obj.is_deleted else obj.html

    @staticmethod
    def resolve_revision(obj) -> int:
        return obj.edit_count

    @staticmethod
    def resolve_in_review(obj) -> bool:
        return obj.is_in_review


class PostPage(Schema):
    items: list[PostOut]
    next_cursor: str | None


class TopicIn(Strict):
    category_id: int = ID
    title: str = Field(..., min_length=1, max_length=255)
    body: str = Field(..., min_length=1, max_length=100_000)


class ReplyIn(Strict):
    body: str = Field(..., min_length=1, max_length=100_000)
    reply_to_id: int | None = Field(None, ge=1, le=2**62)


class PostEditIn(Strict):
    body: str = Field(..., min_length=1, max_length=100_000)
    title: str | None = Field(None, min_length=1, max_length=255)
    revision: int | None = Field(
        None,
        ge=0,
        le=2**31 - 1,
        description=(
            "The post's `revision` the new text was based on. When the post was edited "
            "since, nothing is saved and the answer is 409 `conflict`: fetch the post, "
            "merge, and send again with its new revision. Leave it out to overwrite."
        ),
    )


class TopicQuery(CursorQuery):
    category_id: int | None = Field(None, ge=1, le=2**62)


class ReactionOut(Schema):
    kind: str
    reacted: bool
    count: int


@router.get("/{slug}/categories", response={200: list[CategoryOut], **errors(*READ_ERRORS)})
def category_list(request, slug: str):
    """The categories the caller may read, in their order."""
    community, actor = community_actor(request, slug)
    categories = selectors.categories(actor, community)
    for category in categories:
        category.can_start_topic = policy.can_start_topic(actor, category)
    return categories


def _visible_topics(actor, community):
    return selectors.topic_list(actor, community).select_related(None).select_related("author")


@router.get("/{slug}/topics", response={200: TopicPage, **errors(*READ_ERRORS)})
def topic_list(request, slug: str, query: Query[TopicQuery]):
    """Topics the caller may read, latest activity first (cursor-paginated)."""
    community, actor = community_actor(request, slug)
    category = None
    if query.category_id is not None:
        category = selectors.category_by_id(actor, community, query.category_id)
        if category is None:
            return page(Topic.objects.none(), ("-last_posted_at", "-id"), query, scope="t")
    topics = selectors.topic_list(actor, community, category=category)
    return page(topics, ("-last_posted_at", "-id"), query, scope=f"topics:{community.pk}")


@router.get("/{slug}/topics/{topic_id}", response={200: TopicOut, **errors(*READ_ERRORS)})
def topic_detail(request, slug: str, topic_id: int = ID):
    _community, actor = community_actor(request, slug)
    return selectors.topic_for(actor, topic_id)


@router.post("/{slug}/topics", response={201: TopicOut, **errors(*WRITE_ERRORS)})
def topic_create(request, slug: str, payload: TopicIn):
    """Start a topic (a question or an idea in those categories) as the caller."""
    community, actor = community_actor(request, slug)
    category = selectors.category_by_id(actor, community, payload.category_id)
    if category is None:
        raise ApiError(
            422,
            _("That category does not exist."),
            fields={"category_id": [_("No category you may read has this id.")]},
        )
    topic = services.topic_create(
        actor=actor, category=category, title=payload.title, body=payload.body
    )
    return Status(201, topic)


@router.get("/{slug}/topics/{topic_id}/posts", response={200: PostPage, **errors(*READ_ERRORS)})
def post_list(request, slug: str, query: Query[CursorQuery], topic_id: int = ID):
    """A topic's posts in order (cursor-paginated); posts in review only to their author
    and staff, deleted posts without their text."""
    _community, actor = community_actor(request, slug)
    topic = selectors.topic_for(actor, topic_id)
    posts = Post.objects.filter(policy.in_review_filter(actor), topic=topic).select_related(
        "author"
    )
    return page(posts, ("number",), query, scope=f"posts:{topic.pk}")


@router.post("/{slug}/topics/{topic_id}/posts", response={201: PostOut, **errors(*WRITE_ERRORS)})
def post_create(request, slug: str, payload: ReplyIn, topic_id: int = ID):
    """Reply in a topic as the caller."""
    _community, actor = community_actor(request, slug)
    topic = selectors.topic_for(actor, topic_id)
    reply_to = None
    if payload.reply_to_id is not None:
        reply_to = Post.objects.filter(topic=topic, pk=payload.reply_to_id).first()
        if reply_to is None:
            raise ApiError(
                422,
                _("You can only reply to a post in this topic."),
                fields={"reply_to_id": [_("Not a post of this topic.")]},
            )
    post = services.post_reply(actor=actor, topic=topic, body=payload.body, reply_to=reply_to)
    return Status(201, post)


@router.get("/{slug}/posts/{post_id}", response={200: PostOut, **errors(*READ_ERRORS)})
def post_detail(request, slug: str, post_id: int = ID):
    _community, actor = community_actor(request, slug)
    return selectors.post_for(actor, post_id)


@router.patch("/{slug}/posts/{post_id}", response={200: PostOut, **errors(*WRITE_ERRORS)})
def post_edit(request, slug: str, payload: PostEditIn, post_id: int = ID):
    """Edit a post (your own; staff any); ``title`` retitles the topic from its first post.
    Send the ``revision`` you edited: a post edited since answers 409 ``conflict``."""
    _community, actor = community_actor(request, slug)
    post = selectors.post_for(actor, post_id)
    try:
        return services.post_edit(
            actor=actor,
            post=post,
            body=payload.body,
            title=payload.title,
            revision=payload.revision,
        )
    except services.EditConflict as exc:
        raise ApiError(
            409,
            _("The post was edited since revision %(sent)d; it is at revision %(now)d.")
            % {"sent": payload.revision, "now": exc.post.edit_count},
            code="conflict",
        ) from exc


def _reaction(actor, post_id: int, kind: str, want: bool) -> ReactionOut:
    post = selectors.post_for(actor, post_id)
    mine = kind in selectors.my_reactions(actor, post)
    if mine != want:
        services.reaction_toggle(actor=actor, post=post, kind=kind)
    else:
        policy.ensure_react(actor, post)
    post = get_object_or_404(Post, pk=post.pk)
    return ReactionOut(kind=kind, reacted=want, count=(post.reactions or {}).get(kind, 0))


@router.put(
    "/{slug}/posts/{post_id}/reactions/{kind}",
    response={200: ReactionOut, **errors(*WRITE_ERRORS)},
)
def reaction_add(request, slug: str, kind: ReactionKind, post_id: int = ID):
    """Add your reaction (doing it twice is the same as once)."""
    _community, actor = community_actor(request, slug)
    return _reaction(actor, post_id, kind, True)


@router.delete(
    "/{slug}/posts/{post_id}/reactions/{kind}",
    response={200: ReactionOut, **errors(*WRITE_ERRORS)},
)
def reaction_remove(request, slug: str, kind: ReactionKind, post_id: int = ID):
    """Take your reaction back (if it is not there, nothing changes)."""
    _community, actor = community_actor(request, slug)
    return _reaction(actor, post_id, kind, False)
