"""What time moves on in an election, run by the worker (``tasks.advance_election``, at
each deadline, and the ``elections:advance`` catch-up at every tick):

- nominations end: voting opens with the electorate fixed in Elector rows and the lot
  drawn, or, with fewer standing candidates than seats, the election *stalls* until staff
  extend nominations or cancel it;
- voting closes: the ballots are counted (``counting``), the count is published on the
  election and the winners take their seats (a :class:`Mandate` each);
- the term ends: each mandate ends and what the election granted is undone.

Every step starts from the election row under a lock and checks its state and the clock,
so running it twice, late, or from two workers at once does it exactly once."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hearth.communities import selectors as community_selectors
from hearth.communities.models import Membership, MembershipStatus, Role
from hearth.communities.services import membership_set_role_by_vote, staff_log_record
from hearth.core.events import record_event
from hearth.elections import counting
from hearth.elections.models import (
    Ballot,
    Candidate,
    CandidateStatus,
    Election,
    ElectionStatus,
    Elector,
    Mandate,
    MandateEnd,
)


def draw_lot(election_id: int, candidate_ids: list[int]) -> list[int]:
    """The tie-breaking order: by a hash of the election's and each candidate's id, so it
    is fixed, recomputable and favours no one by name or by nomination order."""
    return sorted(
        candidate_ids,
        key=lambda c: hashlib.sha256(f"hearth-election:{election_id}:{c}".encode()).hexdigest(),
    )


def election_advance(election_id: int, now: datetime | None = None) -> str:
    """Do what is due for the election now; returns what was done ("" for nothing)."""
    now = now or timezone.now()
    with transaction.atomic():
        election = (
            Election.objects.select_for_update().select_related("community")
            .filter(pk=election_id).first()
        )  # fmt: skip
        if election is None:
            return ""
        if (
            election.status == ElectionStatus.NOMINATING
            and election.stalled_at is None
            and now >= election.nominations_end_at
        ):
            return _open_voting(election, now)
        if election.status == ElectionStatus.VOTING and now >= election.voting_closes_at:
            return _close(election, now)
        if (
            election.status == ElectionStatus.CLOSED
            and election.term_ends_at is not None
            and now >= election.term_ends_at
        ):
            return _end_term(election, now)
    return ""


def _schedule(election: Election, at: datetime) -> None:
    from hearth.elections import tasks

    transaction.on_commit(lambda: tasks.later(tasks.advance_election, at, election.pk))


def _open_voting(election: Election, now: datetime) -> str:
    community = election.community
    standing = list(
        Candidate.objects.filter(election=election, status=CandidateStatus.ACCEPTED)
        .values_list("pk", flat=True)
    )  # fmt: skip
    if len(standing) < election.seats:
        election.stalled_at = now
        election.save(update_fields=["stalled_at"])
        details = {"election": election.pk, "seats": election.seats, "candidates": len(standing)}
        staff_log_record(None, community, "election.stalled", details=details)
        record_event(community=community, actor=None, verb="election.stalled", obj=election,
                     data=details)  # fmt: skip
        return "stalled"
    voters = community_selectors.electorate(
        community,
        min_trust_level=election.voter_min_trust_level,
        min_member_days=election.voter_min_member_days,
        at=now,
    ).values_list("user_id", flat=True)
    Elector.objects.bulk_create(
        [Elector(community=community, election=election, user_id=uid) for uid in voters],
        batch_size=1000,
    )
    election.electorate_size = Elector.objects.filter(election=election).count()
    election.lot = draw_lot(election.pk, standing)
    election.status = ElectionStatus.VOTING
    election.voting_opens_at = now
    election.voting_closes_at = now + timedelta(days=election.voting_days)
    election.save(update_fields=[
        "electorate_size", "lot", "status", "voting_opens_at", "voting_closes_at"])  # fmt: skip
    details = {"election": election.pk, "electorate": election.electorate_size,
               "candidates": len(standing)}  # fmt: skip
    staff_log_record(None, community, "election.voting", details=details)
    record_event(community=community, actor=None, verb="election.voting", obj=election,
                 data=details)  # fmt: skip
    _schedule(election, election.voting_closes_at)
    return "voting"


def recount(election: Election) -> dict:
    """The count from the stored ballots (what the close publishes, and what a check
    compares the published result with)."""
    ballots = (
        Ballot.objects.filter(election=election).order_by("pk").values_list("choices", flat=True)
    )
    return counting.count(election.method, election.lot, list(ballots), election.seats)


def _close(election: Election, now: datetime) -> str:
    community = election.community
    result = recount(election)
    election.result = result
    election.ballot_count = Ballot.objects.filter(election=election).count()
    election.status = ElectionStatus.CLOSED
    election.closed_at = now
    election.term_ends_at = now + timedelta(days=election.term_days)
    election.save(update_fields=[
        "result", "ballot_count", "status", "closed_at", "term_ends_at"])  # fmt: skip
    winners = result["winners"]
    candidates = {
        c.pk: c for c in Candidate.objects.filter(election=election).select_related("user")
    }
    seated = [_seat(election, candidates[c].user, now) for c in winners]
    details = {
        "election": election.pk, "title": election.title, "ballots": election.ballot_count,
        "electorate": election.electorate_size,
        "winners": [candidates[c].user_id for c in winners],
        "candidates": [candidates[c].user_id for c in election.lot],
    }  # fmt: skip
    staff_log_record(None, community, "election.close", details=details)
    record_event(community=community, actor=None, verb="election.close", obj=election,
                 data=details)  # fmt: skip
    _schedule(election, election.term_ends_at)
    return f"closed: {sum(seated)} seated"


def _current_mandates(community_id: int, user_id: int, now: datetime):
    return Mandate.objects.filter(
        community_id=community_id, user_id=user_id, ended_at__isnull=True, ends_at__gt=now
    )


def _seat(election: Election, user, now: datetime) -> bool:
    """Give a winner their seat: a mandate for the term and, if they were a member, the
    moderator role. A winner who is already a moderator by an earlier election keeps the
    role through this mandate (re-elected); one who is a moderator, admin or owner by
    staff's choice keeps their role, which the election then never undoes."""
    community = election.community
    membership = Membership.objects.filter(community=community, user=user).first()
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        return False
    if membership.role == Role.MEMBER:
        granted = True
    else:
        granted = (
            membership.role == Role.MODERATOR
            and _current_mandates(community.pk, user.pk, now).filter(granted_role=True).exists()
        )
    Mandate.objects.create(
        community=community, election=election, user=user, granted_role=granted,
        starts_at=now, ends_at=election.term_ends_at,
    )  # fmt: skip
    details = {"election": election.pk, "until": election.term_ends_at.isoformat()}
    if membership.role == Role.MEMBER:
        membership_set_role_by_vote(
            membership=membership, role=Role.MODERATOR, action="election.seat", details=details
        )
    else:
        staff_log_record(None, community, "election.seat", target_user=user,
                         details={**details, "role_kept": membership.role})  # fmt: skip
    return True


