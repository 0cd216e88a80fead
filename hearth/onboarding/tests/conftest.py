import pytest

from hearth.discussions import services as discussion_services
from hearth.discussions.models import Category
from hearth.onboarding import services
from hearth.testing.factories import actor_for


@pytest.fixture
def owner_actor(community, owner):
    return actor_for(owner, community)


@pytest.fixture
def introductions(community):
    return Category.objects.get(community=community, slug="introductions")


@pytest.fixture
def staff_room(community, owner_actor):
    """A category only staff can read."""
    return discussion_services.category_create(
        actor=owner_actor, name="Staff room", read_access="staff"
    )


@pytest.fixture
def guide(community, owner_actor, general):
    topic = discussion_services.topic_create(
        actor=owner_actor, category=general, title="Start here: how we work", body="Read me."
    )
    return discussion_services.topic_set_state(actor=owner_actor, topic=topic, pinned=True)


@pytest.fixture
def welcome(owner_actor, owner):
    return services.welcome_message_save(
        actor=owner_actor,
        body="Hello and **welcome**! Say hi in Introductions.",
        show_on_first_visit=True,
        send_as_message=True,
        sender=owner,
    )


@pytest.fixture
def checklist(owner_actor, guide):
    """The four kinds of step, in order: profile, introduce, guide, reply."""
    return [
        services.checklist_item_add(actor=owner_actor, kind="profile"),
        services.checklist_item_add(actor=owner_actor, kind="introduce"),
        services.checklist_item_add(actor=owner_actor, kind="read_guide", topic=guide),
        services.checklist_item_add(actor=owner_actor, kind="reply"),
    ]
