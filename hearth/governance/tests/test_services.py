import random
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hearth.communities.models import MembershipStatus, RulesVersion, StaffAction
from hearth.core.actor import Actor
from hearth.core.models import InteractionEvent
from hearth.discussions.models import Topic
from hearth.governance import selectors, services, tasks
from hearth.governance.models import Ballot, Choice, Elector, ProposalStatus
from hearth.testing.factories import actor_for

from .conftest import NEW_RULES, enable

pytestmark = pytest.mark.django_db


def vote(user, proposal, choice="yes"):
    return services.ballot_cast(
        actor=actor_for(user, proposal.community), proposal=proposal, choice=choice
    )


def close(proposal, after=timedelta(minutes=1)):
    with time_machine.travel(proposal.closes_at + after, tick=False):
        return services.proposal_close(proposal.pk)


# Proposing ---------------------------------------------------------------------------------


def test_a_proposal_opens_at_once_with_its_topic_and_a_fixed_electorate(
    community, make_proposal, proposer, voters, make_voter, owner
):
    make_voter(trust_level=0)  # below the voting level
    make_voter(days=2)  # not a member long enough
    proposal = make_proposal()
    assert proposal.status == ProposalStatus.OPEN
    assert proposal.closes_at - proposal.opened_at == timedelta(days=7)
    assert proposal.base_version == 1
    electors = set(Elector.objects.filter(proposal=proposal).values_list("user_id", flat=True))
    assert electors == {proposer.pk, *(v.pk for v in voters)}
    assert proposal.electorate_size == 4
    # Every elector's empty ballot, written at the opening (a vote only fills it in).
    assert (
        list(Ballot.objects.filter(proposal=proposal).values_list("choice", flat=True)) == [""] * 4
    )
    topic = Topic.objects.get(pk=proposal.topic_id)
    assert topic.title == "Rules proposal: Credit photographers"
    assert topic.author == proposer and topic.category.slug == "general"
    assert InteractionEvent.objects.filter(verb="proposal.open", object_id=proposal.pk).exists()
    assert StaffAction.objects.filter(action="proposal.open", actor=proposer).exists()


def test_the_discussion_goes_in_the_category_staff_chose(community, owner, make_proposal):
    from hearth.discussions.models import Category

    chosen = Category.objects.get(community=community, slug="introductions")
    enable(community, discussion_category=chosen)
    assert make_proposal().topic.category == chosen


def test_a_member_below_the_trust_level_cannot_propose(community, make_proposal, make_voter):
    with pytest.raises(PermissionDenied, match="from trust level 2"):
        make_proposal(actor_for(make_voter(trust_level=1), community))


def test_proposals_off_refuse_everyone(community, make_proposal, proposer):
    enable(community, proposals_enabled=False)
    with pytest.raises(PermissionDenied):
        make_proposal()


def test_one_open_proposal_at_a_time(make_proposal):
    make_proposal()
    with pytest.raises(PermissionDenied, match="already have a proposal"):
        make_proposal(title="Another")


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"title": " "}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"reason": ""}, "reason"),
        ({"text": ""}, "text"),
        ({"text": "1. Be kind.\n2. Stay on topic."}, "text"),  # the current rules
    ],
)
def test_bad_proposals_are_refused_with_a_message(community, governed, proposer, fields, field):
    values = {"title": "T", "reason": "R", "text": NEW_RULES, **fields}
    with pytest.raises(ValidationError) as caught:
        services.proposal_create(actor=actor_for(proposer, community), **values)
    assert field in caught.value.message_dict
    assert not Topic.objects.filter(title__startswith="Rules proposal").exists()


# Voting ---------------------------------------------------------------------------------------


def test_members_vote_once_and_may_change_their_vote(make_proposal, voters):
    proposal = make_proposal()
    assert vote(voters[0], proposal, "yes") is True
    assert vote(voters[0], proposal, "no") is False
    assert Ballot.objects.cast().filter(proposal=proposal).count() == 1
    assert services.count_ballots(proposal).no == 1
    assert services.has_voted(proposal, voters[0])
    assert not services.has_voted(proposal, voters[1])


