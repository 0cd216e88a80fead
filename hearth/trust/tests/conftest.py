import pytest

from hearth.testing.factories import actor_for, membership_factory, user_factory


@pytest.fixture
def at_level(community):
    """at_level(n) -> the Actor of a fresh active member at trust level n."""
    counter = iter(range(1000))

    def make(level: int):
        user = user_factory(username=f"level{level}-{next(counter)}")
        membership_factory(community, user=user, trust_level=level)
        return actor_for(user, community)

    return make


@pytest.fixture
def actor_named(community, at_level, actor_of):
    """Capability rows name a level ("tl0".."tl4") or a staff persona."""

    def get(name: str):
        if name.startswith("tl"):
            return at_level(int(name[2:]))
        return actor_of(name)

    return get
