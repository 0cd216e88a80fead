"""Who may do what, by role and by trust level (the election's rules: voters and
nominators from trust level 2, candidates from 3)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hearth.communities.models import Membership, MembershipStatus
from hearth.elections import policy, recalls, services
from hearth.elections.models import Mandate
from hearth.elections.tests.conftest import cast, close, open_voting, stand, voter
from hearth.testing.factories import actor_for

pytestmark = pytest.mark.django_db
LEVELS = [(0, False), (1, False), (2, True), (3, True), (4, True)]
RULES = {"voter_min_trust_level": 2, "candidate_min_trust_level": 3}


@pytest.mark.parametrize(
    "persona, allowed",
    [("owner", True), ("admin", True), ("moderator", False), ("member", False),
     ("newcomer", False), ("banned", False), ("outsider", False), ("anonymous", False)],
)  # fmt: skip
def test_who_may_open_an_election(actor_of, persona, allowed):
    assert policy.can_manage_elections(actor_of(persona)) is allowed


@pytest.mark.parametrize(
    "persona, allowed",
    [("owner", True), ("admin", True), ("moderator", False), ("member", False),
     ("outsider", False), ("anonymous", False)],
)  # fmt: skip
def test_who_may_extend_or_cancel(make_election, actor_of, persona, allowed):
    election = make_election()
    assert policy.can_change_election(actor_of(persona), election) is allowed
    if not allowed:
        with pytest.raises(PermissionDenied):
            services.election_cancel(actor=actor_of(persona), election=election)


@pytest.mark.parametrize("level, allowed", LEVELS)
def test_nominating_by_trust_level(community, make_election, level, allowed):
    election = make_election(**RULES)
    actor = actor_for(voter(community, level=level), community)
    assert policy.can_nominate(actor, election) is allowed


@pytest.mark.parametrize(
    "level, allowed", [(0, False), (1, False), (2, False), (3, True), (4, True)]
)
def test_standing_by_trust_level(community, make_election, level, allowed):
    election = make_election(**RULES)
    nominator, nominee = voter(community, level=4), voter(community, level=level)
    if allowed:
        candidate = services.candidate_nominate(
            actor=actor_for(nominator, community), election=election, username=nominee.username
        )
        services.candidate_answer(actor=actor_for(nominee, community), candidate=candidate,
                                  accept=True)  # fmt: skip
    else:
        with pytest.raises(ValidationError, match="cannot stand"):
            services.candidate_nominate(
                actor=actor_for(nominator, community), election=election,
                username=nominee.username,
            )  # fmt: skip


@pytest.mark.parametrize("level, allowed", LEVELS)
def test_voting_by_trust_level_at_the_opening(community, make_election, level, allowed):
    election = make_election(seats=1, **RULES)
    stand(election, voter(community, level=3))
    member = voter(community, level=level)
    election = open_voting(election)
    actor = actor_for(member, community)
    assert policy.can_vote(actor, election) is allowed
    if not allowed:
        with pytest.raises(PermissionDenied, match="electorate"):
            cast(election, member, [election.lot[0]])


@pytest.mark.parametrize("level, allowed", LEVELS)
def test_starting_and_signing_a_recall_by_trust_level(community, make_election, level, allowed):
    election = make_election(seats=1, recall_percent=100, **RULES)
    moderator = voter(community, level=3)
    stand(election, moderator)
    someone = voter(community, level=2)
    election = open_voting(election)
    cast(election, someone, [election.lot[0]])
    close(election)
    mandate = Mandate.objects.get(election=election)
    starter = voter(community, level=4)
    recall = recalls.recall_start(actor=actor_for(starter, community), mandate=mandate,
                                  reason="Absent for months.")  # fmt: skip
    actor = actor_for(voter(community, level=level), community)
    assert policy.can_start_recall(actor, mandate) is False  # one recall at a time
    assert policy.can_sign_recall(actor, recall) is allowed


@pytest.mark.parametrize(
    "persona", ["owner", "admin", "moderator", "member", "newcomer", "outsider", "anonymous"]
)
def test_a_public_communitys_elections_are_public(make_election, actor_of, persona):
    from hearth.elections import selectors

    election = make_election()
    assert selectors.election_for(actor_of(persona), election.pk) == election


def test_a_suspended_or_banned_elector_cannot_vote(contest):
    election, candidates, voters = contest
    suspended, banned = voters[0], voters[1]
    community = election.community
    Membership.objects.filter(community=community, user=suspended).update(
        suspended_until=timezone.now() + timedelta(days=3)
    )
    Membership.objects.filter(community=community, user=banned).update(
        status=MembershipStatus.BANNED
    )
    for user in (suspended, banned):
        with pytest.raises(PermissionDenied, match="Suspended and removed"):
            cast(election, user, [candidates[0].pk])
