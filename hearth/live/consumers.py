"""Announcing new posts and topics from the interaction event log, after commit.

Only what everyone who may read the topic may see is announced: a post held for review or
hidden by flags is announced when a moderator publishes it (``review.approve`` /
``review.dismiss``), not before."""

from __future__ import annotations

import logging

from hearth.core.models import InteractionEvent
from hearth.live.broadcast import publish
from hearth.live.channels import latest_channel, topic_channel, user_channel

logger = logging.getLogger(__name__)
ANNOUNCED_VERBS = frozenset({"post.reply", "topic.create", "review.approve", "review.dismiss"})


def announce(events: list[InteractionEvent]) -> None:
    """A failure here must not turn an already committed write into an error page."""
    post_ids = {
        e.object_id
        for e in events
        if e.verb in ANNOUNCED_VERBS and e.object_type == "discussions.post"
    }
    if not post_ids:
        return
    try:
        _announce_posts(post_ids)
    except Exception:
        logger.exception("Could not announce %d posts", len(post_ids))


def _announce_posts(post_ids: set[int]) -> None:
    from hearth.discussions.models import Post, ReviewState

    posts = Post.objects.filter(
        pk__in=post_ids,
        review_state=ReviewState.PUBLISHED,
        deleted_at__isnull=True,
        topic__review_state=ReviewState.PUBLISHED,
        topic__deleted_at__isnull=True,
    ).values_list("pk", "number", "topic_id", "topic__category_id", "community_id")
    for post_id, number, topic_id, category_id, community_id in posts.order_by("pk"):
        if number == 1:
            publish(
                latest_channel(community_id),
                "topic.created",
                {"topic": topic_id, "category": category_id},
            )
        else:
            publish(
                topic_channel(topic_id),
                "post.created",
                {"topic": topic_id, "post": post_id, "number": number},
            )


def announce_unread_counts(sender, notifications, **kwargs) -> None:
    """Receiver of ``notifications_created``: each recipient's open pages hear that their
    count changed and ask for it (``notifications:unread-count``). No count is computed
    here: a reply watched by 10,000 members would cost 10,000 count queries, most of them
    for members with no page open."""
    try:
        for recipient_id in {n.recipient_id for n in notifications}:
            publish(user_channel(recipient_id), "notifications.count", {})
    except Exception:
        logger.exception("Could not announce unread counts")
