"""Checks that apps above discussions run on new and edited posts, without discussions
importing them: moderation holds a new member's first post for review, and watched words
and spam signals hold or flag posts the same way.

An app registers its function from its ``AppConfig.ready``. Hooks run inside the posting
service's transaction, after the post is stored and indexed, so what they change (a held
post, a queue entry) commits or rolls back with the post itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hearth.core.actor import Actor
    from hearth.discussions.models import Post

PostHook = Callable[..., None]
_created: list[PostHook] = []
_edited: list[PostHook] = []


def on_post_created(hook: PostHook) -> PostHook:
    """``hook(*, actor, post)`` runs for every new topic and reply."""
    if hook not in _created:
        _created.append(hook)
    return hook


def on_post_edited(hook: PostHook) -> PostHook:
    """``hook(*, actor, post)`` runs after an edit changed a post's body or title."""
    if hook not in _edited:
        _edited.append(hook)
    return hook


def post_created(*, actor: Actor, post: Post) -> None:
    for hook in _created:
        hook(actor=actor, post=post)


def post_edited(*, actor: Actor, post: Post) -> None:
    for hook in _edited:
        hook(actor=actor, post=post)
