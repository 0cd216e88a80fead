"""A moderator election in headless Chromium: the owner opens it for two seats; Ana stands,
nominates Ben who accepts, Cleo stands; the worker's step opens voting at the end of
nominations (run here with the clock moved forward); three members vote by approval; the
close task publishes the count and Ana and Ben become moderators, Cleo stays a member."""

import os
from datetime import timedelta

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

import time_machine  # noqa: E402
from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from hearth.communities.models import Membership, Role  # noqa: E402
from hearth.elections import tasks  # noqa: E402
from hearth.elections.models import Election, ElectionStatus  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    community_factory,
    membership_factory,
    user_factory,
)

from .pages import sign_in  # noqa: E402

pytestmark = pytest.mark.browser
SLUG = "riverside"


@pytest.fixture
def club(db):
    owner = user_factory(username="olivia")
    community = community_factory(owner=owner, slug=SLUG, name="Riverside Makers")
    joined = timezone.now() - timedelta(days=120)
    Membership.objects.filter(community=community, user=owner).update(joined_at=joined)
    people = {}
    for name, level in [("ana", 2), ("ben", 2), ("cleo", 2), ("dora", 1), ("eli", 1), ("fay", 1)]:
        people[name] = membership_factory(
            community, user=user_factory(username=name), trust_level=level, joined_at=joined
        ).user
    return community, owner, people


def signed_in(new_context, base, username):
    page = new_context().new_page()
    sign_in(page, base, username, PASSWORD)
    return page


def role(community, user):
    return Membership.objects.get(community=community, user=user).role


def test_two_seats_three_candidates_right_two_moderators(live_server, new_context, shot_both, club):
    community, owner, people = club
    base = live_server.url

    staff = signed_in(new_context, base, "olivia")
    staff.goto(f"{base}/c/{SLUG}/elections/")
    staff.get_by_role("link", name="Open the first election").click()
    staff.get_by_label("Title").fill("Spring moderator election")
    staff.get_by_label("Seats").fill("0")
    staff.get_by_role("button", name="Open nominations").click()
    expect(staff.get_by_text("Choose between 1 and 50 seats.")).to_be_visible()
    shot_both(staff, "elections-new")
    staff.get_by_label("Seats").fill("2")
    staff.get_by_label("Approval: tick every candidate you support").check()
    staff.get_by_role("button", name="Open nominations").click()
    expect(staff.get_by_text("The election is open for nominations.")).to_be_visible()
    election = Election.objects.get()
    detail = f"{base}/c/{SLUG}/elections/{election.pk}/"

    ana = signed_in(new_context, base, "ana")
    ana.goto(detail)
    ana.get_by_label("Member's username").fill("ana")
    ana.get_by_role("button", name="Nominate").click()
    expect(ana.get_by_text("You are standing.")).to_be_visible()
    ana.get_by_label("Your statement").fill("I answer **every** question within a day.")
    ana.get_by_role("button", name="Save my statement").click()
    expect(ana.get_by_text("Your statement is saved.")).to_be_visible()
    ana.get_by_label("Member's username").fill("ben")
    ana.get_by_role("button", name="Nominate").click()
    expect(ana.get_by_text("Ben is nominated and asked to accept.")).to_be_visible()

    ben = signed_in(new_context, base, "ben")
    ben.goto(detail)
    expect(ben.get_by_test_id("nomination-invite")).to_be_visible()
    shot_both(ben, "elections-nomination")
    ben.get_by_role("button", name="Accept and stand").click()
    expect(ben.get_by_text("You are standing.")).to_be_visible()

    cleo = signed_in(new_context, base, "cleo")
    cleo.goto(detail)
    cleo.get_by_label("Member's username").fill("cleo")
    cleo.get_by_role("button", name="Nominate").click()
    expect(cleo.get_by_text("You are standing.")).to_be_visible()

    # The worker's step at the end of nominations opens voting.
    with time_machine.travel(election.nominations_end_at + timedelta(seconds=1)):
        assert tasks.advance_election.call(election.pk) == "voting"
    election.refresh_from_db()
    assert election.status == ElectionStatus.VOTING

    for name, approve in [("dora", ["Ana", "Ben"]), ("eli", ["Ana", "Cleo"]), ("fay", ["Ben"])]:
        page = signed_in(new_context, base, name)
        page.goto(detail)
        for candidate in approve:
            page.get_by_role("checkbox", name=candidate).check()
        page.get_by_role("button", name="Cast my ballot").click()
        expect(page.get_by_text("Your ballot is saved.")).to_be_visible()
    expect(page.get_by_test_id("turnout")).to_contain_text("3 of")
    shot_both(page, "elections-ballot")

    # The close task, run when voting has closed.
    with time_machine.travel(election.voting_closes_at + timedelta(seconds=1)):
        assert tasks.advance_election.call(election.pk).startswith("closed")
    staff.goto(detail)
    winners = staff.locator(".results__winners")
    expect(winners).to_contain_text("Ana")
    expect(winners).to_contain_text("Ben")
    expect(winners).not_to_contain_text("Cleo")
    shot_both(staff, "elections-results")
    assert role(community, people["ana"]) == Role.MODERATOR
    assert role(community, people["ben"]) == Role.MODERATOR
    assert role(community, people["cleo"]) == Role.MEMBER

    staff.goto(f"{base}/c/{SLUG}/elections/")
    expect(staff.get_by_role("heading", name="Elected moderators")).to_be_visible()
    shot_both(staff, "elections-list")