def mandate_end(mandate: Mandate, *, reason: str, now: datetime, action: str) -> None:
    """End a mandate and undo what it granted: the moderator role, back to member, unless
    another elected seat of theirs is still current, staff took the role over (then
    ``granted_role`` is false) or they are no longer a moderator. Caller holds a
    transaction."""
    mandate.ended_at = now
    mandate.end_reason = reason
    mandate.save(update_fields=["ended_at", "end_reason"])
    details = {"election": mandate.election_id, "reason": reason}
    membership = Membership.objects.filter(
        community_id=mandate.community_id, user_id=mandate.user_id
    ).first()
    still_seated = _current_mandates(mandate.community_id, mandate.user_id, now).exists()
    if membership is None or not mandate.granted_role or still_seated:
        staff_log_record(None, mandate.community, action, target_user=mandate.user,
                         details={**details, "role_kept": True})  # fmt: skip
        return
    if (
        membership.status == MembershipStatus.BANNED
        and membership.role_before_ban == Role.MODERATOR
    ):
        # Lifting the ban later must not bring back a seat that has ended.
        Membership.objects.filter(pk=membership.pk).update(role_before_ban=Role.MEMBER)
    if membership.role == Role.MODERATOR and membership.status == MembershipStatus.ACTIVE:
        membership_set_role_by_vote(
            membership=membership, role=Role.MEMBER, action=action, details=details
        )
    else:
        staff_log_record(None, mandate.community, action, target_user=mandate.user,
                         details=details)  # fmt: skip


def _end_term(election: Election, now: datetime) -> str:
    from hearth.elections.recalls import lapse_recalls

    ending = Mandate.objects.filter(election=election, ended_at__isnull=True).select_related(
        "community", "user"
    )
    ended = 0
    for mandate in ending.select_for_update(of=("self",)):
        mandate_end(mandate, reason=MandateEnd.TERM, now=now, action="election.term_end")
        ended += 1
    lapse_recalls(election, now)
    return f"term ended: {ended}"


def due_elections(now: datetime) -> list[int]:
    """Elections with a step due now (for the catch-up)."""
    due = Q(status=ElectionStatus.NOMINATING, stalled_at__isnull=True,
            nominations_end_at__lte=now) | Q(
        status=ElectionStatus.VOTING, voting_closes_at__lte=now
    ) | Q(
        status=ElectionStatus.CLOSED, term_ends_at__lte=now,
        mandates__ended_at__isnull=True,
    )  # fmt: skip
    return list(Election.objects.filter(due).values_list("pk", flat=True).distinct())
