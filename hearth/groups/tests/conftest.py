"""Groups fixtures: one community (the shared personas) with a public, a private and a
secret group. Gina owns all three; Gus is a plain member of each; Mel (the shared
``member`` persona) is in none; Mona is a community moderator (staff)."""

import pytest

from hearth.discussions import services as discussion_services
from hearth.groups import services
from hearth.groups.models import GroupSettings, JoinPolicy, Visibility
from hearth.testing.factories import actor_for, membership_factory, user_factory

SECRET_WORD = "zucchinifestival"


@pytest.fixture
def gina(community):
    return membership_factory(community, user=user_factory(username="gina"), trust_level=2).user


@pytest.fixture
def gus(community):
    return membership_factory(community, user=user_factory(username="gus"), trust_level=1).user


@pytest.fixture
def group_settings(community):
    return GroupSettings.objects.create(community=community, create_trust_level=2)


def _group(community, owner, gus, name, visibility, join_policy=JoinPolicy.INVITE):
    group = services.group_create(
        actor=actor_for(owner, community), name=name, visibility=visibility,
        join_policy=join_policy, description=f"About **{name}**",
    )  # fmt: skip
    invitation = services.group_invite(
        actor=actor_for(owner, community), group=group, username=gus.username
    )
    services.group_join(actor=actor_for(gus, community), group=invitation.group)
    group.refresh_from_db()
    return group


@pytest.fixture
def public_group(community, gina, gus, group_settings):
    return _group(community, gina, gus, "Seed swappers", Visibility.PUBLIC, JoinPolicy.OPEN)


@pytest.fixture
def private_group(community, gina, gus, group_settings):
    return _group(community, gina, gus, "Beta testers", Visibility.PRIVATE, JoinPolicy.REQUEST)


@pytest.fixture
def secret_group(community, gina, gus, group_settings):
    return _group(community, gina, gus, "Berlin plotters", Visibility.SECRET)


def group_topic(group, author, title, body=f"All about the {SECRET_WORD}"):
    category = group.categories.get()
    return discussion_services.topic_create(
        actor=actor_for(author, group.community), category=category, title=title, body=body
    )


@pytest.fixture
def private_topic(private_group, gus):
    return group_topic(private_group, gus, "Private beta plans")


@pytest.fixture
def secret_topic(secret_group, gus):
    return group_topic(secret_group, gus, "Secret plot plans")


@pytest.fixture
def public_group_topic(public_group, gus):
    return group_topic(public_group, gus, "Public seed swap", body="Seeds for everyone")
