"""Writing the interaction event log. Services call :func:`record_event` inside their
transaction so an event exists exactly when its write does.

What feeds on the log (badges, onboarding, analytics rollups…) registers a consumer with
:func:`on_events_committed`; consumers are called once per committed transaction with the
events it recorded, so a rolled-back write never reaches them.

What must stay consistent with the write itself (the search index, Q&A's bookkeeping)
subscribes with :func:`on_event_recorded` instead: its handler runs inside
:func:`record_event`, in the writer's transaction, so its writes commit or roll back with
the event, and an exception it raises rolls the whole write back."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils import timezone

from hearth.core.models import InteractionEvent

if TYPE_CHECKING:
    from hearth.accounts.models import User
    from hearth.communities.models import Community

EventConsumer = Callable[[list[InteractionEvent]], None]
EventHandler = Callable[[InteractionEvent], None]
_consumers: list[EventConsumer] = []
_handlers: dict[str, list[EventHandler]] = {}


def on_event_recorded(verbs: Iterable[str], handler: EventHandler) -> EventHandler:
    """Register ``handler`` (from an AppConfig.ready) to run synchronously for each event of
    one of ``verbs`` as it is recorded, inside the recording transaction."""
    for verb in verbs:
        handlers = _handlers.setdefault(verb, [])
        if handler not in handlers:
            handlers.append(handler)
    return handler


def on_events_committed(consumer: EventConsumer) -> EventConsumer:
    """Register ``consumer`` (usually from an AppConfig.ready); usable as a decorator."""
    if consumer not in _consumers:
        _consumers.append(consumer)
    return consumer


def _dispatch(events: list[InteractionEvent]) -> None:
    for consumer in _consumers:
        consumer(events)


def _flush() -> None:
    events = connection._hearth_pending_events
    connection._hearth_pending_events = None
    _dispatch(events)


def _pending() -> list[InteractionEvent]:
    """The events recorded in the current transaction, flushed to consumers on commit.

    A rollback drops the registered flush (Django discards its on-commit callbacks), so a
    list whose flush is no longer registered belongs to a dead transaction and is replaced."""
    pending = getattr(connection, "_hearth_pending_events", None)
    if pending is None or not any(func is _flush for _, func, _ in connection.run_on_commit):
        pending = connection._hearth_pending_events = []
        transaction.on_commit(_flush)
    return pending


def record_event(
    *,
    community: Community,
    actor: User | None,
    verb: str,
    target_user: User | None = None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> InteractionEvent:
    handlers = _handlers.get(verb, ())
    if handlers and not connection.in_atomic_block:
        # The handlers' writes and the event stand or fall together even for a caller
        # outside a transaction.
        with transaction.atomic():
            return record_event(
                community=community, actor=actor, verb=verb, target_user=target_user,
                obj=obj, data=data,
            )  # fmt: skip
    event = InteractionEvent.objects.create(
        community=community,
        actor=actor,
        target_user=target_user,
        verb=verb,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        data=data or {},
        created_at=timezone.now(),
    )
    if connection.in_atomic_block:
        _pending().append(event)
    else:
        _dispatch([event])
    for handler in handlers:
        handler(event)
    return event
