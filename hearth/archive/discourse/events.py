"""The interaction event log of the imported history: staged as the stages go, written in
the order things happened, and skipped by notifications and webhooks."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from django.db.models import Max
from django.utils import timezone

from hearth.archive.common import progress
from hearth.archive.discourse.state import State

EVENT_BATCH = 1000
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


def _ts(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def record(state: State, at, verb, actor, target, obj_type, obj_id, data) -> None:
    state.event_seq += 1
    state.db.execute(
        "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (_ts(at), state.event_seq, verb, actor, target, obj_type, obj_id, json.dumps(data)),
    )


def write(state: State) -> None:
    """The events in the order they happened (analytics replay them in id order)."""
    from hearth.core.models import InteractionEvent

    total = state.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    bar = progress(total=total, desc="events", unit="event", enabled=state.show)
    batch = []
    for row in state.db.execute("SELECT * FROM events ORDER BY at, seq"):
        batch.append(
            InteractionEvent(
                community=state.community,
                actor_id=row["actor"],
                target_user_id=row["target"],
                verb=row["verb"],
                object_type=row["obj_type"],
                object_id=row["obj_id"],
                data=json.loads(row["data"]),
                created_at=datetime.strptime(row["at"], TIME_FORMAT).replace(tzinfo=UTC),
            )
        )
        if len(batch) >= EVENT_BATCH:
            InteractionEvent.objects.bulk_create(batch)
            bar.update(len(batch))
            batch.clear()
    InteractionEvent.objects.bulk_create(batch)
    bar.update(len(batch))
    bar.close()


def skip_history_for_followers(state: State) -> None:
    """Notifications and webhooks start after the imported history: they are for what
    happens from now on."""
    from hearth.core.models import InteractionEvent
    from hearth.notifications.models import NotificationState
    from hearth.webhooks.models import WebhookState

    last = (
        InteractionEvent.objects.filter(community=state.community).aggregate(m=Max("pk"))["m"] or 0
    )
    for model in (NotificationState, WebhookState):
        model.objects.update_or_create(
            community=state.community,
            defaults={"last_event_id": last, "updated_at": timezone.now()},
        )
