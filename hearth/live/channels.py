"""The names of live channels. Everything published on them is an id or a count, never
text: a page fetches what it shows through a normal, permission-checked request."""


def topic_channel(topic_id: int) -> str:
    """A new visible post in the topic: ``post.created`` {"topic", "post", "number"}."""
    return f"topic:{topic_id}"


def latest_channel(community_id: int) -> str:
    """A new visible topic in the community: ``topic.created`` {"topic", "category"}."""
    return f"community:{community_id}:latest"


def user_channel(user_id: int) -> str:
    """Events for one member, e.g. ``notifications.count`` {"unread"}."""
    return f"user:{user_id}"
