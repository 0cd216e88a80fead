"""The demo holds a finished election with its published count and elected moderators."""

import pytest

from hearth.communities.models import Membership, Role
from hearth.demo import build_demo
from hearth.elections import lifecycle
from hearth.elections.models import Election, ElectionStatus, Mandate


@pytest.mark.django_db
def test_demo_has_a_finished_election():
    lumen = build_demo(members=40, days=60, seed=5)
    election = Election.objects.get(community=lumen)
    assert election.status == ElectionStatus.CLOSED
    assert election.ballot_count > 0 and len(election.result["winners"]) == 2
    assert lifecycle.recount(election) == election.result
    assert not election.result["tie_broken_by_lot"]
    for mandate in Mandate.objects.filter(election=election):
        assert mandate.is_current
        assert Membership.objects.get(community=lumen, user=mandate.user).role == Role.MODERATOR
