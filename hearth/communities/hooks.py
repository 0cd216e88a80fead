"""Hooks for apps above communities, registered from their ``AppConfig.ready`` so this
app imports none of them.

**The staff log as a viewer sees it.** Every app writes staff-log lines through
``services.staff_log_record``, some naming its own objects in ``details`` (a category's
slug, a topic). Who may read those objects is the owning app's call, so before the log is
shown each registered ``hook(*, actor, entries)`` hides the details of lines naming
something the viewer may not read, by calling ``hide_details(entry)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hearth.communities.models import StaffAction
    from hearth.core.actor import Actor

StaffLogHook = Callable[..., None]
_staff_log_shown: list[StaffLogHook] = []


def on_staff_log_shown(hook: StaffLogHook) -> None:
    if hook not in _staff_log_shown:
        _staff_log_shown.append(hook)


def hide_details(entry: StaffAction) -> None:
    """The line stays (who did what, when); what it names is left out."""
    entry.details = {}
    entry.details_hidden = True


def staff_log_shown(*, actor: Actor, entries: list[StaffAction]) -> None:
    for hook in _staff_log_shown:
        hook(actor=actor, entries=entries)
