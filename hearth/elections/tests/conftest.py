from datetime import timedelta

import pytest
from django.utils import timezone

from hearth.communities.models import Membership
from hearth.elections import lifecycle, services
from hearth.elections.models import Election
from hearth.testing.factories import actor_for, membership_factory, user_factory


def voter(community, *, level=2, days=90, username=None, **fields):
    """A member at ``level`` who joined ``days`` ago (eligible under the defaults below)."""
    return membership_factory(
        community,
        user=user_factory(username=username),
        trust_level=level,
        joined_at=timezone.now() - timedelta(days=days),
        **fields,
    ).user


def election_fields(**overrides) -> dict:
    fields = {
        "title": "Spring moderator election", "seats": 2, "term_days": 90,
        "method": "approval", "nomination_days": 7, "voting_days": 7,
        "voter_min_trust_level": 1, "voter_min_member_days": 10,
        "candidate_min_trust_level": 2, "candidate_min_member_days": 30,
        "recall_percent": 50,
    }  # fmt: skip
    fields.update(overrides)
    return fields


@pytest.fixture
def staff_actor(community, owner):
    Membership.objects.filter(community=community, user=owner).update(
        joined_at=timezone.now() - timedelta(days=365)
    )
    return actor_for(owner, community)


@pytest.fixture
def make_election(staff_actor):
    def make(**overrides) -> Election:
        return services.election_create(actor=staff_actor, **election_fields(**overrides))

    return make


def stand(election, user):
    """``user`` nominates themselves (so they stand at once)."""
    return services.candidate_nominate(
        actor=actor_for(user, election.community), election=election, username=user.username
    )


def open_voting(election) -> Election:
    """Run the worker's step at the end of nominations."""
    lifecycle.election_advance(election.pk, now=election.nominations_end_at)
    election.refresh_from_db()
    return election


def close(election) -> Election:
    election.refresh_from_db()
    lifecycle.election_advance(election.pk, now=election.voting_closes_at)
    election.refresh_from_db()
    return election


def cast(election, user, choices):
    return services.ballot_cast(
        actor=actor_for(user, election.community), election=election, choices=choices
    )


@pytest.fixture
def contest(community, make_election):
    """An approval election for two seats with three standing candidates and five voters,
    voting open."""
    election = make_election()
    ana, ben, cleo = (voter(community, username=n) for n in ("ana", "ben", "cleo"))
    candidates = [stand(election, u) for u in (ana, ben, cleo)]
    voters = [voter(community, level=1) for _ in range(5)]
    return open_voting(election), candidates, voters
