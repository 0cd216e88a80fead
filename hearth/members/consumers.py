"""Keeping the directory's sort keys current from the interaction event log, after commit.

Both keys are denormalised so that sorting 100,000 members by activity or helpfulness reads
an index: ``last_active_at`` (throttled: one write per member per few minutes at most) and
``helped_count`` (recounted for the few people an accepted answer can change)."""

from __future__ import annotations

import logging
from datetime import timedelta

from hearth.core.models import InteractionEvent

logger = logging.getLogger(__name__)
ACTIVITY_THROTTLE = timedelta(minutes=5)
HELPED_VERBS = frozenset({"answer.accept", "answer.unaccept"})


def profile_activity(events: list[InteractionEvent]) -> None:
    """A failure here must not turn an already committed write into an error page."""
    try:
        _touch_last_active(events)
        _recount_helped(events)
    except Exception:
        logger.exception("Could not update member profiles from %d events", len(events))


def _touch_last_active(events: list[InteractionEvent]) -> None:
    from hearth.members.models import MemberProfile

    latest: dict[tuple[int, int], object] = {}
    for event in events:
        if event.actor_id is None:
            continue
        key = (event.community_id, event.actor_id)
        if key not in latest or event.created_at > latest[key]:
            latest[key] = event.created_at
    for (community_id, user_id), when in latest.items():
        MemberProfile.objects.filter(
            community_id=community_id, user_id=user_id, last_active_at__lt=when - ACTIVITY_THROTTLE
        ).update(last_active_at=when)


def _recount_helped(events: list[InteractionEvent]) -> None:
    from hearth.members.services import helped_counts_refresh

    for event in events:
        if event.verb in HELPED_VERBS and event.data.get("topic"):
            helped_counts_refresh(
                community_id=event.community_id,
                topic_id=event.data["topic"],
                user_ids={event.target_user_id} - {None},
            )
