import pytest

from hearth.communities.models import Membership
from hearth.discussions import services as discussion_services
from hearth.testing.factories import actor_for, membership_factory, user_factory


@pytest.fixture
def flaggers(community):
    """Three ordinary (trust level 1) members."""
    return [
        membership_factory(community, user=user_factory(username=f"flagger{i}"), trust_level=1).user
        for i in range(3)
    ]


@pytest.fixture
def leader(community):
    """A trust level 4 member (a community leader, not staff)."""
    return membership_factory(community, user=user_factory(username="lea"), trust_level=4).user


@pytest.fixture
def reply(community, topic, newcomer):
    """A reply by the newcomer in the member's topic: the post that gets flagged."""
    return discussion_services.post_reply(
        actor=actor_for(newcomer, community), topic=topic, body="Buy cheap seeds at example.com"
    )


@pytest.fixture
def membership_of(community):
    return lambda user: Membership.objects.get(community=community, user=user)
