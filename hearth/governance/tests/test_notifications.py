from datetime import timedelta

import pytest
import time_machine

from hearth.governance import services
from hearth.notifications import fanout
from hearth.notifications.display import sentence
from hearth.notifications.models import Kind, Notification
from hearth.notifications.selectors import target_url
from hearth.testing.factories import actor_for

pytestmark = pytest.mark.django_db


def test_the_electorate_hears_when_a_proposal_opens_and_when_it_is_decided(
    community, make_proposal, proposer, voters, make_voter
):
    outsider_to_the_vote = make_voter(trust_level=0)
    proposal = make_proposal()
    fanout.process(community, lag=timedelta(0))
    opened = Notification.objects.filter(kind=Kind.PROPOSAL)
    # Not the proposer (they opened it), nor a member who may not vote.
    assert set(opened.values_list("recipient_id", flat=True)) == {v.pk for v in voters}
    note = opened.select_related("community").first()
    assert sentence(note) == "A rules proposal is open for your vote: “Credit photographers”"
    assert target_url(note) == f"/c/{community.slug}/rules/proposals/{proposal.pk}/"

    for user in voters:
        services.ballot_cast(actor=actor_for(user, community), proposal=proposal, choice="yes")
    with time_machine.travel(proposal.closes_at + timedelta(minutes=1), tick=False):
        services.proposal_close(proposal.pk)
    with time_machine.travel(proposal.closes_at + timedelta(minutes=2), tick=False):
        fanout.process(community, lag=timedelta(0))
    decided = Notification.objects.filter(kind=Kind.PROPOSAL, data__verb="proposal.close")
    assert set(decided.values_list("recipient_id", flat=True)) == {
        proposer.pk,
        *(v.pk for v in voters),
    }
    assert sentence(decided.select_related("community").first()) == (
        "“Credit photographers” is adopted (3 yes, 0 no): the rules have changed"
    )
    assert not Notification.objects.filter(recipient=outsider_to_the_vote).exists()
    # Adopted at the close: no second notification for the adoption itself.
    assert not Notification.objects.filter(data__verb="proposal.adopt").exists()
