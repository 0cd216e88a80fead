"""Keeping the search index in step with posts (filled in by the search backends)."""


def index_post(post, topic) -> None:
    return None


def unindex_post(post) -> None:
    return None


def reindex_topic(topic) -> None:
    return None
