"""Elections end to end through the services and the worker's steps: nominations,
ballots, the close and its published count, seats for the term and their end."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hearth.communities.models import Membership, Role, StaffAction
from hearth.communities.services import membership_set_role
from hearth.core.models import InteractionEvent
from hearth.elections import lifecycle, selectors, services, tasks
from hearth.elections.models import (
    Ballot,
    CandidateStatus,
    ElectionStatus,
    Elector,
    Mandate,
)
from hearth.elections.tests.conftest import cast, close, open_voting, stand, voter
from hearth.testing.factories import actor_for

pytestmark = pytest.mark.django_db


def role_of(community, user) -> str:
    return Membership.objects.get(community=community, user=user).role


@pytest.mark.parametrize(
    "field, value",
    [("seats", 0), ("seats", -1), ("term_days", 0), ("term_days", -5), ("voting_days", 0),
     ("nomination_days", 0), ("recall_percent", 0), ("recall_percent", 101),
     ("voter_min_trust_level", 5), ("method", "plurality"), ("title", "  ")],
)  # fmt: skip
def test_bad_settings_are_refused_with_a_message(make_election, field, value):
    with pytest.raises(ValidationError) as caught:
        make_election(**{field: value})
    assert field in caught.value.message_dict


def test_approval_election_from_nominations_to_the_end_of_the_term(community, contest):
    election, (ana, ben, cleo), voters = contest
    assert election.status == ElectionStatus.VOTING
    assert election.electorate_size == Elector.objects.filter(election=election).count()
    assert sorted(election.lot) == sorted(c.pk for c in (ana, ben, cleo))
    for user, choices in zip(voters, [[ana, ben], [ana], [ben, cleo], [ana, cleo], [ben]],
                             strict=True):  # fmt: skip
        cast(election, user, [c.pk for c in choices])
    assert selectors.turnout(election) == (5, election.electorate_size)
    election = close(election)
    assert election.status == ElectionStatus.CLOSED
    assert set(election.result["winners"]) == {ana.pk, ben.pk}
    assert {r["candidate"]: r["votes"] for r in election.result["tally"]} == {
        ana.pk: 3,
        ben.pk: 3,
        cleo.pk: 2,
    }
    # The published count is what the stored ballots give.
    assert lifecycle.recount(election) == election.result
    assert role_of(community, ana.user) == Role.MODERATOR
    assert role_of(community, ben.user) == Role.MODERATOR
    assert role_of(community, cleo.user) == Role.MEMBER
    assert StaffAction.objects.filter(community=community, action="election.seat").count() == 2
    verbs = set(InteractionEvent.objects.filter(community=community).values_list("verb", flat=True))
    assert {"election.open", "election.nominate", "election.voting", "election.vote",
            "election.close", "member.role_change"} <= verbs  # fmt: skip

    # The close ran once: running the step again changes nothing.
    assert lifecycle.election_advance(election.pk, now=election.voting_closes_at) == ""
    assert Mandate.objects.filter(election=election).count() == 2

    lifecycle.election_advance(election.pk, now=election.term_ends_at)
    assert role_of(community, ana.user) == Role.MEMBER
    assert role_of(community, ben.user) == Role.MEMBER
    assert StaffAction.objects.filter(action="election.term_end").count() == 2


def test_ranked_election_publishes_its_rounds(community, make_election):
    election = make_election(method="stv", seats=2)
    ana, ben, cleo = (stand(election, voter(community, username=n)) for n in ("ana", "ben", "cleo"))
    rankings = [[ana, cleo], [ana, cleo], [ana, ben], [ben], [cleo, ben], [cleo]]
    voters = [voter(community, level=1) for _ in rankings]
    election = open_voting(election)
    for user, ranking in zip(voters, rankings, strict=True):
        cast(election, user, [c.pk for c in ranking])
    election = close(election)
    # Quota 3: Ana has it at once; Ben is excluded; Cleo is the last one left.
    assert election.result["quota"] == 3
    assert election.result["winners"] == [ana.pk, cleo.pk]
    assert [r["elected"] or r["excluded"] for r in election.result["rounds"]] == [
        [ana.pk],
        [ben.pk],
        [cleo.pk],
    ]
    assert lifecycle.recount(election) == election.result
    assert role_of(community, cleo.user) == Role.MODERATOR


def test_members_who_join_after_voting_opens_cannot_vote(community, contest):
    election, (ana, _ben, _cleo), _voters = contest
    late = voter(community, level=4, days=400)  # eligible by the rules, but not on the list
    with pytest.raises(PermissionDenied, match="electorate"):
        cast(election, late, [ana.pk])


def test_a_ballot_is_changed_not_doubled(contest):
    election, (ana, ben, _cleo), voters = contest
    cast(election, voters[0], [ana.pk])
    cast(election, voters[0], [ben.pk])
    ballots = Ballot.objects.filter(election=election)
    assert list(ballots.values_list("choices", flat=True)) == [[ben.pk]]
    assert InteractionEvent.objects.filter(verb="election.vote").count() == 1


@pytest.mark.parametrize(
    "choices, message",
    [([], "at least one"), ([999999], "only candidates"), (["x"], "only candidates")],
)
def test_bad_ballots_are_refused(contest, choices, message):
    election, _candidates, voters = contest
    with pytest.raises(ValidationError, match=message):
        cast(election, voters[0], choices)


def test_no_ballot_after_the_close_even_when_the_close_is_late(contest):
    election, (ana, _ben, _cleo), voters = contest
    with (
        time_machine.travel(election.voting_closes_at + timedelta(seconds=1)),
        pytest.raises(PermissionDenied, match="Voting is closed"),
    ):
        cast(election, voters[0], [ana.pk])
    election = close(election)
    with pytest.raises(PermissionDenied, match="Voting is closed"):
        cast(election, voters[1], [ana.pk])


def test_a_nominee_who_did_not_accept_is_never_on_the_ballot(community, make_election):
    election = make_election(seats=1)
    nominator = voter(community)
    shy, keen = voter(community, username="shy"), voter(community, username="keen")
    invited = services.candidate_nominate(
        actor=actor_for(nominator, community), election=election, username="shy"
    )
    assert invited.status == CandidateStatus.INVITED
    assert InteractionEvent.objects.filter(verb="election.nominate", target_user=shy).exists()
    keen_candidate = stand(election, keen)
    election = open_voting(election)
    assert election.lot == [keen_candidate.pk]
    with pytest.raises(ValidationError, match="only candidates"):
        cast(election, nominator, [invited.pk])
    # Nor can they accept once nominations have closed.
    with pytest.raises(PermissionDenied, match="Nominations are closed"):
        services.candidate_answer(actor=actor_for(shy, community), candidate=invited, accept=True)


def test_more_seats_than_candidates_stalls_until_staff_extend(community, make_election,
                                                              staff_actor):  # fmt: skip
    election = make_election(seats=2)
    stand(election, voter(community))
    assert lifecycle.election_advance(election.pk, now=election.nominations_end_at) == "stalled"
    election.refresh_from_db()
    assert election.status == ElectionStatus.NOMINATING and election.stalled_at
    assert StaffAction.objects.filter(action="election.stalled").exists()
    # The catch-up leaves a stalled election alone.
    assert election.pk not in lifecycle.due_elections(election.nominations_end_at)
    election = services.election_extend(actor=staff_actor, election=election, days=3)
    assert election.stalled_at is None
    stand(election, voter(community))
    election = open_voting(election)
    assert election.status == ElectionStatus.VOTING


def test_staff_can_cancel_a_stalled_election(community, make_election, staff_actor):
    election = make_election(seats=3)
    lifecycle.election_advance(election.pk, now=election.nominations_end_at)
    election = services.election_cancel(actor=staff_actor, election=election, reason="No one")
    assert election.status == ElectionStatus.CANCELLED
    with pytest.raises(PermissionDenied):
        services.election_extend(actor=staff_actor, election=election, days=3)


def test_statement_is_rendered_and_escaped(community, make_election):
    election = make_election()
    me = voter(community)
    candidate = stand(election, me)
    candidate = services.candidate_statement(
        actor=actor_for(me, community), candidate=candidate,
        statement="I **care**. <script>alert(1)</script>",
    )  # fmt: skip
    assert "<strong>care</strong>" in candidate.statement_html
    assert "<script>" not in candidate.statement_html
    other = voter(community)
    with pytest.raises(PermissionDenied):
        services.candidate_statement(actor=actor_for(other, community), candidate=candidate,
                                     statement="Hijack")  # fmt: skip


def test_staff_appointed_admins_and_moderators_keep_their_role(community, make_election,
                                                               staff_actor, admin):  # fmt: skip
    Membership.objects.filter(community=community, user=admin).update(
        trust_level=3, joined_at=timezone.now() - timedelta(days=100)
    )
    appointed = voter(community)
    membership_set_role(actor=staff_actor,
                        membership=Membership.objects.get(community=community, user=appointed),
                        role=Role.MODERATOR)  # fmt: skip
    election = make_election(seats=2)
    stand(election, admin)
    stand(election, appointed)
    someone = voter(community, level=1)
    election = open_voting(election)
    cast(election, someone, [election.lot[0]])
    election = close(election)
    assert Mandate.objects.filter(election=election, granted_role=False).count() == 2
    lifecycle.election_advance(election.pk, now=election.term_ends_at)
    assert role_of(community, admin) == Role.ADMIN
    assert role_of(community, appointed) == Role.MODERATOR


def test_staff_taking_over_a_seat_holder_s_role_keeps_it_after_the_term(community, contest,
                                                                        staff_actor):  # fmt: skip
    election, (ana, _ben, _cleo), voters = contest
    cast(election, voters[0], [ana.pk])
    election = close(election)
    assert role_of(community, ana.user) == Role.MODERATOR
    membership = Membership.objects.get(community=community, user=ana.user)
    membership_set_role(actor=staff_actor, membership=membership, role=Role.MEMBER)
    membership_set_role(actor=staff_actor, membership=membership, role=Role.MODERATOR)
    lifecycle.election_advance(election.pk, now=election.term_ends_at)
    assert role_of(community, ana.user) == Role.MODERATOR


def test_re_elected_moderators_stay_moderators(community, make_election):
    first = make_election(seats=1, term_days=30)
    ana = voter(community, username="ana")
    stand(first, ana)
    first = open_voting(first)
    first = close(first)
    assert role_of(community, ana) == Role.MODERATOR
    with time_machine.travel(first.term_ends_at - timedelta(days=10)):
        second = make_election(seats=1, term_days=30, nomination_days=1, voting_days=1)
        stand(second, ana)
        second = open_voting(second)
        second = close(second)
    assert Mandate.objects.get(election=second).granted_role is True
    lifecycle.election_advance(first.pk, now=first.term_ends_at)
    assert role_of(community, ana) == Role.MODERATOR
    lifecycle.election_advance(second.pk, now=second.term_ends_at)
    assert role_of(community, ana) == Role.MEMBER


def test_the_catch_up_closes_what_is_due_once(contest):
    election, (ana, _ben, _cleo), voters = contest
    cast(election, voters[0], [ana.pk])
    tasks.advance_due(election.voting_closes_at, "")
    tasks.advance_due(election.voting_closes_at, "")
    election.refresh_from_db()
    assert election.status == ElectionStatus.CLOSED
    assert InteractionEvent.objects.filter(verb="election.close").count() == 1


def test_vote_participation_rows(community, contest):
    election, (ana, _ben, _cleo), voters = contest
    cast(election, voters[0], [ana.pk])
    cast(election, voters[1], [ana.pk])
    election = close(election)
    rows = selectors.vote_participation(
        community, election.closed_at - timedelta(days=1), election.closed_at + timedelta(days=1)
    )
    assert [(r.kind, r.title, r.electorate, r.ballots) for r in rows] == [
        ("election", election.title, election.electorate_size, 2)
    ]
    assert rows[0].url == f"/c/garden/elections/{election.pk}/"
    assert (
        selectors.vote_participation(
            community,
            election.closed_at + timedelta(days=1),
            election.closed_at + timedelta(days=2),
        )
        == []
    )
