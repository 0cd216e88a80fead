"""Nominees are asked, candidates hear their result, a recalled moderator is told."""

from datetime import timedelta

import pytest

from hearth.elections import services
from hearth.elections.tests.conftest import cast, close, voter
from hearth.notifications import display, fanout
from hearth.notifications.models import Kind, Notification
from hearth.notifications.selectors import target_url
from hearth.testing.factories import actor_for

pytestmark = pytest.mark.django_db


def test_nominee_is_asked_and_candidates_hear_the_result(community, make_election, contest):
    election, (ana, ben, cleo), voters = contest
    cast(election, voters[0], [ana.pk, ben.pk])
    close(election)
    other = make_election(title="By-election")
    nina = voter(community, username="nina")
    services.candidate_nominate(actor=actor_for(voters[0], community), election=other,
                                username="nina")  # fmt: skip
    fanout.process(community, lag=timedelta(0))
    asked = Notification.objects.get(recipient=nina, kind=Kind.ELECTION)
    assert display.sentence(asked).endswith("nominated you in “By-election”: will you stand?")
    assert target_url(asked) == f"/c/garden/elections/{other.pk}/"
    outcomes = {
        n.recipient_id: n.data["outcome"]
        for n in Notification.objects.filter(kind=Kind.ELECTION, object_id=election.pk)
    }
    assert outcomes == {ana.user_id: "won", ben.user_id: "won", cleo.user_id: "lost"}
    # Replaying the events makes nothing twice.
    count = Notification.objects.count()
    fanout.process(community, lag=timedelta(0))
    assert Notification.objects.count() == count
