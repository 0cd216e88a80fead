"""Checks that apps above discussions run on new and edited posts, without discussions
importing them: moderation holds a new member's first post for review, and watched words
and spam signals hold or flag posts the same way.

An app registers its function from its ``AppConfig.ready``. Hooks run inside the posting
service's transaction, after the post is stored and indexed, so what they change (a held
post, a queue entry) commits or rolls back with the post itself.

Check hooks run earlier, before anything is written: they see the draft (title, body,
where it goes) and may refuse it by raising ``ValidationError`` (a blocked word, a rate
limit), which the posting pages already show on the form. A check may also return what to
do once the post is stored (hold it, mask a word in it), run in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hearth.core.actor import Actor
    from hearth.discussions.models import Category, Post, Topic

PostHook = Callable[..., None]
AfterStore = Callable[["Post"], None]
CheckHook = Callable[..., AfterStore | None]
_created: list[PostHook] = []
_edited: list[PostHook] = []
_checks: list[CheckHook] = []


@dataclass(frozen=True)
class PostDraft:
    """What a member is about to post, as the checks see it."""

    kind: str  # "topic", "reply" or "edit"
    body: str
    title: str = ""  # a new topic's title, or an edited first post's new title
    category: Category | None = None
    topic: Topic | None = None  # None for a new topic
    post: Post | None = None  # the post being edited
    client_token: str = ""  # the form's one-time token: the same submission sent again
    composed_in: float | None = None  # seconds from opening the form to sending it


def on_post_check(hook: CheckHook) -> CheckHook:
    """``hook(*, actor, draft) -> after_store | None`` runs before a topic, reply or edit
    is written; it raises ValidationError to refuse it."""
    if hook not in _checks:
        _checks.append(hook)
    return hook


def post_check(*, actor: Actor, draft: PostDraft) -> list[AfterStore]:
    return [after for hook in _checks if (after := hook(actor=actor, draft=draft)) is not None]


def post_stored(post: Post, after: list[AfterStore]) -> None:
    for step in after:
        step(post)


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