def test_a_ballot_does_not_name_its_voter(make_proposal, voters):
    proposal = make_proposal()
    vote(voters[0], proposal, "no")
    ballot = Ballot.objects.cast().get(proposal=proposal)
    assert {f.name for f in Ballot._meta.get_fields()} == {
        "id",
        "community",
        "proposal",
        "voter_key",
        "choice",
    }
    assert str(voters[0].pk) != ballot.voter_key and voters[0].username not in ballot.voter_key
    event = InteractionEvent.objects.get(verb="proposal.vote")
    assert event.actor == voters[0] and "no" not in str(event.data)


def test_a_bad_choice_is_refused(make_proposal, voters):
    with pytest.raises(ValidationError):
        vote(voters[0], make_proposal(), "maybe")


def test_no_vote_after_the_close_even_when_the_close_is_late(make_proposal, voters):
    proposal = make_proposal()
    with (
        time_machine.travel(proposal.closes_at, tick=False),
        pytest.raises(PermissionDenied, match="closed"),
    ):
        vote(voters[0], proposal)
    close(proposal)
    with pytest.raises(PermissionDenied, match="closed"):
        vote(voters[1], proposal)


def test_a_member_who_joined_after_the_opening_cannot_vote(community, make_proposal, make_voter):
    proposal = make_proposal()
    late = make_voter(days=60)  # an old hand, but their membership row is new: not on the roll
    with pytest.raises(PermissionDenied, match="when this proposal opened"):
        vote(late, proposal)


def test_gaining_trust_after_the_opening_does_not_count(community, make_proposal, make_voter):
    climber = make_voter(trust_level=0)
    proposal = make_proposal()
    climber.memberships.filter(community=community).update(trust_level=4)
    with pytest.raises(PermissionDenied, match="when this proposal opened"):
        vote(climber, proposal)


@pytest.mark.parametrize("sanction", ["suspended", "banned"])
def test_a_suspended_or_banned_elector_cannot_vote(community, make_proposal, voters, sanction):
    proposal = make_proposal()
    memberships = voters[0].memberships.filter(community=community)
    if sanction == "suspended":
        memberships.update(suspended_until=timezone.now() + timedelta(days=3))
    else:
        memberships.update(status=MembershipStatus.BANNED)
    with pytest.raises(PermissionDenied, match="suspended|removed"):
        vote(voters[0], proposal)


# The close --------------------------------------------------------------------------------------


def test_an_adopted_proposal_becomes_the_next_rules_version(
    community, make_proposal, proposer, voters
):
    proposal = make_proposal()
    vote(voters[0], proposal, "yes")
    vote(voters[1], proposal, "yes")
    vote(voters[2], proposal, "no")
    closed = close(proposal)
    assert closed.status == ProposalStatus.ADOPTED
    assert (closed.yes_count, closed.no_count, closed.abstain_count) == (2, 1, 0)
    version = RulesVersion.objects.get(community=community, version=2)
    assert version.text == NEW_RULES and version.created_by == proposer
    assert version.proposal == closed
    community.refresh_from_db()
    assert community.rules_version == 2
    # Members accept the new rules as after any change.
    assert Actor.for_user(voters[0], community).needs_rules_acceptance
    verbs = set(InteractionEvent.objects.values_list("verb", flat=True))
    assert {"proposal.close", "proposal.adopt"} <= verbs
    actions = set(StaffAction.objects.values_list("action", flat=True))
    assert {"proposal.close", "proposal.adopt"} <= actions


def test_the_close_runs_once(make_proposal, voters):
    proposal = make_proposal()
    vote(voters[0], proposal)
    vote(voters[1], proposal)
    assert close(proposal) is not None
    assert close(proposal) is None
    with time_machine.travel(proposal.closes_at + timedelta(hours=1), tick=False):
        assert tasks.close_due() == {"closed": 0, "adopted": 0}
    assert InteractionEvent.objects.filter(verb="proposal.close").count() == 1
    assert RulesVersion.objects.filter(community=proposal.community).count() == 2


