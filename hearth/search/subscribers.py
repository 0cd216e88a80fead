"""The search index follows discussions' events inside their transactions, so a document
commits or rolls back with the write that changed it."""

from __future__ import annotations

from hearth.core.models import InteractionEvent
from hearth.search import index

# A post was written, changed, deleted, restored or put in or out of review: its document
# is brought in step with what the database now holds.
POST_VERBS = (
    "topic.create", "post.reply", "post.edit", "post.delete", "post.restore", "post.review",
)  # fmt: skip
TOPIC_VERBS = ("topic.move", "topic.retitle")
# Only events about a post or topic reach the index (the same verbs recorded without an
# object, as imports and synthetic histories do, have nothing to index).
POST, TOPIC = "discussions.post", "discussions.topic"


def sync_post(event: InteractionEvent) -> None:
    from hearth.discussions.models import Post

    if event.object_type != POST:
        return
    post = Post.objects.select_related("topic").get(pk=event.object_id)
    index.index_post(post, post.topic)


def sync_topic(event: InteractionEvent) -> None:
    from hearth.discussions.models import Topic

    if event.object_type != TOPIC:
        return
    index.reindex_topic(Topic.objects.get(pk=event.object_id))


def sync_moved_posts(event: InteractionEvent) -> None:
    from hearth.discussions.models import Post, Topic

    if event.object_type != TOPIC:
        return
    into = Topic.objects.get(pk=event.object_id)
    moved = Post.objects.filter(pk__in=event.data["posts"], deleted_at__isnull=True)
    # Last to first: a split's new first post reindexes its whole topic, which adds the
    # posts without a document there, so the others must have been moved in already.
    for post in moved.order_by("-number"):
        index.index_post(post, into)
