import random

from hearth.onboarding import demo
from hearth.onboarding.models import ChecklistItem, WelcomeMessage, Welcomer
from hearth.testing.factories import membership_factory


def test_demo_populates_welcome_checklist_and_welcomers(community, owner):
    people = [membership_factory(community).user for _ in range(8)]
    demo.populate(community, owner, people, random.Random(3))
    assert WelcomeMessage.objects.get().send_as_message
    assert [i.kind for i in ChecklistItem.objects.all()] == [
        "profile", "introduce", "read_guide", "reply",
    ]  # fmt: skip
    assert ChecklistItem.objects.get(kind="read_guide").topic.is_pinned
    assert Welcomer.objects.count() == demo.WELCOMERS
