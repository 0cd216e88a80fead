"""The electorate of a community vote: fixed at the opening by trust level, membership age
and standing; who may still cast a ballot afterwards."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hearth.communities import selectors
from hearth.communities.models import MembershipStatus
from hearth.testing.factories import community_factory, membership_factory, user_factory

pytestmark = pytest.mark.django_db


def _member(community, *, level=2, days=60, **fields):
    return membership_factory(
        community=community,
        user=user_factory(),
        trust_level=level,
        joined_at=timezone.now() - timedelta(days=days),
        **fields,
    )


def test_electorate_is_trusted_long_standing_members_in_good_standing():
    community = community_factory()
    now = timezone.now()
    voter = _member(community)
    _member(community, level=1)
    _member(community, days=10)
    _member(community, suspended_until=now + timedelta(days=3))
    _member(community, status=MembershipStatus.BANNED)
    _member(community, status=MembershipStatus.LEFT)
    _member(community_factory())
    was_suspended = _member(community, suspended_until=now - timedelta(days=1))

    got = selectors.electorate(community, min_trust_level=2, min_member_days=30, at=now)

    assert set(got.values_list("id", flat=True)) == {voter.id, was_suspended.id}


def test_electorate_is_as_of_the_opening():
    community = community_factory()
    opened = timezone.now() - timedelta(days=20)
    early = _member(community, days=40)
    _member(community, days=25)  # 5 days a member when the vote opened

    got = selectors.electorate(community, min_trust_level=0, min_member_days=10, at=opened)

    assert list(got.values_list("id", flat=True)) == [early.id]


def test_can_cast_vote_refuses_suspended_banned_and_departed_members():
    community = community_factory()
    now = timezone.now()
    assert selectors.can_cast_vote(_member(community))
    assert selectors.can_cast_vote(_member(community, silenced_until=now + timedelta(days=1)))
    assert not selectors.can_cast_vote(None)
    assert not selectors.can_cast_vote(_member(community, suspended_until=now + timedelta(days=1)))
    assert not selectors.can_cast_vote(_member(community, status=MembershipStatus.BANNED))
    assert not selectors.can_cast_vote(_member(community, status=MembershipStatus.LEFT))
