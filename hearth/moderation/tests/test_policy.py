import pytest

from hearth.communities.models import Membership
from hearth.moderation import policy
from hearth.moderation.models import SanctionKind
from hearth.testing.factories import actor_for


@pytest.mark.parametrize(
    "persona, allowed",
    [
        ("owner", True),
        ("admin", True),
        ("moderator", True),
        ("member", False),
        ("newcomer", False),
        ("banned", False),
        ("outsider", False),
        ("anonymous", False),
    ],
)
def test_review_queue_is_for_staff(actor_of, persona, allowed):
    assert policy.can_view_review_queue(actor_of(persona)) is allowed


def test_level_4_members_open_the_queue_but_see_only_flagged_posts(community, leader):
    actor = actor_for(leader, community)
    assert policy.can_view_review_queue(actor)
    assert not policy.sees_whole_queue(actor)


@pytest.mark.parametrize(
    "persona, target, allowed",
    [
        ("owner", "admin", True),
        ("owner", "moderator", True),
        ("admin", "moderator", True),
        ("admin", "member", True),
        ("admin", "admin2", False),
        ("admin", "owner", False),
        ("moderator", "member", True),
        ("moderator", "newcomer", True),
        ("moderator", "admin", False),
        ("moderator", "owner", False),
        ("moderator", "moderator", False),
        ("member", "newcomer", False),
    ],
)
def test_who_may_silence_whom(community, personas, actor_of, persona, target, allowed):
    from hearth.communities.models import Role
    from hearth.testing.factories import membership_factory, user_factory

    if target == "admin2":
        membership = membership_factory(community, user=user_factory(), role=Role.ADMIN)
    else:
        membership = Membership.objects.get(community=community, user=personas[target])
    assert policy.can_sanction(actor_of(persona), membership, SanctionKind.SILENCE) is allowed


def test_moderator_is_told_why_they_cannot_sanction_an_admin(community, admin, actor_of):
    membership = Membership.objects.get(community=community, user=admin)
    reason = policy.sanction_denial(actor_of("moderator"), membership, SanctionKind.SUSPEND)
    assert reason == "A moderator cannot sanction an admin, an owner or another moderator."


def test_nobody_sanctions_themself(community, owner, actor_of):
    membership = Membership.objects.get(community=community, user=owner)
    reason = policy.sanction_denial(actor_of("owner"), membership, SanctionKind.SILENCE)
    assert reason == "You cannot sanction yourself."
