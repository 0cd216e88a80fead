"""Recalling an elected moderator: a petition, then a yes/no vote.

Members eligible under the election's voting rules start a petition during the term; when
its signatures reach the election's share (``recall_percent``) of those eligible when it
started, a recall vote opens with its electorate fixed then, for the election's voting
period. It passes with more yes than no; the moderator's mandate then ends and what the
election granted is undone (``lifecycle.mandate_end``). A recall of a term that has ended
is refused, and one under way when the term ends lapses."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities import selectors as community_selectors
from hearth.communities.services import staff_log_record
from hearth.core.actor import Actor
from hearth.core.events import record_event
from hearth.core.markdown import clean_text
from hearth.elections import policy
from hearth.elections.lifecycle import mandate_end
from hearth.elections.models import (
    Election,
    Mandate,
    MandateEnd,
    Recall,
    RecallBallot,
    RecallElector,
    RecallSignature,
    RecallStatus,
)

OPEN = (RecallStatus.PETITION, RecallStatus.VOTING)


def _electorate(election: Election, now: datetime):
    return community_selectors.electorate(
        election.community,
        min_trust_level=election.voter_min_trust_level,
        min_member_days=election.voter_min_member_days,
        at=now,
    )


def _schedule(recall: Recall, at: datetime) -> None:
    from hearth.elections import tasks

    transaction.on_commit(lambda: tasks.later(tasks.advance_recall, at, recall.pk))


def _locked(recall: Recall) -> Recall:
    return (
        Recall.objects.select_for_update()
        .select_related("mandate__election__community", "mandate__user", "community")
        .get(pk=recall.pk)
    )


@transaction.atomic
def recall_start(*, actor: Actor, mandate: Mandate, reason: str) -> Recall:
    """Start a petition to recall an elected moderator; the starter's signature is the
    first."""
    mandate = (
        Mandate.objects.select_for_update().select_related("election__community", "user")
        .get(pk=mandate.pk)
    )  # fmt: skip
    now = timezone.now()
    policy.ensure_start_recall(actor, mandate, now)
    reason = clean_text(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why this moderator should be recalled.")]})
    if len(reason) > 2000:
        raise ValidationError({"reason": [_("Keep the reason under 2,000 characters.")]})
    election = mandate.election
    eligible = _electorate(election, now).count()
    needed = max(1, math.ceil(eligible * election.recall_percent / 100))
    recall = Recall.objects.create(
        community=mandate.community, mandate=mandate, started_by=actor.user, reason=reason,
        signatures_needed=needed, created_at=now,
    )  # fmt: skip
    record_event(community=mandate.community, actor=actor.user, verb="recall.start",
                 target_user=mandate.user, obj=recall,
                 data={"election": election.pk, "needed": needed})  # fmt: skip
    return _sign(actor, recall, now)


@transaction.atomic
def recall_sign(*, actor: Actor, recall: Recall) -> Recall:
    recall = _locked(recall)
    now = timezone.now()
    policy.ensure_sign_recall(actor, recall, now)
    return _sign(actor, recall, now)


def _sign(actor: Actor, recall: Recall, now: datetime) -> Recall:
    try:
        with transaction.atomic():
            RecallSignature.objects.create(
                community=recall.community, recall=recall, user=actor.user, signed_at=now
            )
    except IntegrityError as exc:
        raise ValidationError(_("You have already signed this petition.")) from exc
    Recall.objects.filter(pk=recall.pk).update(signature_count=F("signature_count") + 1)
    recall.signature_count += 1
    record_event(community=recall.community, actor=actor.user, verb="recall.sign", obj=recall)
    if recall.signature_count >= recall.signatures_needed:
        _open_vote(recall, now)
    return recall


def _open_vote(recall: Recall, now: datetime) -> None:
    election = recall.mandate.election
    voters = _electorate(election, now).exclude(user_id=recall.mandate.user_id)
    RecallElector.objects.bulk_create(
        [
            RecallElector(community=recall.community, recall=recall, user_id=uid)
            for uid in voters.values_list("user_id", flat=True)
        ],
        batch_size=1000,
    )
    recall.electorate_size = RecallElector.objects.filter(recall=recall).count()
    recall.status = RecallStatus.VOTING
    recall.voting_opens_at = now
    recall.voting_closes_at = now + timedelta(days=election.voting_days)
    recall.save(update_fields=["electorate_size", "status", "voting_opens_at", "voting_closes_at"])
    details = {"recall": recall.pk, "election": election.pk, "electorate": recall.electorate_size}
    staff_log_record(None, recall.community, "recall.vote", target_user=recall.mandate.user,
                     details=details)  # fmt: skip
    record_event(community=recall.community, actor=None, verb="recall.vote",
                 target_user=recall.mandate.user, obj=recall, data=details)  # fmt: skip
    _schedule(recall, recall.voting_closes_at)


@transaction.atomic
def recall_ballot_cast(*, actor: Actor, recall: Recall, remove: bool) -> RecallBallot:
    """Vote yes (``remove``) or no; changeable until the close, never after it."""
    recall = _locked(recall)
    now = timezone.now()
    policy.ensure_vote_recall(actor, recall, now)
    try:
        with transaction.atomic():
            ballot, created = RecallBallot.objects.get_or_create(
                recall=recall, voter=actor.user,
                defaults={"community": recall.community, "remove": remove, "cast_at": now,
                          "updated_at": now},
            )  # fmt: skip
    except IntegrityError:
        ballot, created = RecallBallot.objects.get(recall=recall, voter=actor.user), False
    if not created:
        ballot.remove = remove
        ballot.updated_at = now
        ballot.save(update_fields=["remove", "updated_at"])
    else:
        record_event(community=recall.community, actor=actor.user, verb="recall.ballot",
                     obj=recall)  # fmt: skip
    return ballot


def recall_advance(recall_id: int, now: datetime | None = None) -> str:
    """Close a recall vote that is due, or lapse a recall whose term ended (once)."""
    now = now or timezone.now()
    with transaction.atomic():
        recall = Recall.objects.filter(pk=recall_id).first()
        if recall is None:
            return ""
        recall = _locked(recall)
        mandate = recall.mandate
        if recall.status in OPEN and (mandate.ended_at is not None or mandate.ends_at <= now):
            _finish(recall, RecallStatus.LAPSED, now)
            return "lapsed"
        if recall.status == RecallStatus.VOTING and now >= recall.voting_closes_at:
            votes = RecallBallot.objects.filter(recall=recall)
            recall.yes = votes.filter(remove=True).count()
            recall.no = votes.filter(remove=False).count()
            passed = recall.yes > recall.no
            _finish(recall, RecallStatus.PASSED if passed else RecallStatus.FAILED, now)
            if passed:
                mandate_end(mandate, reason=MandateEnd.RECALLED, now=now, action="recall.removed")
            return "passed" if passed else "failed"
    return ""


def _finish(recall: Recall, status: str, now: datetime) -> None:
    recall.status = status
    recall.closed_at = now
    recall.save(update_fields=["status", "closed_at", "yes", "no"])
    details = {
        "recall": recall.pk,
        "election": recall.mandate.election_id,
        "outcome": status,
        "yes": recall.yes,
        "no": recall.no,
        "electorate": recall.electorate_size,
    }
    staff_log_record(None, recall.community, "recall.close", target_user=recall.mandate.user,
                     details=details)  # fmt: skip
    record_event(community=recall.community, actor=None, verb="recall.close",
                 target_user=recall.mandate.user, obj=recall, data=details)  # fmt: skip


def lapse_recalls(election: Election, now: datetime) -> None:
    for recall_id in Recall.objects.filter(mandate__election=election, status__in=OPEN).values_list(
        "pk", flat=True
    ):
        recall_advance(recall_id, now)


def due_recalls(now: datetime) -> list[int]:
    due = Q(status=RecallStatus.VOTING, voting_closes_at__lte=now) | Q(
        status__in=OPEN, mandate__ends_at__lte=now
    ) | Q(status__in=OPEN, mandate__ended_at__isnull=False)  # fmt: skip
    return list(Recall.objects.filter(due).values_list("pk", flat=True))
