import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from hearth.core.models import InteractionEvent
from hearth.testing.factories import membership_factory

_object_ids = itertools.count(10_000)


@pytest.fixture
def event(community):
    """event(verb, actor, target=None, *, obj=None, data=None, ago=None) -> an exact row of
    the interaction event log (no side effects, no consumers)."""

    def make(verb, actor, target=None, *, obj=None, data=None, ago=None, where=None):
        return InteractionEvent.objects.create(
            community=where or community,
            actor=actor,
            target_user=target,
            verb=verb,
            object_type="test.object",
            object_id=next(_object_ids) if obj is None else obj,
            data=data or {},
            created_at=timezone.now() - (ago or timedelta()),
        )

    return make


@pytest.fixture
def people(community):
    """people(n) -> n new active members of the shared community."""
    return lambda n: [membership_factory(community).user for _ in range(n)]
