"""Keeping the search index in step with posts.

The discussions services call these inside their own transactions, so the index commits or
rolls back with the write that changed it. The rule they keep: a post has a document exactly
while the post and its topic are neither deleted nor in review (held or hidden after flags:
see ``discussions.models.ReviewState``). Reads never check either again."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from hearth.core.markdown import plain_text
from hearth.search.backends import SENTINELS
from hearth.search.models import PostDocument

if TYPE_CHECKING:
    from hearth.discussions.models import Post, Topic

# The backends' snippet markers are removed from indexed text, so every marker in a snippet
# is one the database put there and the <mark> tags they become always pair up.
_STRIP_SENTINELS = str.maketrans("", "", SENTINELS)
DOCUMENT_FIELDS = [
    "community_id", "topic_id", "category_id", "author_id", "created_at", "title", "body",
    "is_first",
]  # fmt: skip


def document_text(text: str) -> str:
    return text.translate(_STRIP_SENTINELS)


def post_body_text(post: Post) -> str:
    """The words of the post as a reader sees them: tags removed and entities decoded
    (the snippet is escaped again on the way out)."""
    return document_text(html.unescape(plain_text([post.html]))).strip()


def _document(post: Post, topic: Topic) -> PostDocument:
    return PostDocument(
        post_id=post.pk,
        community_id=topic.community_id,
        topic_id=topic.pk,
        category_id=topic.category_id,
        author_id=post.author_id,
        created_at=post.created_at,
        title=document_text(topic.title),
        body=post_body_text(post),
        is_first=post.number == 1,
    )


def _in_review(post: Post, topic: Topic) -> bool:
    return bool(post.review_state or topic.review_state)


def index_post(post: Post, topic: Topic) -> None:
    """Add or refresh the post's document. Indexing the first post also brings the rest of
    the topic in step: its edit may have changed the title every document repeats, and its
    restore brings the topic's replies back."""
    if post.deleted_at is not None or topic.deleted_at is not None or _in_review(post, topic):
        unindex_post(post)
        return
    document = _document(post, topic)
    PostDocument.objects.update_or_create(
        post_id=post.pk, defaults={f: getattr(document, f) for f in DOCUMENT_FIELDS}
    )
    if document.is_first:
        reindex_topic(topic)


def unindex_post(post: Post) -> None:
    """Drop the post's document; when the post is a topic's first, deleting it deleted the
    topic, so every document of the topic goes."""
    from hearth.discussions.models import Topic

    PostDocument.objects.filter(post_id=post.pk).delete()
    if (
        post.number == 1
        and Topic.objects.filter(pk=post.topic_id)
        .exclude(deleted_at__isnull=True, review_state="")
        .exists()
    ):
        PostDocument.objects.filter(topic_id=post.topic_id).delete()


def reindex_topic(topic: Topic) -> None:
    """Bring every document of the topic in step with it: its category (after a move), its
    title, and its visible posts (missing ones are added). Rows already right are not
    rewritten, so the SQLite triggers only touch the full-text index when words changed."""
    from hearth.discussions.models import Post

    documents = PostDocument.objects.filter(topic_id=topic.pk)
    if topic.deleted_at is not None or topic.review_state:
        documents.delete()
        return
    title = document_text(topic.title)
    documents.exclude(category_id=topic.category_id).update(category_id=topic.category_id)
    documents.exclude(title=title).update(title=title)
    missing = Post.objects.filter(
        topic_id=topic.pk, deleted_at__isnull=True, review_state=""
    ).exclude(pk__in=documents.values("post_id"))
    PostDocument.objects.bulk_create(
        [
            _document(post, topic)
            for post in missing.only("pk", "author", "created_at", "html", "number")
        ]
    )


def rebuild_index(*, community_id: int | None = None, full: bool = False) -> int:
    """Bring the whole index (or one community's part) in step with the posts, one topic
    per transaction: for data written before the index existed, or after a bulk change that
    bypassed the services. ``full`` rewrites every document (after a change to how text is
    extracted). Returns the number of topics indexed."""
    from django.db import transaction
    from django.db.models import F, Q

    from hearth.discussions.models import Topic

    documents = PostDocument.objects.all()
    topics = Topic.objects.filter(deleted_at__isnull=True, review_state="").order_by("pk")
    if community_id is not None:
        documents = documents.filter(community_id=community_id)
        topics = topics.filter(community_id=community_id)
    stale = Q(post__deleted_at__isnull=False) | Q(topic__deleted_at__isnull=False)
    stale |= ~Q(post__review_state="") | ~Q(topic__review_state="")
    stale |= ~Q(topic_id=F("post__topic_id"))
    (documents if full else documents.filter(stale)).delete()
    count = 0
    for topic in topics.iterator(chunk_size=500):
        with transaction.atomic():
            reindex_topic(topic)
        count += 1
    return count
