"""Who may do what, as tables: every action for every persona, and for every trust level."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hearth.communities.models import MembershipStatus, Visibility
from hearth.governance import policy, services
from hearth.governance.models import GovernanceSettings, ProposalStatus
from hearth.testing.factories import actor_for, community_factory, membership_factory

from .conftest import enable

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "persona, allowed",
    [
        ("owner", True), ("admin", True), ("moderator", False), ("member", False),
        ("newcomer", False), ("banned", False), ("outsider", False), ("anonymous", False),
    ],
)  # fmt: skip
def test_only_owners_and_admins_set_the_rules_of_voting(actor_of, persona, allowed):
    assert policy.can_manage_settings(actor_of(persona)) is allowed


@pytest.mark.parametrize(
    "persona, allowed",
    [
        # Staff propose at any level; the member (level 1) and newcomer (0) are below 2.
        ("owner", True), ("admin", True), ("moderator", True), ("member", False),
        ("newcomer", False), ("banned", False), ("outsider", False), ("anonymous", False),
    ],
)  # fmt: skip
def test_who_may_propose(community, actor_of, persona, allowed):
    settings = enable(community, propose_trust_level=2)
    assert policy.can_propose(actor_of(persona), settings) is allowed


@pytest.mark.parametrize("level", range(5))
@pytest.mark.parametrize("needed", [0, 2, 4])
def test_members_propose_from_the_trust_level_set(community, make_voter, level, needed):
    settings = enable(community, propose_trust_level=needed)
    actor = actor_for(make_voter(trust_level=level), community)
    assert policy.can_propose(actor, settings) is (level >= needed)


@pytest.mark.parametrize("level", range(5))
def test_nobody_proposes_when_proposals_are_off(community, make_voter, level):
    settings = GovernanceSettings(community=community, proposals_enabled=False)
    actor = actor_for(make_voter(trust_level=level), community)
    assert "does not take rules proposals" in policy.propose_denial(actor, settings)


def test_one_open_proposal_per_member(community, governed, proposer):
    actor = actor_for(proposer, community)
    assert "already have a proposal" in policy.propose_denial(
        actor, governed, has_open_proposal=True
    )


@pytest.mark.parametrize("level", range(5))
def test_who_votes_is_the_trust_level_at_the_opening(community, make_voter, proposer, level):
    enable(community, vote_trust_level=2)
    voter = make_voter(trust_level=level)
    proposal = services.proposal_create(
        actor=actor_for(proposer, community), title="T", reason="R", text="1. New rules."
    )
    actor = actor_for(voter, community)
    elector = services.is_elector(proposal, voter)
    assert elector is (level >= 2)
    assert policy.can_vote(actor, proposal, is_elector=elector) is (level >= 2)


@pytest.mark.parametrize(
    "persona, allowed",
    [
        ("owner", False),  # joined today: under the 7 days of membership
        ("admin", False), ("moderator", False), ("member", False), ("newcomer", False),
        ("banned", False), ("outsider", False), ("anonymous", False),
    ],
)  # fmt: skip
def test_personas_who_joined_today_do_not_vote(make_proposal, actor_of, persona, allowed):
    proposal = make_proposal()
    actor = actor_of(persona)
    elector = services.is_elector(proposal, actor.user)
    assert policy.can_vote(actor, proposal, is_elector=elector) is allowed


@pytest.mark.parametrize(
    "persona, allowed",
    [
        ("owner", True), ("admin", False), ("moderator", False), ("member", False),
        ("newcomer", False), ("banned", False), ("outsider", False), ("anonymous", False),
    ],
)  # fmt: skip
def test_only_the_owner_vetoes_in_the_window(make_proposal, actor_of, persona, allowed):
    proposal = make_proposal()
    proposal.status = ProposalStatus.AWAITING_VETO
    proposal.veto_until = timezone.now() + timedelta(days=1)
    assert policy.can_veto(actor_of(persona), proposal) is allowed
    proposal.veto_until = timezone.now() - timedelta(seconds=1)
    assert not policy.can_veto(actor_of(persona), proposal)


@pytest.mark.parametrize(
    "persona, private",
    [("owner", True), ("member", True), ("banned", False), ("outsider", False),
     ("anonymous", False)],
)  # fmt: skip
def test_the_history_is_as_visible_as_the_inside_of_the_community(
    community, personas, persona, private
):
    user = personas[persona]
    assert policy.can_view(actor_for(user, community))  # public: everyone
    secret = community_factory(owner=personas["owner"], visibility=Visibility.PRIVATE)
    if persona in ("member", "banned"):
        status = MembershipStatus.BANNED if persona == "banned" else MembershipStatus.ACTIVE
        membership_factory(secret, user=user, status=status)
    assert policy.can_view(actor_for(user, secret)) is private
