"""Subscribers of recorded events run inside the recording transaction."""

import pytest

from hearth.core import events
from hearth.core.actor import Actor
from hearth.core.models import InteractionEvent
from hearth.discussions import services
from hearth.discussions.models import Post
from hearth.search.models import PostDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_subscriber():
    def fail(event):
        raise RuntimeError("subscriber failed")

    events.on_event_recorded(["post.reply"], fail)
    yield
    events._handlers["post.reply"].remove(fail)


def test_a_failing_subscriber_rolls_the_write_back(community, member, general, failing_subscriber):
    actor = Actor.for_user(member, community)
    topic = services.topic_create(actor=actor, category=general, title="Hello all", body="First")
    with pytest.raises(RuntimeError):
        services.post_reply(actor=actor, topic=topic, body="A reply that fails")
    assert not Post.objects.filter(topic=topic, number=2).exists()
    assert not InteractionEvent.objects.filter(verb="post.reply").exists()
    assert PostDocument.objects.filter(topic_id=topic.pk).count() == 1


def test_a_subscriber_sees_the_event_recorded_outside_a_transaction(community, member):
    seen = []
    events.on_event_recorded(["test.ping"], seen.append)
    try:
        event = events.record_event(community=community, actor=member, verb="test.ping")
    finally:
        events._handlers["test.ping"].remove(seen.append)
    assert seen == [event]
