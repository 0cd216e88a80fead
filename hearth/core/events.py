"""Writing the interaction event log. Services call :func:`record_event` inside their
transaction so an event exists exactly when its write does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from hearth.core.models import InteractionEvent

if TYPE_CHECKING:
    from hearth.accounts.models import User
    from hearth.communities.models import Community


def record_event(
    *,
    community: Community,
    actor: User | None,
    verb: str,
    target_user: User | None = None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> InteractionEvent:
    return InteractionEvent.objects.create(
        community=community,
        actor=actor,
        target_user=target_user,
        verb=verb,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        data=data or {},
        created_at=timezone.now(),
    )
