"""Who may do what in elections and recalls. Each decision is ``<verb>_denial(actor, …)``
returning the reason or None, with its ``can_``/``ensure_`` shapes (as in
``hearth.communities.policy``). Eligibility itself (trust level, membership age, standing)
is the communities app's: ``selectors.electorate`` and ``selectors.can_cast_vote``."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities import policy as community_policy
from hearth.communities import selectors as community_selectors
from hearth.core.actor import Actor
from hearth.elections.models import (
    Candidate,
    CandidateStatus,
    Election,
    ElectionStatus,
    Elector,
    Mandate,
    Recall,
    RecallElector,
    RecallStatus,
)


def _ensure(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDenied(reason)


def _in_community(actor: Actor, obj) -> bool:
    return (
        actor.community is not None
        and obj.community_id == actor.community.pk
        and community_policy.sees_inside(actor, actor.community)
    )


def may_vote_now(election: Election, user_id: int, now: datetime) -> bool:
    """Would the member be on the electorate of a vote under ``election``'s rules opened
    now (who may nominate, and start or sign a recall)?"""
    return (
        community_selectors.electorate(
            election.community,
            min_trust_level=election.voter_min_trust_level,
            min_member_days=election.voter_min_member_days,
            at=now,
        )
        .filter(user_id=user_id)
        .exists()
    )


def may_stand_now(election: Election, user_id: int, now: datetime) -> bool:
    return (
        community_selectors.electorate(
            election.community,
            min_trust_level=election.candidate_min_trust_level,
            min_member_days=election.candidate_min_member_days,
            at=now,
        )
        .filter(user_id=user_id)
        .exists()
    )


def _voter_rules(election: Election) -> str:
    return _(
        "Members from trust level %(level)s who have been members for %(days)s days or more "
        "take part in this election."
    ) % {"level": election.voter_min_trust_level, "days": election.voter_min_member_days}


# Running elections ------------------------------------------------------------------------


def manage_elections_denial(actor: Actor) -> str | None:
    """Owners and admins: those the communities policy lets make someone a moderator."""
    if not actor.is_admin:
        return _("Only the community's owners and admins can run elections.")
    return None


def can_manage_elections(actor: Actor) -> bool:
    return manage_elections_denial(actor) is None


def ensure_manage_elections(actor: Actor) -> None:
    _ensure(manage_elections_denial(actor))


def change_election_denial(actor: Actor, election: Election) -> str | None:
    """Extend nominations or cancel: staff who run elections, before the results."""
    if not _in_community(actor, election):
        return _("That election does not exist.")
    if (reason := manage_elections_denial(actor)) is not None:
        return reason
    if election.status not in (ElectionStatus.NOMINATING, ElectionStatus.VOTING):
        return _("This election is over.")
    return None


def can_change_election(actor: Actor, election: Election) -> bool:
    return change_election_denial(actor, election) is None


def ensure_change_election(actor: Actor, election: Election) -> None:
    _ensure(change_election_denial(actor, election))


def extend_denial(actor: Actor, election: Election) -> str | None:
    if (reason := change_election_denial(actor, election)) is not None:
        return reason
    if election.status != ElectionStatus.NOMINATING:
        return _("Voting has opened: nominations can no longer be extended.")
    return None


def ensure_extend(actor: Actor, election: Election) -> None:
    _ensure(extend_denial(actor, election))


# Nominations ------------------------------------------------------------------------------


def nominations_open(election: Election, now: datetime) -> bool:
    return election.status == ElectionStatus.NOMINATING and now < election.nominations_end_at


def nominate_denial(actor: Actor, election: Election, now: datetime | None = None) -> str | None:
    now = now or timezone.now()
    if not _in_community(actor, election):
        return _("That election does not exist.")
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if not nominations_open(election, now):
        return _("Nominations are closed.")
    if not may_vote_now(election, actor.user.pk, now):
        return _voter_rules(election)
    return None


def can_nominate(actor: Actor, election: Election, now: datetime | None = None) -> bool:
    return nominate_denial(actor, election, now) is None


def ensure_nominate(actor: Actor, election: Election, now: datetime | None = None) -> None:
    _ensure(nominate_denial(actor, election, now))


def answer_nomination_denial(
    actor: Actor, candidate: Candidate, now: datetime | None = None
) -> str | None:
    """The nominee accepts or declines while nominations are open (and may change their
    mind until they close); accepting needs them to be eligible to stand."""
    now = now or timezone.now()
    if not _in_community(actor, candidate):
        return _("That nomination does not exist.")
    if actor.user is None or candidate.user_id != actor.user.pk:
        return _("Only the person nominated can answer a nomination.")
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if not nominations_open(candidate.election, now):
        return _("Nominations are closed.")
    return None


def can_answer_nomination(actor: Actor, candidate: Candidate, now=None) -> bool:
    return answer_nomination_denial(actor, candidate, now) is None


def ensure_answer_nomination(actor: Actor, candidate: Candidate, now=None) -> None:
    _ensure(answer_nomination_denial(actor, candidate, now))


def edit_statement_denial(actor: Actor, candidate: Candidate, now=None) -> str | None:
    """A standing candidate writes their statement until voting opens."""
    if (reason := answer_nomination_denial(actor, candidate, now)) is not None:
        return reason
    if candidate.status != CandidateStatus.ACCEPTED:
        return _("Accept the nomination first.")
    return None


def can_edit_statement(actor: Actor, candidate: Candidate, now=None) -> bool:
    return edit_statement_denial(actor, candidate, now) is None


def ensure_edit_statement(actor: Actor, candidate: Candidate, now=None) -> None:
    _ensure(edit_statement_denial(actor, candidate, now))


# Voting -----------------------------------------------------------------------------------


def _ballot_denial(actor: Actor, *, open_: bool, elector: bool) -> str | None:
    if actor.user is None:
        return _("Sign in to vote.")
    if not open_:
        return _("Voting is closed.")
    if not elector:
        return _(
            "You are not on this vote's electorate: it was fixed when voting opened, by "
            "trust level and membership age."
        )
    if not community_selectors.can_cast_vote(actor.membership):
        return _("Suspended and removed members cannot vote.")
    return None


def vote_denial(actor: Actor, election: Election, now: datetime | None = None) -> str | None:
    now = now or timezone.now()
    if not _in_community(actor, election):
        return _("That election does not exist.")
    is_open = election.status == ElectionStatus.VOTING and now < election.voting_closes_at
    elector = (
        actor.user is not None
        and is_open
        and Elector.objects.filter(election=election, user=actor.user).exists()
    )
    return _ballot_denial(actor, open_=is_open, elector=elector)


def can_vote(actor: Actor, election: Election, now: datetime | None = None) -> bool:
    return vote_denial(actor, election, now) is None


def ensure_vote(actor: Actor, election: Election, now: datetime | None = None) -> None:
    _ensure(vote_denial(actor, election, now))


# Recalls ----------------------------------------------------------------------------------


def start_recall_denial(actor: Actor, mandate: Mandate, now: datetime | None = None) -> str | None:
    now = now or timezone.now()
    if not _in_community(actor, mandate):
        return _("That moderator's seat does not exist.")
    if mandate.ended_at is not None or mandate.ends_at <= now:
        return _("This moderator's term has ended: there is nothing to recall.")
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if mandate.user_id == actor.user.pk:
        return _("You cannot start a recall of yourself.")
    if not may_vote_now(mandate.election, actor.user.pk, now):
        return _voter_rules(mandate.election)
    if Recall.objects.filter(
        mandate=mandate, status__in=(RecallStatus.PETITION, RecallStatus.VOTING)
    ).exists():
        return _("A recall of this moderator is already under way: sign it instead.")
    return None


def can_start_recall(actor: Actor, mandate: Mandate, now: datetime | None = None) -> bool:
    return start_recall_denial(actor, mandate, now) is None


def ensure_start_recall(actor: Actor, mandate: Mandate, now: datetime | None = None) -> None:
    _ensure(start_recall_denial(actor, mandate, now))


def sign_recall_denial(actor: Actor, recall: Recall, now: datetime | None = None) -> str | None:
    now = now or timezone.now()
    if not _in_community(actor, recall):
        return _("That recall does not exist.")
    mandate = recall.mandate
    if mandate.ended_at is not None or mandate.ends_at <= now:
        return _("This moderator's term has ended: there is nothing to recall.")
    if recall.status != RecallStatus.PETITION:
        return _("This petition is no longer collecting signatures.")
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if mandate.user_id == actor.user.pk:
        return _("You cannot sign a recall of yourself.")
    if not may_vote_now(mandate.election, actor.user.pk, now):
        return _voter_rules(mandate.election)
    return None


def can_sign_recall(actor: Actor, recall: Recall, now: datetime | None = None) -> bool:
    return sign_recall_denial(actor, recall, now) is None


def ensure_sign_recall(actor: Actor, recall: Recall, now: datetime | None = None) -> None:
    _ensure(sign_recall_denial(actor, recall, now))


def recall_vote_denial(actor: Actor, recall: Recall, now: datetime | None = None) -> str | None:
    now = now or timezone.now()
    if not _in_community(actor, recall):
        return _("That recall does not exist.")
    is_open = recall.status == RecallStatus.VOTING and now < recall.voting_closes_at
    if is_open and (recall.mandate.ended_at is not None or recall.mandate.ends_at <= now):
        return _("This moderator's term has ended: there is nothing to recall.")
    elector = (
        actor.user is not None
        and is_open
        and RecallElector.objects.filter(recall=recall, user=actor.user).exists()
    )
    return _ballot_denial(actor, open_=is_open, elector=elector)


def can_vote_recall(actor: Actor, recall: Recall, now: datetime | None = None) -> bool:
    return recall_vote_denial(actor, recall, now) is None


def ensure_vote_recall(actor: Actor, recall: Recall, now: datetime | None = None) -> None:
    _ensure(recall_vote_denial(actor, recall, now))
