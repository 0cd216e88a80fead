"""Personas shared by every test: one community with an owner, admin, moderator, member,
newcomer (trust level 0), a banned member, an outsider and an anonymous visitor."""

import pytest
from django.core.cache import cache

from hearth.communities.models import MembershipStatus, Role
from hearth.testing.factories import actor_for, community_factory, membership_factory, user_factory


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Uploads go to a temporary folder; rate-limit counters start from zero."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HEARTH_PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    cache.clear()


@pytest.fixture
def owner(db):
    return user_factory(username="olivia")


@pytest.fixture
def community(owner):
    return community_factory(owner=owner, slug="garden", name="Garden Club")


@pytest.fixture
def admin(community):
    return membership_factory(community, user=user_factory(username="adam"), role=Role.ADMIN).user


@pytest.fixture
def moderator(community):
    return membership_factory(
        community, user=user_factory(username="mona"), role=Role.MODERATOR
    ).user


@pytest.fixture
def member(community):
    return membership_factory(community, user=user_factory(username="mel"), trust_level=1).user


@pytest.fixture
def newcomer(community):
    return membership_factory(community, user=user_factory(username="nico"), trust_level=0).user


@pytest.fixture
def banned(community):
    return membership_factory(
        community,
        user=user_factory(username="bart"),
        status=MembershipStatus.BANNED,
        ban_reason="Spam in every category.",
    ).user


@pytest.fixture
def outsider(db):
    return user_factory(username="otto")


@pytest.fixture
def personas(owner, admin, moderator, member, newcomer, banned, outsider):
    return {
        "owner": owner,
        "admin": admin,
        "moderator": moderator,
        "member": member,
        "newcomer": newcomer,
        "banned": banned,
        "outsider": outsider,
        "anonymous": None,
    }


@pytest.fixture
def actor_of(community, personas):
    """actor_of("moderator") -> that persona's Actor in the shared community."""
    return lambda name: actor_for(personas[name], community)


@pytest.fixture
def general(community):
    """The "General" category every community starts with."""
    from hearth.discussions.models import Category

    return Category.objects.get(community=community, slug="general")


@pytest.fixture
def topic(community, member, general):
    """A topic started by the member persona in General."""
    from hearth.discussions import services

    return services.topic_create(
        actor=actor_for(member, community),
        category=general,
        title="Hello garden",
        body="First post",
    )
