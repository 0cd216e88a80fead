import pytest

from hearth.discussions import services as discussion_services
from hearth.testing.factories import actor_for


@pytest.fixture
def support(community, owner):
    return discussion_services.category_create(
        actor=actor_for(owner, community), name="Support", kind="questions"
    )


@pytest.fixture
def question(community, newcomer, support):
    return discussion_services.topic_create(
        actor=actor_for(newcomer, community),
        category=support,
        title="How do I reset my camera?",
        body="Help!",
    )