def test_ranked_ballot_and_its_rounds(live_server, new_context, shot_both, club):
    """A ranked election (one seat): a member numbers the candidates, and the published
    count shows its rounds."""
    from hearth.elections import services
    from hearth.testing.factories import actor_for

    community, owner, people = club
    base = live_server.url
    election = services.election_create(
        actor=actor_for(owner, community), title="Events lead", seats=1, term_days=90,
        method="stv", nomination_days=2, voting_days=2, voter_min_member_days=10,
        candidate_min_member_days=10,
    )  # fmt: skip
    for name in ("ana", "ben", "cleo"):
        services.candidate_nominate(
            actor=actor_for(people[name], community), election=election, username=name
        )
    with time_machine.travel(election.nominations_end_at + timedelta(seconds=1)):
        assert tasks.advance_election.call(election.pk) == "voting"
    election.refresh_from_db()
    ids = {c.user.username: c.pk for c in election.candidates.select_related("user")}
    for name, order in [("eli", ["cleo", "ben"]), ("fay", ["ben", "ana"])]:
        services.ballot_cast(
            actor=actor_for(people[name], community), election=election,
            choices=[ids[n] for n in order],
        )  # fmt: skip

    dora = signed_in(new_context, base, "dora")
    dora.goto(f"{base}/c/{SLUG}/elections/{election.pk}/")
    dora.get_by_label("Ana").select_option("1")
    dora.get_by_label("Cleo").select_option("1")
    dora.get_by_role("button", name="Cast my ballot").click()
    expect(dora.get_by_text("Give each rank to one candidate only.")).to_be_visible()
    dora.get_by_label("Cleo").select_option("2")
    dora.get_by_role("button", name="Cast my ballot").click()
    expect(dora.get_by_text("Your ballot is saved.")).to_be_visible()
    shot_both(dora, "elections-ranked-ballot")

    with time_machine.travel(election.voting_closes_at + timedelta(seconds=1)):
        tasks.advance_election.call(election.pk)
    dora.reload()
    # Ana, Ben and Cleo have one first choice each; the lot excludes one, then the rest.
    expect(dora.get_by_role("heading", name="Round 2")).to_be_visible()
    shot_both(dora, "elections-ranked-results")
    election.refresh_from_db()
    (winner,) = election.result["winners"]
    assert role(community, election.candidates.get(pk=winner).user) == Role.MODERATOR
