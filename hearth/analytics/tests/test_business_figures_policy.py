"""Who may see the business figures: owners and admins, and moderators given the analytics
permission; nobody else, whatever their role elsewhere."""

import pytest

from hearth.analytics import policy
from hearth.communities.models import Role
from hearth.testing.factories import (
    actor_for,
    community_factory,
    membership_factory,
    user_factory,
)

pytestmark = pytest.mark.django_db


def _actor(community, role, **fields):
    membership = membership_factory(community, role=role, **fields)
    return actor_for(membership.user, community)


def test_owners_admins_and_granted_moderators_see_business_figures():
    community = community_factory()
    assert policy.can_view_business_figures(_actor(community, Role.OWNER))
    assert policy.can_view_business_figures(_actor(community, Role.ADMIN))
    assert policy.can_view_business_figures(
        _actor(community, Role.MODERATOR, analytics_access=True)
    )


def test_others_do_not():
    community = community_factory()
    assert not policy.can_view_business_figures(_actor(community, Role.MODERATOR))
    assert not policy.can_view_business_figures(
        _actor(community, Role.MEMBER, analytics_access=True)
    )
    assert not policy.can_view_business_figures(actor_for(None, community))
    assert not policy.can_view_business_figures(actor_for(user_factory(), community))
    other_admin = membership_factory(community_factory(), role=Role.ADMIN)
    assert not policy.can_view_business_figures(actor_for(other_admin.user, community))
