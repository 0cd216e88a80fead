from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from hearth.events import services
from hearth.testing.factories import actor_for


def event_fields(**overrides) -> dict:
    """Service arguments for an event tomorrow 18:00–20:00 in Berlin."""
    start = (timezone.now() + timedelta(days=2)).astimezone().replace(tzinfo=None)
    start = datetime(start.year, start.month, start.day, 18, 0)
    fields = {
        "title": "Seed swap", "description": "Bring **seeds**.",
        "starts_local": start, "ends_local": start + timedelta(hours=2),
        "time_zone": "Europe/Berlin", "location": "Community hall", "online_url": "",
        "capacity": None, "repeats": "", "repeats_until": None, "exceptions": [],
    }  # fmt: skip
    fields.update(overrides)
    return fields


@pytest.fixture
def make_event(community, owner, general):
    def make(actor=None, category=None, **overrides):
        return services.event_create(
            actor=actor or actor_for(owner, community),
            category=category or general,
            **event_fields(**overrides),
        )

    return make
