"""Two ballots of one member at the same moment make one ballot, on PostgreSQL (SQLite
serialises writers anyway)."""

import pytest
from django.db import connection

from hearth.elections.models import Ballot
from hearth.elections.tests.conftest import cast
from hearth.testing.concurrency import race


@pytest.mark.django_db(transaction=True)
def test_simultaneous_ballots_of_one_member_make_one(contest):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the lock matters on PostgreSQL")
    election, candidates, voters = contest
    me = voters[0]
    racers = [(lambda c=c: cast(election, me, [c.pk])) for c in candidates for _ in range(2)]
    assert race(racers) == []
    assert Ballot.objects.filter(election=election, voter=me).count() == 1
    assert Ballot.objects.filter(election=election).count() == 1