def test_nothing_closes_before_its_time(make_proposal):
    proposal = make_proposal()
    assert services.proposal_close(proposal.pk) is None
    assert tasks.close_due() == {"closed": 0, "adopted": 0}


def test_the_scheduler_job_closes_what_is_due(make_proposal, voters):
    proposal = make_proposal()
    vote(voters[0], proposal, "no")
    vote(voters[1], proposal, "no")
    with time_machine.travel(proposal.closes_at + timedelta(minutes=5), tick=False):
        assert tasks.close_due_job(timezone.now(), "") == {"closed": 1, "adopted": 0}
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED


def test_too_few_votes_decide_nothing(make_proposal, voters):
    proposal = make_proposal()
    vote(voters[0], proposal, "yes")  # 1 of 4: under the 50% quorum
    assert close(proposal).status == ProposalStatus.NO_QUORUM
    assert RulesVersion.objects.filter(community=proposal.community).count() == 1


def test_two_thirds(community, make_proposal, voters, proposer):
    enable(community, threshold="two_thirds")
    proposal = make_proposal()
    for user, choice in zip([*voters, proposer], ["yes", "yes", "no", "no"], strict=True):
        vote(user, proposal, choice)
    assert close(proposal).status == ProposalStatus.REJECTED


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_published_tally_is_a_recount_of_the_stored_ballots(
    community, make_proposal, make_voter, seed
):
    rng = random.Random(seed)
    people = [make_voter() for _ in range(12)]
    proposal = make_proposal()
    last = {}
    for _ in range(30):  # votes and changes of mind
        user = rng.choice(people)
        last[user.pk] = rng.choice(Choice.values)
        vote(user, proposal, last[user.pk])
    closed = close(proposal)
    brute = [list(last.values()).count(c) for c in ("yes", "no", "abstain")]
    assert [closed.yes_count, closed.no_count, closed.abstain_count] == brute
    recount = services.count_ballots(closed)
    assert (recount.yes, recount.no, recount.abstain) == tuple(brute)


# The owner's veto ---------------------------------------------------------------------------------


@pytest.fixture
def passed_with_veto(community, make_proposal, voters):
    enable(community, owner_veto=True, veto_days=3)
    proposal = make_proposal()
    for user in voters:
        vote(user, proposal)
    closed = close(proposal)
    assert closed.status == ProposalStatus.AWAITING_VETO
    assert closed.veto_until == closed.closed_at + timedelta(days=3)
    assert RulesVersion.objects.filter(community=community).count() == 1
    return closed


def test_the_owner_vetoes_in_the_window_and_it_says_so(community, owner, passed_with_veto):
    proposal = passed_with_veto
    with time_machine.travel(proposal.closed_at + timedelta(days=1), tick=False):
        services.proposal_veto(
            actor=actor_for(owner, community), proposal=proposal, reason="Conflicts with law."
        )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.VETOED and proposal.vetoed_by == owner
    assert proposal.veto_reason == "Conflicts with law."
    assert StaffAction.objects.filter(action="proposal.veto", reason="Conflicts with law.").exists()
    with time_machine.travel(proposal.veto_until + timedelta(minutes=1), tick=False):
        assert tasks.close_due() == {"closed": 0, "adopted": 0}
    assert RulesVersion.objects.filter(community=community).count() == 1


def test_a_veto_needs_a_reason_and_the_window(community, owner, admin, passed_with_veto):
    proposal = passed_with_veto
    with pytest.raises(ValidationError):
        services.proposal_veto(actor=actor_for(owner, community), proposal=proposal, reason=" ")
    with pytest.raises(PermissionDenied):
        services.proposal_veto(actor=actor_for(admin, community), proposal=proposal, reason="No")
    with (
        time_machine.travel(proposal.veto_until, tick=False),
        pytest.raises(PermissionDenied, match="window"),
    ):
        services.proposal_veto(
            actor=actor_for(owner, community), proposal=proposal, reason="Too late"
        )


