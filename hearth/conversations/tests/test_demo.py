import random

from hearth.conversations import demo
from hearth.conversations.models import Conversation, Message
from hearth.core.models import InteractionEvent
from hearth.testing.factories import membership_factory, user_factory


def test_populate_writes_conversations_through_the_services(community):
    people = [
        membership_factory(community, user=user_factory(), trust_level=1).user for _ in range(6)
    ]
    demo.populate(community, people, random.Random(4))
    assert Conversation.objects.filter(community=community).count() == len(demo.SCRIPTS)
    assert InteractionEvent.objects.filter(verb="message.send").count() >= Message.objects.count()
    assert not Message.objects.filter(body_html="").exists()


def test_populate_skips_people_who_cannot_take_part(community, outsider):
    demo.populate(community, [outsider, user_factory()], random.Random(1))
    assert not Conversation.objects.exists()
