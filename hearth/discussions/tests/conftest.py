import pytest

from hearth.discussions import services
from hearth.discussions.models import ReadAccess
from hearth.testing.factories import actor_for


@pytest.fixture
def members_only(community, owner):
    return services.category_create(
        actor=actor_for(owner, community), name="Members lounge", read_access=ReadAccess.MEMBERS
    )


@pytest.fixture
def staff_room(community, owner):
    return services.category_create(
        actor=actor_for(owner, community), name="Staff room", read_access=ReadAccess.STAFF
    )


@pytest.fixture
def topic(community, member, general):
    return services.topic_create(
        actor=actor_for(member, community),
        category=general,
        title="Hello garden",
        body="First post",
    )
