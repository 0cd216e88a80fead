"""Consumers of the event log see committed events once per transaction, never rolled-back ones."""

import pytest
from django.db import transaction

from hearth.core import events
from hearth.core.events import record_event

# Real commits: inside the usual per-test transaction nothing would ever commit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def received():
    batches = []
    consumer = events.on_events_committed(batches.append)
    yield batches
    events._consumers.remove(consumer)


def test_one_batch_per_committed_transaction(community, member, received):
    with transaction.atomic():
        record_event(community=community, actor=member, verb="test.one")
        record_event(community=community, actor=member, verb="test.two")
    assert [[e.verb for e in batch] for batch in received] == [["test.one", "test.two"]]


def test_rolled_back_events_never_reach_consumers(community, member, received):
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(community=community, actor=member, verb="test.lost")
        raise RuntimeError
    with transaction.atomic():
        record_event(community=community, actor=member, verb="test.kept")
    assert [[e.verb for e in batch] for batch in received] == [["test.kept"]]
