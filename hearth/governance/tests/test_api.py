"""Governance over the API: the rules history and proposals (read-only), and a ballot."""

from datetime import timedelta

import pytest
import time_machine

from hearth.api.tests.test_resources import BASE, call, error
from hearth.communities.models import Visibility
from hearth.governance import services
from hearth.governance.models import Ballot
from hearth.testing.factories import actor_for, community_factory

pytestmark = pytest.mark.django_db


def test_history_and_proposals_read_as_for_the_pages(
    client, community, make_proposal, voters, outsider
):
    client.force_login(outsider)  # a public community: anyone signed in reads it
    proposal = make_proposal()
    for user in voters:
        services.ballot_cast(actor=actor_for(user, community), proposal=proposal, choice="yes")
    listed = call(client, "get", f"{BASE}/proposals").json()["items"]
    assert [(p["id"], p["status"], p["ballots"], p["tally"]) for p in listed] == [
        (proposal.pk, "open", 3, None)
    ]
    with time_machine.travel(proposal.closes_at + timedelta(minutes=1), tick=False):
        services.proposal_close(proposal.pk)
    detail = call(client, "get", f"{BASE}/proposals/{proposal.pk}").json()
    assert detail["tally"] == {"yes": 3, "no": 0, "abstain": 0, "ballots": 3, "electorate": 4}
    assert detail["rules_version"] == 2 and detail["can_vote"] is False
    history = call(client, "get", f"{BASE}/rules/history").json()["items"]
    assert [(v["version"], v["adopted_by"], v["proposal_id"]) for v in history] == [
        (2, "vote", proposal.pk), (1, "creation", None)
    ]  # fmt: skip
    assert history[0]["tally"]["yes"] == 3
    # Nothing anywhere says who voted how.
    for body in (str(listed), str(detail), str(history)):
        assert "voter" not in body and voters[0].username not in body


def test_casting_and_changing_a_ballot(client, community, make_proposal, voters):
    proposal = make_proposal()
    client.force_login(voters[0])
    path = f"{BASE}/proposals/{proposal.pk}/vote"
    first = call(client, "put", path, body={"choice": "yes"})
    assert first.status_code == 200, first.content
    assert first.json() == {"first_ballot": True, "ballots": 1, "electorate": 4}
    assert call(client, "put", path, body={"choice": "no"}).json()["first_ballot"] is False
    assert Ballot.objects.cast().get().choice == "no"
    mine = call(client, "get", f"{BASE}/proposals/{proposal.pk}").json()
    assert mine["has_voted"] is True and mine["can_vote"] is True


@pytest.mark.parametrize("body", [{"choice": "maybe"}, {}, {"choice": "yes", "extra": 1}])
def test_a_bad_ballot_is_422(client, community, make_proposal, voters, body):
    proposal = make_proposal()
    client.force_login(voters[0])
    error(call(client, "put", f"{BASE}/proposals/{proposal.pk}/vote", body=body), 422)


def test_denials_are_403_with_the_reason(client, community, make_proposal, voters, make_voter):
    proposal = make_proposal()
    client.force_login(make_voter())  # joined after the opening
    path = f"{BASE}/proposals/{proposal.pk}/vote"
    assert (
        "when this proposal opened"
        in error(call(client, "put", path, body={"choice": "yes"}), 403)["message"]
    )
    client.force_login(voters[0])
    with time_machine.travel(proposal.closes_at, tick=False):
        assert "closed" in error(call(client, "put", path, body={"choice": "yes"}), 403)["message"]
    client.logout()
    error(call(client, "put", path, body={"choice": "yes"}), 401)


def test_private_and_unknown_are_404(client, owner, outsider, community):
    community_factory(owner=owner, slug="secret", visibility=Visibility.PRIVATE)
    client.force_login(outsider)
    assert call(client, "get", "/api/v1/communities/secret/rules/history").status_code == 404
    assert call(client, "get", "/api/v1/communities/secret/proposals").status_code == 404
    error(call(client, "get", f"{BASE}/proposals/999999"), 404)
    assert call(client, "get", f"{BASE}/proposals/0").status_code == 422
