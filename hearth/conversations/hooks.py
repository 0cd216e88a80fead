"""Checks that apps above conversations run on direct messages, without conversations
importing them: watched words refuse a message or mask a word in it.

An app registers its function from its ``AppConfig.ready``. A check runs before anything
is written and refuses the message by raising ``ValidationError``, which the message pages
already show; it may return what to do once the message is stored, run in the same
transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hearth.conversations.models import Message
    from hearth.core.actor import Actor

AfterStore = Callable[["Message"], None]
CheckHook = Callable[..., AfterStore | None]
_checks: list[CheckHook] = []


def on_message_check(hook: CheckHook) -> CheckHook:
    """``hook(*, actor, body, subject) -> after_store | None`` runs before a message is
    written."""
    if hook not in _checks:
        _checks.append(hook)
    return hook


def message_check(*, actor: Actor, body: str, subject: str = "") -> list[AfterStore]:
    return [
        after
        for hook in _checks
        if (after := hook(actor=actor, body=body, subject=subject)) is not None
    ]


def message_stored(message: Message, after: list[AfterStore]) -> None:
    for step in after:
        step(message)
