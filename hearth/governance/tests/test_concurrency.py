"""One member's ballots racing each other, and a ballot racing the close, on PostgreSQL
(SQLite serialises writers anyway; the unique constraint still holds there)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection

from hearth.governance import services
from hearth.governance.models import Ballot, ProposalStatus
from hearth.testing.concurrency import race
from hearth.testing.factories import actor_for


@pytest.mark.django_db(transaction=True)
def test_two_votes_at_once_by_one_member_make_one_ballot(community, make_proposal, voters):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the lock matters on PostgreSQL")
    proposal = make_proposal()
    voter = voters[0]

    def cast(choice):
        return lambda: services.ballot_cast(
            actor=actor_for(voter, community), proposal=proposal, choice=choice
        )

    for _round in range(5):
        assert race([cast("yes"), cast("no"), cast("abstain"), cast("yes")]) == []
        assert Ballot.objects.cast().filter(proposal=proposal).count() == 1

    # Several members at once: one ballot each.
    def cast_yes(user):
        return lambda: services.ballot_cast(
            actor=actor_for(user, community), proposal=proposal, choice="yes"
        )

    others = [cast_yes(u) for u in voters[1:] for _ in range(3)]
    assert race(others) == []
    assert Ballot.objects.cast().filter(proposal=proposal).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_ballot_racing_the_close_is_counted_or_refused_never_lost(
    community, make_proposal, voters
):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the lock matters on PostgreSQL")
    proposal = make_proposal()
    services.ballot_cast(actor=actor_for(voters[0], community), proposal=proposal, choice="yes")
    with time_machine.travel(proposal.closes_at - timedelta(seconds=2), tick=True):
        errors = race([
            lambda: services.ballot_cast(
                actor=actor_for(voters[1], community), proposal=proposal, choice="no"),
            lambda: services.proposal_close(proposal.pk, now=proposal.closes_at),
        ])  # fmt: skip
    proposal.refresh_from_db()
    assert proposal.status != ProposalStatus.OPEN
    # Whatever the order, the published tally is the stored ballots.
    recount = services.count_ballots(proposal)
    assert (proposal.yes_count, proposal.no_count) == (recount.yes, recount.no)
    assert len(errors) <= 1
