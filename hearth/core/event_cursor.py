"""Following the interaction event log durably, for work that must not be lost but may lag
(rollups, trust levels, notifications).

Each consumer keeps a per-community state row holding the last event it applied. A batch is
applied and the row advanced in one transaction, under a lock on that row, so a process that
dies mid-way loses nothing, a re-run applies nothing twice and two workers never apply the
same batch. Events younger than ``lag`` wait for the next run: on PostgreSQL a transaction
can commit an event id lower than one already committed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import partial
from itertools import takewhile
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from hearth.core.models import InteractionEvent

# The columns a consumer that reads events as tuples gets, in this order.
EVENT_ROW_FIELDS = ("id", "created_at", "verb", "actor_id", "target_user_id", "object_id", "data")


def follow(
    community_id: int,
    state_model: type[models.Model],
    apply: Callable[[list[Any]], object],
    *,
    lag: timedelta,
    batch_size: int,
    as_rows: bool = True,
) -> int:
    """Apply every committed event older than ``lag`` through ``apply`` in batches, as
    tuples of EVENT_ROW_FIELDS (``as_rows``) or as InteractionEvent objects; returns how
    many events were applied."""
    state_model.objects.get_or_create(community_id=community_id)
    has_updated_at = any(f.name == "updated_at" for f in state_model._meta.get_fields())
    applied = 0
    while True:
        with transaction.atomic():
            state = state_model.objects.select_for_update().get(community_id=community_id)
            cutoff = timezone.now() - lag
            pending = InteractionEvent.objects.filter(
                community_id=community_id, id__gt=state.last_event_id
            ).order_by("id")
            fetched: Sequence[Any] = list(
                pending.values_list(*EVENT_ROW_FIELDS)[:batch_size]
                if as_rows
                else pending[:batch_size]
            )
            batch = list(takewhile(partial(_older_than, cutoff=cutoff, as_rows=as_rows), fetched))
            if not batch:
                return applied
            apply(batch)
            state.last_event_id = batch[-1][0] if as_rows else batch[-1].pk
            fields = ["last_event_id"]
            if has_updated_at:
                state.updated_at = timezone.now()
                fields.append("updated_at")
            state.save(update_fields=fields)
            applied += len(batch)
            if len(batch) < len(fetched) or len(fetched) < batch_size:
                return applied


def _older_than(event, *, cutoff, as_rows: bool) -> bool:
    return (event[1] if as_rows else event.created_at) < cutoff
