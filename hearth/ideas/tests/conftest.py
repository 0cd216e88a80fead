import pytest

from hearth.discussions import services as discussion_services
from hearth.ideas.models import Idea
from hearth.testing.factories import actor_for


@pytest.fixture
def board(community, owner):
    return discussion_services.category_create(
        actor=actor_for(owner, community), name="Ideas", kind="ideas"
    )


@pytest.fixture
def idea(community, member, board):
    topic = discussion_services.topic_create(
        actor=actor_for(member, community),
        category=board,
        title="Dark mode for the app",
        body="Please!",
    )
    return Idea.objects.get(topic=topic)
