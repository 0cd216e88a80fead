"""Who hears what on a live stream. Opening a topic's stream is reading the topic
(``discussions.policy``, through its selector); announcements of new topics reach only
those who may read the topic's category."""

from __future__ import annotations

from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.discussions import policy as discussions_policy
from hearth.live.broadcast import Message
from hearth.live.channels import latest_channel
from hearth.live.streams import MessageFilter


def latest_filter(actor: Actor, community: Community) -> MessageFilter:
    """Pass new-topic announcements of the categories the actor may read, as the stream
    opens; the stream is re-authorised each time it reconnects."""
    channel = latest_channel(community.pk)
    readable = set(
        discussions_policy.visible_categories(actor, community).values_list("pk", flat=True)
    )

    def accept(message: Message) -> bool:
        return message.channel != channel or message.data.get("category") in readable

    return accept
