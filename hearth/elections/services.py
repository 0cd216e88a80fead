"""Writes for elections: opening one, nominations, statements and ballots; staff's
extend and cancel. What time moves on (voting opens, the close, the end of a term) is in
``hearth/elections/lifecycle.py``; recalls in ``hearth/elections/recalls.py``.

Each function is one transaction, checks the policy for the acting member, and records
the interaction event (and the staff-log line for staff actions)."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.accounts.models import User
from hearth.communities.models import Membership, MembershipStatus
from hearth.communities.services import staff_log_record
from hearth.core.actor import Actor
from hearth.core.events import record_event
from hearth.core.markdown import clean_text, render_markdown
from hearth.elections import policy
from hearth.elections.models import (
    Ballot,
    Candidate,
    CandidateStatus,
    Election,
    ElectionStatus,
    Mandate,
    Method,
)

MAX_SEATS = 50
MAX_TERM_DAYS = 3650
MAX_PERIOD_DAYS = 90
MAX_MEMBER_DAYS = 3650
MAX_STATEMENT = 5000
MAX_DESCRIPTION = 5000


def _range_error(errors, field, value, low, high, message) -> None:
    if value is None or not low <= value <= high:
        errors[field] = [message % {"low": low, "high": high}]


@transaction.atomic
def election_create(
    *,
    actor: Actor,
    title: str,
    seats: int,
    term_days: int,
    method: str,
    nomination_days: int,
    voting_days: int,
    voter_min_trust_level: int = 1,
    voter_min_member_days: int = 0,
    candidate_min_trust_level: int = 2,
    candidate_min_member_days: int = 0,
    recall_percent: int = 20,
    description: str = "",
) -> Election:
    """Open an election: nominations start now and end after ``nomination_days``; voting
    then lasts ``voting_days`` (see lifecycle.election_advance)."""
    policy.ensure_manage_elections(actor)
    errors: dict[str, list] = {}
    title = clean_text(title or "").strip()
    description = clean_text(description or "").strip()
    if not title:
        errors["title"] = [_("Give the election a title.")]
    elif len(title) > 120:
        errors["title"] = [_("Keep the title under 120 characters.")]
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = [_("Keep the description under 5,000 characters.")]
    _range_error(errors, "seats", seats, 1, MAX_SEATS,
                 _("Choose between %(low)s and %(high)s seats."))  # fmt: skip
    _range_error(errors, "term_days", term_days, 1, MAX_TERM_DAYS,
                 _("A term lasts between %(low)s and %(high)s days."))  # fmt: skip
    _range_error(errors, "nomination_days", nomination_days, 1, MAX_PERIOD_DAYS,
                 _("Nominations last between %(low)s and %(high)s days."))  # fmt: skip
    _range_error(errors, "voting_days", voting_days, 1, MAX_PERIOD_DAYS,
                 _("Voting lasts between %(low)s and %(high)s days."))  # fmt: skip
    for field, value in (
        ("voter_min_trust_level", voter_min_trust_level),
        ("candidate_min_trust_level", candidate_min_trust_level),
    ):
        _range_error(errors, field, value, 0, 4,
                     _("Choose a trust level from %(low)s to %(high)s."))  # fmt: skip
    for field, value in (
        ("voter_min_member_days", voter_min_member_days),
        ("candidate_min_member_days", candidate_min_member_days),
    ):
        _range_error(errors, field, value, 0, MAX_MEMBER_DAYS,
                     _("Choose from %(low)s to %(high)s days."))  # fmt: skip
    _range_error(errors, "recall_percent", recall_percent, 1, 100,
                 _("Choose a share from %(low)s%% to %(high)s%%."))  # fmt: skip
    if method not in Method.values:
        errors["method"] = [_("Choose approval or ranked ballots.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    election = Election.objects.create(
        community=actor.community, title=title, description=description,
        description_html=render_markdown(description) if description else "",
        seats=seats, term_days=term_days, method=method,
        voter_min_trust_level=voter_min_trust_level,
        voter_min_member_days=voter_min_member_days,
        candidate_min_trust_level=candidate_min_trust_level,
        candidate_min_member_days=candidate_min_member_days,
        recall_percent=recall_percent, voting_days=voting_days,
        nominations_end_at=now + timedelta(days=nomination_days),
        created_by=actor.user, created_at=now,
    )  # fmt: skip
    details = {"election": election.pk, "title": title, "seats": seats, "method": method}
    staff_log_record(actor, actor.community, "election.open", details=details)
    record_event(community=actor.community, actor=actor.user, verb="election.open",
                 obj=election, data=details)  # fmt: skip
    _schedule(election, election.nominations_end_at)
    return election


def _schedule(election: Election, at) -> None:
    from hearth.elections import tasks

    transaction.on_commit(lambda: tasks.later(tasks.advance_election, at, election.pk))


def _locked(election: Election) -> Election:
    return Election.objects.select_for_update().select_related("community").get(pk=election.pk)


@transaction.atomic
def election_extend(*, actor: Actor, election: Election, days: int) -> Election:
    """Give nominations ``days`` more (from now, if they had already ended)."""
    if days is None or not 1 <= days <= MAX_PERIOD_DAYS:
        raise ValidationError({"days": [_("Extend by 1 to %(n)s days.") % {"n": MAX_PERIOD_DAYS}]})
    election = _locked(election)
    policy.ensure_extend(actor, election)
    now = timezone.now()
    election.nominations_end_at = max(now, election.nominations_end_at) + timedelta(days=days)
    election.stalled_at = None
    election.save(update_fields=["nominations_end_at", "stalled_at"])
    details = {"election": election.pk, "until": election.nominations_end_at.isoformat()}
    staff_log_record(actor, election.community, "election.extend", details=details)
    record_event(community=election.community, actor=actor.user, verb="election.extend",
                 obj=election, data=details)  # fmt: skip
    _schedule(election, election.nominations_end_at)
    return election


@transaction.atomic
def election_cancel(*, actor: Actor, election: Election, reason: str = "") -> Election:
    election = _locked(election)
    policy.ensure_change_election(actor, election)
    election.status = ElectionStatus.CANCELLED
    election.cancelled_at = timezone.now()
    election.save(update_fields=["status", "cancelled_at"])
    reason = clean_text(reason or "").strip()[:2000]
    staff_log_record(actor, election.community, "election.cancel", reason=reason,
                     details={"election": election.pk})  # fmt: skip
    record_event(community=election.community, actor=actor.user, verb="election.cancel",
                 obj=election)  # fmt: skip
    return election


# Nominations ------------------------------------------------------------------------------


def _nominee_membership(election: Election, username: str) -> Membership:
    username = (username or "").strip().lstrip("@")[:150]
    membership = None
    if username and "\x00" not in username:  # PostgreSQL refuses NUL in a comparison
        membership = (
            Membership.objects.filter(
                community=election.community, user__username=username,
                status=MembershipStatus.ACTIVE,
            )
            .select_related("user")
            .first()
        )  # fmt: skip
    if membership is None:
        raise ValidationError({"username": [_("No member of this community has that username.")]})
    return membership


@transaction.atomic
def candidate_nominate(*, actor: Actor, election: Election, username: str) -> Candidate:
    """Nominate a member (or yourself). Someone else's nomination waits for them to accept
    (a notification asks them); yours stands at once."""
    election = _locked(election)
    now = timezone.now()
    policy.ensure_nominate(actor, election, now)
    nominee = _nominee_membership(election, username).user
    if not policy.may_stand_now(election, nominee.pk, now):
        raise ValidationError({"username": [
            _("%(name)s cannot stand: candidates need trust level %(level)s and %(days)s days "
              "of membership.") % {"name": nominee.name,
                                    "level": election.candidate_min_trust_level,
                                    "days": election.candidate_min_member_days}
        ]})  # fmt: skip
    own = nominee.pk == actor.user.pk
    existing = Candidate.objects.filter(election=election, user=nominee).first()
    if existing is not None:
        if own and existing.status != CandidateStatus.ACCEPTED:
            return _answer(actor, existing, accept=True)
        raise ValidationError({"username": [_("%(name)s is already nominated.") % {
            "name": nominee.name}]})  # fmt: skip
    candidate = Candidate.objects.create(
        community=election.community, election=election, user=nominee,
        nominated_by=actor.user, nominated_at=now,
        status=CandidateStatus.ACCEPTED if own else CandidateStatus.INVITED,
        answered_at=now if own else None,
    )  # fmt: skip
    record_event(
        community=election.community, actor=actor.user, verb="election.nominate",
        target_user=nominee, obj=candidate,
        data={"election": election.pk, "title": election.title, "own": own},
    )  # fmt: skip
    return candidate


def _answer(actor: Actor, candidate: Candidate, *, accept: bool) -> Candidate:
    election = candidate.election
    if accept and not policy.may_stand_now(election, actor.user.pk, timezone.now()):
        raise ValidationError(
            _("You cannot stand: candidates need trust level %(level)s and %(days)s days of "
              "membership.") % {"level": election.candidate_min_trust_level,
                                "days": election.candidate_min_member_days}
        )  # fmt: skip
    candidate.status = CandidateStatus.ACCEPTED if accept else CandidateStatus.DECLINED
    candidate.answered_at = timezone.now()
    candidate.save(update_fields=["status", "answered_at"])
    record_event(
        community=candidate.community, actor=actor.user,
        verb="election.accept" if accept else "election.decline", obj=candidate,
        data={"election": election.pk},
    )  # fmt: skip
    return candidate


@transaction.atomic
def candidate_answer(*, actor: Actor, candidate: Candidate, accept: bool) -> Candidate:
    election = _locked(candidate.election)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    candidate.election = election
    policy.ensure_answer_nomination(actor, candidate)
    return _answer(actor, candidate, accept=accept)


@transaction.atomic
def candidate_statement(*, actor: Actor, candidate: Candidate, statement: str) -> Candidate:
    election = _locked(candidate.election)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    candidate.election = election
    policy.ensure_edit_statement(actor, candidate)
    statement = clean_text(statement or "").strip()
    if len(statement) > MAX_STATEMENT:
        raise ValidationError({"statement": [_("Keep your statement under 5,000 characters.")]})
    candidate.statement = statement
    candidate.statement_html = render_markdown(statement) if statement else ""
    candidate.save(update_fields=["statement", "statement_html"])
    return candidate


# Ballots ----------------------------------------------------------------------------------


def _clean_choices(election: Election, choices: list) -> list[int]:
    on_ballot = set(election.lot)
    try:
        ids = [int(c) for c in choices]
    except (TypeError, ValueError):
        ids = None
    if ids is None or any(c not in on_ballot for c in ids):
        raise ValidationError({"choices": [_("Choose only candidates on this ballot.")]})
    if len(set(ids)) != len(ids):
        raise ValidationError({"choices": [_("Choose each candidate once.")]})
    if not ids:
        message = (
            _("Rank at least one candidate.")
            if election.method == Method.STV
            else _("Tick at least one candidate.")
        )
        raise ValidationError({"choices": [message]})
    return ids if election.method == Method.STV else sorted(ids)


@transaction.atomic
def ballot_cast(*, actor: Actor, election: Election, choices: list) -> Ballot:
    """Cast or change the actor's ballot. The election row is locked, so a ballot and the
    close never interleave and two ballots of one member are one after the other; a ballot
    after ``voting_closes_at`` is refused whether or not the close has run yet."""
    election = _locked(election)
    policy.ensure_vote(actor, election, timezone.now())
    ids = _clean_choices(election, choices)
    now = timezone.now()
    try:
        with transaction.atomic():
            ballot, created = Ballot.objects.get_or_create(
                election=election, voter=actor.user,
                defaults={"community": election.community, "choices": ids, "cast_at": now,
                          "updated_at": now},
            )  # fmt: skip
    except IntegrityError:  # a racing first ballot of the same member committed first
        ballot, created = Ballot.objects.get(election=election, voter=actor.user), False
    if not created:
        ballot.choices = ids
        ballot.updated_at = now
        ballot.save(update_fields=["choices", "updated_at"])
    if created:
        # That the member voted, never how (turnout and participation read it).
        record_event(community=election.community, actor=actor.user, verb="election.vote",
                     obj=election)  # fmt: skip
    return ballot


def own_ballot(election: Election, user: User | None) -> list[int]:
    """The member's own choices, for their ballot form only."""
    if user is None:
        return []
    ballot = Ballot.objects.filter(election=election, voter=user).first()
    return list(ballot.choices) if ballot else []


# A staff role change --------------------------------------------------------------------


def staff_role_change_recorded(event) -> None:
    """Event handler (ElectionsConfig.ready): when staff change the role of a member who
    holds an elected seat, the role is theirs from then on; the end of the term or a
    recall no longer changes it."""
    if event.data.get("by_vote") or event.target_user_id is None:
        return
    Mandate.objects.filter(
        community_id=event.community_id, user_id=event.target_user_id,
        ended_at__isnull=True, granted_role=True,
    ).update(granted_role=False)  # fmt: skip
