"""Every capability × trust level (0-4) and staff, asked through the apps' own policies
(what pages, API and services call)."""

import pytest

from hearth.communities import policy as community_policy
from hearth.discussions import policy as discussion_policy
from hearth.trust import policy
from hearth.trust.models import TrustSettings

WHO = ["tl0", "tl1", "tl2", "tl3", "tl4", "moderator", "admin", "owner"]


def _table(allowed_from: int, staff: bool = True):
    return [(who, int(who[2:]) >= allowed_from if who.startswith("tl") else staff) for who in WHO]


@pytest.mark.parametrize("who, allowed", _table(1))
def test_attach_images(actor_named, who, allowed):
    assert discussion_policy.can_attach_image(actor_named(who)) is allowed


@pytest.mark.parametrize("who, allowed", _table(1))
def test_three_links_in_a_post(actor_named, who, allowed):
    denial = discussion_policy.post_content_denial(actor_named(who), links=3, images=0, mentions=0)
    assert (denial is None) is allowed


@pytest.mark.parametrize("who, allowed", _table(1))
def test_two_images_in_a_post(actor_named, who, allowed):
    denial = discussion_policy.post_content_denial(actor_named(who), links=0, images=2, mentions=0)
    assert (denial is None) is allowed


@pytest.mark.parametrize("who, allowed", _table(1))
def test_three_mentions_in_a_post(actor_named, who, allowed):
    denial = discussion_policy.post_content_denial(actor_named(who), links=0, images=0, mentions=3)
    assert (denial is None) is allowed


@pytest.mark.parametrize("who", WHO)
def test_within_the_new_member_limits_everyone_may_post(actor_named, who):
    actor = actor_named(who)
    assert discussion_policy.post_content_denial(actor, links=2, images=1, mentions=2) is None


@pytest.mark.parametrize("who, limited", [(who, who == "tl0") for who in WHO])
def test_the_lower_daily_message_caps_are_for_new_members(actor_named, who, limited):
    """Conversations' daily caps ask this: only level 0 (never staff) get the lower caps."""
    assert policy.is_new_member(actor_named(who)) is limited


@pytest.mark.parametrize("who, allowed", _table(2))
def test_send_invites(actor_named, who, allowed):
    assert community_policy.can_create_invite(actor_named(who)) is allowed


@pytest.mark.parametrize("who, allowed", _table(3))
def test_retitle_and_recategorise(actor_named, topic, who, allowed):
    assert discussion_policy.can_edit_topic_details(actor_named(who), topic) is allowed


@pytest.mark.parametrize("who, allowed", _table(4))
def test_pin_close_move(actor_named, topic, who, allowed):
    assert discussion_policy.can_moderate_topic(actor_named(who), topic) is allowed


def test_the_limits_are_the_communitys(community, at_level):
    TrustSettings.objects.create(community=community, new_max_links=0)
    denial = policy.post_content_denial(at_level(0), links=1, images=0, mentions=0)
    assert denial == "New members cannot post links yet."


def test_members_invite_only_where_the_community_allows_it(community, at_level, actor_of):
    TrustSettings.objects.create(community=community, members_may_invite=False)
    assert not community_policy.can_create_invite(at_level(3))
    assert community_policy.can_create_invite(actor_of("moderator"))


@pytest.mark.parametrize("who", ["banned", "outsider", "anonymous"])
def test_non_members_unlock_nothing(actor_of, topic, who):
    actor = actor_of(who)
    assert not community_policy.can_create_invite(actor)
    assert not discussion_policy.can_edit_topic_details(actor, topic)
    assert not discussion_policy.can_moderate_topic(actor, topic)


def test_a_leader_who_has_not_accepted_new_rules_cannot_pin(community, at_level, topic):
    actor = at_level(4)
    community.rules_version += 1
    community.save(update_fields=["rules_version"])
    actor.community.rules_version = community.rules_version
    assert not discussion_policy.can_moderate_topic(actor, topic)
