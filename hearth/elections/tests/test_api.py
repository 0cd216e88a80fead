"""Elections over the API: read-only elections and results, casting a ballot, denials."""

import pytest

from hearth.api.tests.test_resources import BASE, call, error, key
from hearth.elections.models import Ballot
from hearth.elections.tests.conftest import close, voter

pytestmark = pytest.mark.django_db


def test_list_detail_and_published_result(client, community, owner, contest):
    election, (ana, ben, _cleo), voters = contest
    token = key(owner, community)
    items = call(client, "get", f"{BASE}/elections", token).json()["items"]
    assert [(i["id"], i["status"], len(i["candidates"])) for i in items] == [
        (election.pk, "voting", 3)
    ]
    member_token = key(voters[0], community, kind="member", scopes=["read", "write"])
    body = {"choices": [ana.pk, ben.pk]}
    saved = call(client, "post", f"{BASE}/elections/{election.pk}/ballot", member_token, body)
    assert saved.status_code == 200, saved.content
    assert saved.json()["ballots"] == 1
    close(election)
    detail = call(client, "get", f"{BASE}/elections/{election.pk}", token).json()
    assert set(detail["result"]["winners"]) == {ana.pk, ben.pk}
    assert detail["ballots"] == 1
    # No answer names a voter.
    assert voters[0].username not in str(detail)


def test_ballot_denials_and_bad_input(client, community, owner, contest):
    election, (ana, _ben, _cleo), voters = contest
    path = f"{BASE}/elections/{election.pk}/ballot"
    member_token = key(voters[0], community, kind="member", scopes=["read", "write"])
    error(call(client, "post", path, member_token, {"choices": [123456]}), 422)
    error(call(client, "post", path, member_token, {"choices": "ana"}), 422)
    late = voter(community, level=4)
    late_token = key(late, community, kind="member", scopes=["read", "write"])
    error(call(client, "post", path, late_token, {"choices": [ana.pk]}), 403)
    community_token = key(owner, community)
    error(call(client, "post", path, community_token, {"choices": [ana.pk]}), 403)
    error(call(client, "get", f"{BASE}/elections/999999", community_token), 404)
    close(election)
    error(call(client, "post", path, member_token, {"choices": [ana.pk]}), 403)
    assert not Ballot.objects.exists()


def test_list_query_count_is_flat(client, community, owner, make_election,
                                  django_assert_max_num_queries):  # fmt: skip
    token = key(owner, community)
    make_election()
    call(client, "get", f"{BASE}/elections", token)  # the key's lookups are cached after
    with django_assert_max_num_queries(30) as one:
        call(client, "get", f"{BASE}/elections", token)
    for i in range(4):
        make_election(title=f"Election {i}")
    with django_assert_max_num_queries(30) as five:
        call(client, "get", f"{BASE}/elections", token)
    assert len(five.captured_queries) == len(one.captured_queries)
