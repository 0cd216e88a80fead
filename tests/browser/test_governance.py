"""Governance in headless Chromium: a member proposes a change to the rules (seeing the
changes before submitting), three members vote, the worker's close task (run here with the
clock moved past the close) adopts it, the rules history shows the new version with its
tally, and members are asked to accept the new rules."""

import os
from datetime import timedelta

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

import time_machine  # noqa: E402
from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from hearth.communities.models import Membership  # noqa: E402
from hearth.governance import tasks  # noqa: E402
from hearth.governance.models import GovernanceSettings, Proposal, ProposalStatus  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    community_factory,
    membership_factory,
    user_factory,
)

from .pages import sign_in  # noqa: E402

pytestmark = pytest.mark.browser

SLUG = "darkroom"
RULES = "1. **Be kind.** Disagree with ideas, never attack people.\n2. **Stay on topic.**"
NEW_RULE = "3. **Credit the photographer** when you share someone else's photo."


@pytest.fixture
def club(db):
    owner = user_factory(username="olivia")
    community = community_factory(owner=owner, slug=SLUG, name="Darkroom Club", rules=RULES)
    joined = timezone.now() - timedelta(days=30)
    people = {
        name: membership_factory(
            community, user=user_factory(username=name, display_name=name.title()),
            trust_level=level, joined_at=joined,
        ).user
        for name, level in (("priya", 2), ("ada", 1), ("bruno", 1), ("chen", 1))
    }  # fmt: skip
    GovernanceSettings.objects.create(
        community=community, proposals_enabled=True, propose_trust_level=2, voting_days=3,
        quorum_percent=50, vote_trust_level=1, vote_member_days=7,
    )  # fmt: skip
    return community, owner, people


def signed_in(new_context, base, username):
    page = new_context().new_page()
    sign_in(page, base, username, PASSWORD)
    return page


def test_a_member_proposes_members_vote_and_the_rules_change(
    live_server, new_context, shot_both, club
):
    community, owner, people = club
    base = live_server.url

    # Priya proposes a new rule from the rules page, and sees her changes first.
    priya = signed_in(new_context, base, "priya")
    priya.goto(f"{base}/c/{SLUG}/rules")
    priya.get_by_role("link", name="Proposals to change the rules").click()
    priya.get_by_role("link", name="Propose the first change").click()
    priya.get_by_label("Title").fill("Credit the photographer")
    priya.get_by_label("Why change the rules?").fill("Photos were reposted without names.")
    priya.get_by_label("The rules as they would read").fill(f"{RULES}\n{NEW_RULE}")
    priya.get_by_role("button", name="Show the changes").click()
    expect(priya.locator(".rules-diff ins")).to_contain_text("Credit the photographer")
    shot_both(priya, "governance-new")
    priya.get_by_role("button", name="Put it to a vote").click()
    expect(priya.get_by_text("Your proposal is open for voting.")).to_be_visible()
    expect(priya.get_by_role("heading", name="Credit the photographer")).to_be_visible()
    proposal = Proposal.objects.get()
    assert proposal.electorate_size == 4 and proposal.topic is not None
    proposal_url = priya.url

    # Three members vote; each sees the turnout, not the tally.
    for name, choice in (("ada", "Yes"), ("bruno", "Yes"), ("chen", "No")):
        voter = signed_in(new_context, base, name)
        voter.goto(proposal_url)
        voter.get_by_label(choice, exact=True).check()
        voter.get_by_role("button", name="Cast my vote").click()
        expect(voter.get_by_text("Your vote is counted.")).to_be_visible()
    expect(voter.get_by_text("3 of 4 eligible members have voted.")).to_be_visible()
    expect(voter.get_by_text("You have voted.")).to_be_visible()
    shot_both(voter, "governance-voting")

    # The worker's close, with the clock past the close: adopted, once.
    with time_machine.travel(proposal.closes_at + timedelta(minutes=2)):
        assert tasks.close_due() == {"closed": 1, "adopted": 0}
        assert tasks.close_due() == {"closed": 0, "adopted": 0}
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ADOPTED
    assert (proposal.yes_count, proposal.no_count, proposal.abstain_count) == (2, 1, 0)

    priya.goto(proposal_url)
    expect(priya.locator(".vote-tally")).to_contain_text("2")
    expect(priya.get_by_text("Adopted: this is version 2 of the rules.")).to_be_visible()
    shot_both(priya, "governance-result")

    # The rules history shows version 2, adopted by the vote, with its tally and diff.
    priya.get_by_role("link", name="See it in the rules history").click()
    version = priya.locator("#v2")
    expect(version).to_contain_text("Adopted by a members' vote")
    expect(version).to_contain_text("2 yes, 1 no, 0 abstained; 3 of 4 eligible members voted.")
    expect(version.locator("ins")).to_contain_text("Credit the photographer")
    shot_both(priya, "governance-history")
    priya.goto(f"{base}/c/{SLUG}/rules/proposals/")
    expect(priya.get_by_text("2 yes, 1 no, 0 abstained")).to_be_visible()
    shot_both(priya, "governance-list")

    # The owner's rules of voting, and the vote's turnout on the health dashboard's data.
    staff = signed_in(new_context, base, "olivia")
    staff.goto(f"{base}/c/{SLUG}/manage/governance/")
    expect(staff.get_by_label("Quorum (% of eligible members)")).to_have_value("50")
    staff.get_by_label("Quorum (% of eligible members)").fill("0")
    staff.get_by_role("button", name="Save the rules of voting").click()
    expect(staff.get_by_text("between 1% and 100%")).to_be_visible()
    shot_both(staff, "governance-settings")

    # Members are asked to accept the new rules, and do.
    ada = signed_in(new_context, base, "ada")
    ada.goto(f"{base}/c/{SLUG}/")
    ada.get_by_role("link", name="Read and accept them to keep posting.").click()
    expect(ada.locator(".prose")).to_contain_text("Credit the photographer")
    ada.get_by_label("I have read the new rules and agree to follow them").check()
    ada.get_by_role("button", name="Accept the rules").click()
    expect(ada.get_by_text("Thanks: you accepted the current rules.")).to_be_visible()
    assert (
        Membership.objects.get(user=people["ada"], community=community).rules_version_accepted == 2
    )