def test_without_a_veto_it_is_adopted_when_the_window_ends(community, passed_with_veto):
    proposal = passed_with_veto
    with time_machine.travel(proposal.veto_until + timedelta(minutes=1), tick=False):
        assert tasks.close_due() == {"closed": 0, "adopted": 1}
        assert tasks.close_due() == {"closed": 0, "adopted": 0}
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ADOPTED and proposal.rules_version.version == 2


# The rules of voting ------------------------------------------------------------------------


def settings_values(**overrides):
    return {
        "proposals_enabled": True, "propose_trust_level": 2, "voting_days": 5,
        "quorum_percent": 30, "threshold": "majority", "vote_trust_level": 1,
        "vote_member_days": 0, "owner_veto": True, "veto_days": 2, "discussion_category": None,
        **overrides,
    }  # fmt: skip


def test_staff_set_the_rules_of_voting_and_the_staff_log_says_so(community, owner):
    settings = services.settings_update(actor=actor_for(owner, community), **settings_values())
    assert settings.quorum_percent == 30 and settings.owner_veto
    assert StaffAction.objects.filter(action="governance.settings").count() == 1


@pytest.mark.parametrize("quorum", [0, 101, -5, 10**9])
def test_a_quorum_of_0_or_over_100_percent_is_refused(community, owner, quorum):
    with pytest.raises(ValidationError) as caught:
        services.settings_update(
            actor=actor_for(owner, community), **settings_values(quorum_percent=quorum)
        )
    assert "between 1% and 100%" in caught.value.message_dict["quorum_percent"][0]


@pytest.mark.parametrize(
    "field, value",
    [("voting_days", 0), ("voting_days", 61), ("propose_trust_level", 5), ("veto_days", 0),
     ("threshold", "unanimity")],
)  # fmt: skip
def test_other_bad_settings_are_refused(community, owner, field, value):
    with pytest.raises(ValidationError) as caught:
        services.settings_update(
            actor=actor_for(owner, community), **settings_values(**{field: value})
        )
    assert field in caught.value.message_dict


def test_a_moderator_cannot_change_the_rules_of_voting(community, moderator):
    with pytest.raises(PermissionDenied):
        services.settings_update(actor=actor_for(moderator, community), **settings_values())


def test_an_open_vote_keeps_the_rules_it_opened_with(community, owner, make_proposal):
    proposal = make_proposal()
    services.settings_update(
        actor=actor_for(owner, community), **settings_values(quorum_percent=90)
    )
    proposal.refresh_from_db()
    assert proposal.quorum_percent == 50


# Participation --------------------------------------------------------------------------------


def test_vote_participation_lists_closed_votes_with_their_turnout(community, make_proposal, voters):
    proposal = make_proposal()
    vote(voters[0], proposal)
    vote(voters[1], proposal)
    assert selectors.vote_participation(community, proposal.opened_at, proposal.closes_at) == []
    close(proposal)
    (row,) = selectors.vote_participation(
        community, proposal.opened_at, proposal.closes_at + timedelta(days=1)
    )
    assert (row.kind, row.title, row.electorate, row.ballots) == (
        "proposal",
        "Credit photographers",
        4,
        2,
    )
    assert row.turnout_percent == 50.0
    assert row.url == f"/c/{community.slug}/rules/proposals/{proposal.pk}/"


def test_the_scheduler_runs_the_close(make_proposal, voters):
    from hearth.core import scheduler
    from hearth.notifications.scheduler import run_due

    assert "governance:close" in {job.name for job in scheduler.jobs()}
    proposal = make_proposal()
    vote(voters[0], proposal, "yes")
    vote(voters[1], proposal, "yes")
    run_due(proposal.closes_at + timedelta(minutes=1))
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ADOPTED
