"""Background work fed by the interaction event log: reputation tallies and automatic
badges for the members named in each committed transaction's events."""

from __future__ import annotations

import logging
from collections import defaultdict

from django.db import transaction
from django_tasks import task

from hearth.communities.models import Community
from hearth.core.models import InteractionEvent
from hearth.recognition import awards, reputation

logger = logging.getLogger(__name__)
# Our own output (evaluating it again could only loop) and reading, which no badge counts.
IGNORED_VERBS = frozenset({"badge.grant", "topic.read"})


def enqueue_for_events(events: list[InteractionEvent]) -> None:
    """Event-log consumer (registered in RecognitionConfig.ready): one task per community.
    A failure to enqueue must not turn an already committed write into an error page."""
    try:
        by_community: dict[int, list[int]] = defaultdict(list)
        for event in events:
            if event.verb not in IGNORED_VERBS:
                by_community[event.community_id].append(event.pk)
        for community_id, event_ids in by_community.items():
            recognise_events.enqueue(community_id=community_id, event_ids=event_ids)
    except Exception:
        logger.exception("Could not enqueue recognition for %d events", len(events))


@task()
def recognise_events(community_id: int, event_ids: list[int]) -> int:
    """Count the appreciations in these events and grant the automatic badges their
    members may have earned. Returns how many badges were granted."""
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return 0
    events = list(InteractionEvent.objects.filter(pk__in=event_ids, community_id=community_id))
    with transaction.atomic():
        reputation.apply_events(community, events)
        granted = awards.award_automatic(community, awards.candidates_from_events(events))
    return len(granted)
