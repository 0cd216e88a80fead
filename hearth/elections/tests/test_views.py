"""The election pages: what each shows, forms with bad input, and who may not use them."""

import pytest
from django.urls import reverse

from hearth.communities.models import Role
from hearth.elections.models import Ballot, Candidate, CandidateStatus, Election
from hearth.elections.tests.conftest import cast, close, open_voting, stand, voter

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"elections:{name}", args=["garden", *args])


def test_list_is_public_and_invites_staff_to_open_one(client, community, owner):
    page = client.get(url("list"))
    assert page.status_code == 200
    assert b"No elections yet." in page.content and b"New election" not in page.content
    client.force_login(owner)
    assert b"Open the first election" in client.get(url("list")).content


def test_staff_open_an_election_and_bad_numbers_show_messages(client, community, owner):
    client.force_login(owner)
    form = {
        "title": "Autumn election", "description": "", "seats": "0", "term_days": "0",
        "method": "stv", "nomination_days": "7", "voting_days": "7",
        "voter_min_trust_level": "1", "voter_min_member_days": "10",
        "candidate_min_trust_level": "2", "candidate_min_member_days": "30",
        "recall_percent": "20",
    }  # fmt: skip
    page = client.post(url("new"), form)
    assert page.status_code == 200
    assert "Choose between 1 and 50 seats." in page.content.decode()
    assert "A term lasts between 1 and 3650 days." in page.content.decode()
    assert not Election.objects.exists()
    form.update(seats="2", term_days="120")
    response = client.post(url("new"), form)
    election = Election.objects.get()
    assert response.status_code == 302 and response.url == url("detail", election.pk)
    assert election.method == "stv" and election.seats == 2


@pytest.mark.parametrize("persona", ["moderator", "member", "newcomer"])
def test_others_may_not_open_an_election(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(url("new")).status_code == 403


def test_nominating_and_answering_from_the_page(client, community, make_election):
    election = make_election()
    nominator, nominee = voter(community), voter(community, username="nina")
    client.force_login(nominator)
    page = client.post(url("nominate", election.pk), {"username": "nobody-here"})
    assert page.status_code == 422 and b"No member of this community" in page.content
    client.post(url("nominate", election.pk), {"username": "nina"})
    candidate = Candidate.objects.get(user=nominee)
    assert candidate.status == CandidateStatus.INVITED
    client.force_login(nominee)
    page = client.get(url("detail", election.pk))
    assert b"nominated you. Will you stand?" in page.content
    client.post(url("answer", election.pk, candidate.pk), {"answer": "accept"})
    client.post(url("statement", election.pk, candidate.pk), {"statement": "Calm and *fair*."})
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.ACCEPTED
    assert "<em>fair</em>" in client.get(url("detail", election.pk)).content.decode()
    # Someone else cannot answer for them.
    client.force_login(nominator)
    assert (
        client.post(url("answer", election.pk, candidate.pk), {"answer": "decline"}).status_code
        == 403
    )


def test_approval_ballot_turnout_and_results_on_the_page(client, contest):
    election, (ana, ben, cleo), voters = contest
    client.force_login(voters[0])
    page = client.get(url("detail", election.pk)).content.decode()
    assert "0 of" in page and 'name="approve"' in page
    page = client.post(url("vote", election.pk), {})
    assert page.status_code == 422 and b"Tick at least one candidate." in page.content
    client.post(url("vote", election.pk), {"approve": [str(ana.pk), str(ben.pk)]})
    assert Ballot.objects.get(election=election).choices == sorted([ana.pk, ben.pk])
    page = client.get(url("detail", election.pk)).content.decode()
    assert "1 of" in page and "Change my ballot" in page
    close(election)
    client.force_login(election.created_by)
    page = client.get(url("detail", election.pk)).content.decode()
    assert "Results" in page and "Elected:" in page
    # Nothing on the page says who voted for whom.
    assert voters[0].username not in page


def test_ranked_ballot_refuses_a_rank_given_twice(client, community, make_election):
    election = make_election(method="stv")
    candidates = [stand(election, voter(community)) for _ in range(2)]
    me = voter(community)
    election = open_voting(election)
    client.force_login(me)
    ids = election.lot
    page = client.post(url("vote", election.pk), {f"rank-{ids[0]}": "1", f"rank-{ids[1]}": "1"})
    assert page.status_code == 422 and b"Give each rank to one candidate only." in page.content
    client.post(url("vote", election.pk), {f"rank-{ids[0]}": "2", f"rank-{ids[1]}": "1"})
    assert Ballot.objects.get(voter=me).choices == [ids[1], ids[0]]
    assert len(candidates) == 2


def test_a_non_elector_sees_why_and_cannot_post(client, contest, outsider):
    election, (ana, _ben, _cleo), _voters = contest
    client.force_login(outsider)
    page = client.get(url("detail", election.pk))
    assert b"not on this vote" in page.content
    assert client.post(url("vote", election.pk), {"approve": [str(ana.pk)]}).status_code == 403
    assert not Ballot.objects.exists()


def test_stalled_election_says_why_and_staff_extend(client, community, owner, make_election):
    election = make_election(seats=2)
    stand(election, voter(community))
    open_voting(election)
    client.force_login(owner)
    page = client.get(url("detail", election.pk)).content.decode()
    assert "voting cannot open" in page and "Extend nominations" in page
    page = client.post(url("extend", election.pk), {"days": "0"})
    assert page.status_code == 422 and b"Extend by 1 to 90 days." in page.content
    assert client.post(url("extend", election.pk), {"days": "3"}).status_code == 302


def test_list_query_count_is_flat(client, community, make_election, django_assert_max_num_queries):
    make_election()
    with django_assert_max_num_queries(40) as one:
        client.get(url("list"))
    for i in range(4):
        make_election(title=f"Election {i}")
    with django_assert_max_num_queries(40) as five:
        client.get(url("list"))
    assert len(five.captured_queries) == len(one.captured_queries)


def test_recall_pages(client, community, make_election):
    election = make_election(seats=1, recall_percent=100)
    mo = voter(community, username="mo")
    stand(election, mo)
    signer = voter(community)
    election = open_voting(election)
    cast(election, signer, [election.lot[0]])
    election = close(election)
    mandate = election.mandates.get()
    assert mandate.user.memberships.get().role == Role.MODERATOR
    client.force_login(signer)
    assert b"Start a recall" in client.get(url("list")).content
    page = client.post(url("recall-new", mandate.pk), {"reason": ""})
    assert page.status_code == 200 and b"This field is required." in page.content
    response = client.post(url("recall-new", mandate.pk), {"reason": "Rude to newcomers."})
    recall = mandate.recalls.get()
    assert response.url == url("recall", recall.pk)
    page = client.get(url("recall", recall.pk)).content.decode()
    assert "Rude to newcomers." in page and "signatures needed" in page
    client.force_login(mo)
    assert client.get(url("recall-new", mandate.pk)).status_code == 403
