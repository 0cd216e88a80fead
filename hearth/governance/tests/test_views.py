from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from hearth.communities import services as community_services
from hearth.communities.models import Membership, Visibility
from hearth.governance import services
from hearth.governance.models import Ballot, Proposal, ProposalStatus
from hearth.governance.views import _text_hash
from hearth.testing.factories import actor_for, community_factory

from .conftest import NEW_RULES, enable

pytestmark = pytest.mark.django_db


def url(name, community, *args):
    return reverse(f"governance:{name}", args=[community.slug, *args])


# The rules history -----------------------------------------------------------------------------


def test_the_history_shows_each_version_how_it_was_adopted_and_its_diff(
    client, community, owner, make_proposal, voters
):
    community_services.rules_update(
        actor=actor_for(owner, community), text="1. Be kind.\n2. Stay on topic, please."
    )
    community.refresh_from_db()
    Membership.objects.filter(community=community).update(rules_version_accepted=2)
    proposal = make_proposal()
    for user in voters:
        services.ballot_cast(actor=actor_for(user, community), proposal=proposal, choice="yes")
    with time_machine.travel(proposal.closes_at + timedelta(minutes=1), tick=False):
        services.proposal_close(proposal.pk)
    page = client.get(url("history", community)).content.decode()
    assert "Version 3" in page and "Version 2" in page and "Version 1" in page
    assert "Adopted by a members&#x27; vote" in page or "Adopted by a members' vote" in page
    assert "3 yes, 0 no, 0 abstained; 3 of 4 eligible members voted." in page
    assert url("proposal", community, proposal.pk) in page
    assert "Changed by staff" in page and "First rules" in page
    assert "<ins>" in page and "<del>" in page and "Credit the photographer." in page


def test_the_history_escapes_the_rules_text(client, community, owner):
    community_services.rules_update(
        actor=actor_for(owner, community), text="1. Be kind.\n2. <script>alert(1)</script>"
    )
    page = client.get(url("history", community)).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_rules_page_links_the_history(client, community):
    page = client.get(reverse("communities:rules", args=[community.slug])).content.decode()
    assert url("history", community) in page


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_a_private_community_history_is_not_found_for_outsiders(client, owner, outsider, who):
    secret = community_factory(owner=owner, slug="secret", visibility=Visibility.PRIVATE)
    if who == "outsider":
        client.force_login(outsider)
    assert client.get(url("history", secret)).status_code == 404
    assert client.get(url("proposals", secret)).status_code == 404
    client.force_login(owner)
    assert client.get(url("history", secret)).status_code == 200


def test_the_history_costs_the_same_for_many_versions(
    client, community, owner, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for i in range(n):
            community_services.rules_update(
                actor=actor_for(owner, community), text=f"1. Be kind.\n2. Rule {i}."
            )

    add(12)  # more than a page
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("history", community)).status_code == 200
    add(12)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get(url("history", community))


# Proposing through the page --------------------------------------------------------------------


def test_proposing_shows_the_changes_before_it_is_put_to_a_vote(
    client, community, governed, proposer
):
    client.force_login(proposer)
    form = {"title": "Credit", "reason": "Because.", "text": NEW_RULES}
    preview = client.post(url("proposal-new", community), {**form, "action": "preview"})
    assert preview.status_code == 200
    assert "<ins>" in preview.content.decode() and not Proposal.objects.exists()
    # "Put to a vote" with a text whose changes were not shown: shown first.
    unseen = client.post(
        url("proposal-new", community), {**form, "action": "submit", "previewed": "stale"}
    )
    assert unseen.status_code == 200 and not Proposal.objects.exists()
    done = client.post(
        url("proposal-new", community),
        {**form, "action": "submit", "previewed": _text_hash(NEW_RULES)},
    )
    proposal = Proposal.objects.get()
    assert done.status_code == 302 and done["Location"] == url("proposal", community, proposal.pk)


def test_a_proposal_with_no_change_is_refused_in_the_page(client, community, governed, proposer):
    client.force_login(proposer)
    response = client.post(
        url("proposal-new", community),
        {
            "title": "Same",
            "reason": "R",
            "text": "1. Be kind.\n2. Stay on topic.",
            "action": "preview",
        },
    )
    assert response.status_code == 400
    assert "same as the current ones" in response.content.decode()


def test_an_ineligible_member_cannot_open_the_proposal_form(client, community, governed, member):
    client.force_login(member)  # trust level 1, below 2
    response = client.get(url("proposal-new", community))
    assert response.status_code == 403
    assert "from trust level 2" in response.content.decode()


