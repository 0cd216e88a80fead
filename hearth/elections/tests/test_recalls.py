"""Recalls: the petition, the vote it opens, and what passing undoes."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from hearth.communities.models import Membership, Role, StaffAction
from hearth.elections import lifecycle, recalls
from hearth.elections.models import Mandate, MandateEnd, RecallElector, RecallStatus
from hearth.elections.tests.conftest import cast, close, open_voting, stand, voter
from hearth.notifications import fanout
from hearth.notifications.models import Notification
from hearth.notifications.selectors import target_url
from hearth.testing.factories import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def seat(community, make_election):
    """Mo won the single seat of an election whose recall needs half the electorate."""
    election = make_election(seats=1, recall_percent=50)
    mo = voter(community, username="mo")
    stand(election, mo)
    members = [voter(community) for _ in range(5)]
    election = open_voting(election)
    cast(election, members[0], [election.lot[0]])
    close(election)
    return Mandate.objects.get(election=election), mo, members


def _start(community, user, mandate):
    return recalls.recall_start(actor=actor_for(user, community), mandate=mandate,
                                reason="Never answers flags.")  # fmt: skip


def test_a_recall_that_passes_returns_the_moderator_to_member(community, seat):
    mandate, mo, members = seat
    assert Membership.objects.get(community=community, user=mo).role == Role.MODERATOR
    recall = _start(community, members[0], mandate)
    # Eligible then: owner, mo and five members (7); half of them rounded up is 4.
    assert recall.signatures_needed == 4 and recall.status == RecallStatus.PETITION
    with pytest.raises(ValidationError, match="already signed"):
        recalls.recall_sign(actor=actor_for(members[0], community), recall=recall)
    for user in members[1:4]:
        recall = recalls.recall_sign(actor=actor_for(user, community), recall=recall)
    recall.refresh_from_db()
    assert recall.status == RecallStatus.VOTING
    electors = set(RecallElector.objects.filter(recall=recall).values_list("user_id", flat=True))
    assert mo.pk not in electors and members[4].pk in electors
    for user, remove in zip(members[:3], [True, True, False], strict=True):
        recalls.recall_ballot_cast(actor=actor_for(user, community), recall=recall, remove=remove)
    recalls.recall_ballot_cast(actor=actor_for(members[2], community), recall=recall, remove=True)
    assert recalls.recall_advance(recall.pk, now=recall.voting_closes_at) == "passed"
    assert recalls.recall_advance(recall.pk, now=recall.voting_closes_at) == ""
    recall.refresh_from_db()
    assert (recall.yes, recall.no) == (3, 0)
    mandate.refresh_from_db()
    assert mandate.end_reason == MandateEnd.RECALLED
    assert Membership.objects.get(community=community, user=mo).role == Role.MEMBER
    assert StaffAction.objects.filter(action="recall.removed", target_user=mo).exists()
    fanout.process(community, lag=timedelta(0))
    told = Notification.objects.get(recipient=mo, object_type="elections.recall")
    assert told.data["outcome"] == "recalled"
    assert target_url(told) == f"/c/garden/elections/recalls/{recall.pk}/"
    with pytest.raises(PermissionDenied, match="Voting is closed"):
        recalls.recall_ballot_cast(actor=actor_for(members[4], community), recall=recall,
                                   remove=True)  # fmt: skip


def test_a_recall_without_a_majority_fails(community, seat):
    mandate, mo, members = seat
    recall = _start(community, members[0], mandate)
    for user in members[1:4]:
        recalls.recall_sign(actor=actor_for(user, community), recall=recall)
    recall.refresh_from_db()
    for user, remove in zip(members[:2], [True, False], strict=True):
        recalls.recall_ballot_cast(actor=actor_for(user, community), recall=recall, remove=remove)
    assert recalls.recall_advance(recall.pk, now=recall.voting_closes_at) == "failed"
    assert Membership.objects.get(community=community, user=mo).role == Role.MODERATOR


def test_a_recall_of_a_term_that_has_ended_is_refused(community, seat):
    mandate, _mo, members = seat
    with (
        time_machine.travel(mandate.ends_at + timedelta(minutes=1)),
        pytest.raises(PermissionDenied, match="term has ended"),
    ):
        _start(community, members[0], mandate)
    lifecycle.election_advance(mandate.election_id, now=mandate.ends_at)
    mandate.refresh_from_db()
    with pytest.raises(PermissionDenied, match="term has ended"):
        _start(community, members[0], mandate)


def test_a_petition_lapses_when_the_term_ends(community, seat):
    mandate, _mo, members = seat
    recall = _start(community, members[0], mandate)
    lifecycle.election_advance(mandate.election_id, now=mandate.ends_at)
    recall.refresh_from_db()
    assert recall.status == RecallStatus.LAPSED
    with pytest.raises(PermissionDenied, match="term has ended"):
        recalls.recall_sign(actor=actor_for(members[1], community), recall=recall)


def test_the_moderator_cannot_recall_themselves(community, seat):
    mandate, mo, _members = seat
    with pytest.raises(PermissionDenied, match="yourself"):
        _start(community, mo, mandate)