# Voting through the page -----------------------------------------------------------------------


def test_the_proposal_page_shows_turnout_not_the_tally_until_the_close(
    client, community, make_proposal, voters
):
    proposal = make_proposal()
    client.force_login(voters[0])
    response = client.post(url("proposal-vote", community, proposal.pk), {"choice": "no"})
    assert response.status_code == 302
    page = client.get(url("proposal", community, proposal.pk)).content.decode()
    assert "1 of 4 eligible members have voted." in page
    assert "You have voted." in page and "Change my vote" in page
    # Neither the page nor anything in it says how anyone voted.
    assert "vote-tally" not in page
    client.post(url("proposal-vote", community, proposal.pk), {"choice": "yes"})
    assert Ballot.objects.cast().get().choice == "yes"
    with time_machine.travel(proposal.closes_at + timedelta(minutes=1), tick=False):
        services.proposal_close(proposal.pk)
    page = client.get(url("proposal", community, proposal.pk)).content.decode()
    assert "vote-tally" in page and "Cast my vote" not in page


def test_a_vote_after_the_close_is_refused_with_a_message(client, community, make_proposal, voters):
    proposal = make_proposal()
    client.force_login(voters[0])
    with time_machine.travel(proposal.closes_at + timedelta(minutes=1), tick=False):
        response = client.post(
            url("proposal-vote", community, proposal.pk), {"choice": "yes"}, follow=True
        )
    assert "Voting on this proposal has closed." in response.content.decode()
    assert not Ballot.objects.cast().exists()


def test_a_bad_choice_is_refused_with_a_message(client, community, make_proposal, voters):
    proposal = make_proposal()
    client.force_login(voters[0])
    response = client.post(
        url("proposal-vote", community, proposal.pk), {"choice": "maybe"}, follow=True
    )
    assert "Choose yes, no or abstain." in response.content.decode()


def test_the_owner_veto_is_shown_on_every_proposal(client, community, make_proposal):
    enable(community, owner_veto=True)
    proposal = make_proposal()
    page = client.get(url("proposal", community, proposal.pk)).content.decode()
    assert "The owner keeps a veto." in page


def test_a_vetoed_proposal_says_so_publicly(client, community, owner, make_proposal, voters):
    enable(community, owner_veto=True)
    proposal = make_proposal()
    for user in voters:
        services.ballot_cast(actor=actor_for(user, community), proposal=proposal, choice="yes")
    with time_machine.travel(proposal.closes_at + timedelta(minutes=1), tick=False):
        services.proposal_close(proposal.pk)
    client.force_login(owner)
    client.post(url("proposal-veto", community, proposal.pk), {"reason": "Against the law."})
    assert Proposal.objects.get().status == ProposalStatus.VETOED
    client.logout()
    page = client.get(url("proposal", community, proposal.pk)).content.decode()
    assert "vetoed this proposal" in page and "Against the law." in page


def test_the_proposal_list_costs_the_same_for_many(
    client, community, owner, make_voter, governed, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for i in range(n):
            services.proposal_create(
                actor=actor_for(make_voter(trust_level=2), community), title=f"P{i}",
                reason="R", text=f"1. Rule {i}.",
            )  # fmt: skip

    add(1)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("proposals", community)).status_code == 200
    add(5)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get(url("proposals", community))


# The rules of voting -----------------------------------------------------------------------------


def _settings_form(**overrides):
    return {
        "proposals_enabled": "on", "propose_trust_level": "2", "voting_days": "7",
        "quorum_percent": "25", "threshold": "majority", "vote_trust_level": "1",
        "vote_member_days": "7", "veto_days": "3", "discussion_category": "", **overrides,
    }  # fmt: skip


def test_admins_save_the_rules_of_voting(client, community, admin):
    client.force_login(admin)
    assert client.get(url("settings", community)).status_code == 200
    response = client.post(url("settings", community), _settings_form())
    assert response.status_code == 302


@pytest.mark.parametrize("quorum", ["0", "101"])
def test_the_settings_page_refuses_a_bad_quorum_with_a_message(client, community, admin, quorum):
    client.force_login(admin)
    response = client.post(url("settings", community), _settings_form(quorum_percent=quorum))
    assert response.status_code == 400
    assert "between 1% and 100%" in response.content.decode()


@pytest.mark.parametrize(
    "persona, status", [("moderator", 403), ("member", 403), ("outsider", 403)]
)
def test_others_cannot_open_the_settings_page(client, community, personas, persona, status):
    client.force_login(personas[persona])
    assert client.get(url("settings", community)).status_code == status
