"""Writes for governance: the rules of voting, proposals, ballots, the close, the veto and
the adoption. Each is one transaction that checks the policy for the acting user (the
close and the adoption are the worker's, with no actor), records the interaction event
and writes the staff log.

The close runs exactly once per proposal: it locks the proposal row and does nothing
unless the proposal is still open and its time is up. A ballot takes the same lock and
is refused from the closing moment on, so no ballot counts after the tally, even when the
close task runs late."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities.models import Community
from hearth.communities.selectors import current_rules, electorate
from hearth.communities.services import rules_version_create, staff_log_record
from hearth.communities.validators import validate_rules
from hearth.core.actor import Actor
from hearth.core.events import record_event
from hearth.core.markdown import render_markdown
from hearth.discussions import policy as discussion_policy
from hearth.discussions import services as discussion_services
from hearth.discussions.models import Category, CategoryKind
from hearth.governance import policy, tally
from hearth.governance.ballots import voter_key
from hearth.governance.models import (
    MAX_MEMBER_DAYS,
    MAX_VETO_DAYS,
    MAX_VOTING_DAYS,
    Ballot,
    Choice,
    Elector,
    GovernanceSettings,
    Proposal,
    ProposalStatus,
    Threshold,
)

logger = logging.getLogger(__name__)

MAX_TITLE_CHARS = 120
MAX_REASON_CHARS = 5000
MAX_VETO_REASON_CHARS = 2000

# The settings form's fields, in order, and the range each whole number must fall in.
NUMBER_RANGES = {
    "propose_trust_level": (0, 4),
    "voting_days": (1, MAX_VOTING_DAYS),
    "quorum_percent": (1, 100),
    "vote_trust_level": (0, 4),
    "vote_member_days": (0, MAX_MEMBER_DAYS),
    "veto_days": (1, MAX_VETO_DAYS),
}


# The rules of voting ---------------------------------------------------------------------


def _number_error(field: str, value) -> str | None:
    low, high = NUMBER_RANGES[field]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        if field == "quorum_percent":
            return _(
                "Set the quorum between 1% and 100% of eligible members: 0 would let a "
                "single vote decide, and more than 100% could never be reached."
            )
        return _("Choose a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
    return None


@transaction.atomic
def settings_update(
    *,
    actor: Actor,
    proposals_enabled: bool,
    propose_trust_level: int,
    voting_days: int,
    quorum_percent: int,
    threshold: str,
    vote_trust_level: int,
    vote_member_days: int,
    owner_veto: bool,
    veto_days: int,
    discussion_category: Category | None,
) -> GovernanceSettings:
    """Change the community's rules of voting. Votes already open keep the rules they
    opened with."""
    policy.ensure_manage_settings(actor)
    community = actor.community
    numbers = {
        "propose_trust_level": propose_trust_level, "voting_days": voting_days,
        "quorum_percent": quorum_percent, "vote_trust_level": vote_trust_level,
        "vote_member_days": vote_member_days, "veto_days": veto_days,
    }  # fmt: skip
    errors = {
        field: [message]
        for field, value in numbers.items()
        if (message := _number_error(field, value)) is not None
    }
    if threshold not in Threshold.values:
        errors["threshold"] = [_("Choose a simple majority or two thirds.")]
    if discussion_category is not None and (
        discussion_category.community_id != community.pk
        or discussion_category.group_id is not None
        or discussion_category.kind != CategoryKind.DISCUSSION
    ):
        errors["discussion_category"] = [_("Choose a discussion category of this community.")]
    if errors:
        raise ValidationError(errors)
    current = GovernanceSettings.objects.select_for_update().filter(community=community).first()
    settings = current or GovernanceSettings(community=community)
    values = {
        **numbers, "proposals_enabled": bool(proposals_enabled), "threshold": threshold,
        "owner_veto": bool(owner_veto), "discussion_category_id": (
            discussion_category.pk if discussion_category else None),
    }  # fmt: skip
    changed = sorted(
        field.removesuffix("_id")
        for field, value in values.items()
        if current is None or getattr(settings, field) != value
    )
    for field, value in values.items():
        setattr(settings, field, value)
    settings.updated_at = timezone.now()
    settings.save()
    if changed:
        staff_log_record(actor, community, "governance.settings", details={"fields": changed})
        record_event(
            community=community, actor=actor.user, verb="governance.settings",
            data={"fields": changed},
        )  # fmt: skip
    return settings


# Proposals ---------------------------------------------------------------------------------


def has_open_proposal(actor: Actor) -> bool:
    return (
        actor.user is not None
        and Proposal.objects.filter(
            community=actor.community, proposer=actor.user, status=ProposalStatus.OPEN
        ).exists()
    )


def discussion_category_for(actor: Actor, settings: GovernanceSettings) -> Category | None:
    """Where the proposal's discussion topic goes: the category staff chose, else the
    community's first discussion category the proposer may start a topic in."""
    chosen = settings.discussion_category
    if chosen is not None:
        return chosen
    candidates = Category.objects.filter(
        community=actor.community, kind=CategoryKind.DISCUSSION, group__isnull=True
    ).order_by("position", "id")
    return next((c for c in candidates if discussion_policy.can_start_topic(actor, c)), None)


def _clean_proposal(title: str, reason: str, text: str, current_text: str) -> tuple[str, str, str]:
    errors: dict[str, list] = {}
    title = " ".join((title or "").split())
    reason = (reason or "").strip()
    if not title:
        errors["title"] = [_("Give the proposal a short title.")]
    elif len(title) > MAX_TITLE_CHARS:
        errors["title"] = [_("Keep the title under %(n)s characters.") % {"n": MAX_TITLE_CHARS}]
    if not reason:
        errors["reason"] = [_("Say why the rules should change: members read this first.")]
    elif len(reason) > MAX_REASON_CHARS:
        errors["reason"] = [
            _("Keep the reason under %(n)s characters.") % {"n": f"{MAX_REASON_CHARS:,}"}
        ]
    try:
        text = validate_rules(text)
    except ValidationError as exc:
        errors["text"] = exc.messages
    else:
        if text == current_text.strip():
            errors["text"] = [_("The proposed rules are the same as the current ones.")]
    if errors:
        raise ValidationError(errors)
    return title, reason, text


@transaction.atomic
def proposal_create(*, actor: Actor, title: str, reason: str, text: str) -> Proposal:
    """Put new rules to a vote at once, with a discussion topic opened by the proposer. The
    electorate is fixed now (``communities.selectors.electorate``) and the rules of the
    vote copied from the settings; the close is queued for ``closes_at``."""
    community = Community.objects.select_for_update().get(pk=actor.community.pk)
    settings = GovernanceSettings.for_community(community)
    policy.ensure_propose(actor, settings, has_open_proposal=has_open_proposal(actor))
    current = current_rules(community)
    title, reason, text = _clean_proposal(title, reason, text, current.text if current else "")
    category = discussion_category_for(actor, settings)
    if category is None:
        raise ValidationError(
            _("There is no category where the discussion can be opened; ask the staff.")
        )
    now = timezone.now()
    proposal = Proposal.objects.create(
        community=community, title=title, reason=reason, reason_html=render_markdown(reason),
        text=text, base_version=community.rules_version, proposer=actor.user,
        quorum_percent=settings.quorum_percent, threshold=settings.threshold,
        vote_trust_level=settings.vote_trust_level, vote_member_days=settings.vote_member_days,
        owner_veto=settings.owner_veto, veto_days=settings.veto_days if settings.owner_veto else 0,
        opened_at=now, closes_at=now + timedelta(days=settings.voting_days),
    )  # fmt: skip
    voters = list(
        electorate(
            community,
            min_trust_level=settings.vote_trust_level,
            min_member_days=settings.vote_member_days,
            at=now,
        ).values_list("user_id", flat=True)
    )
    Elector.objects.bulk_create(
        Elector(community=community, proposal=proposal, user_id=uid) for uid in voters
    )
    # Every elector's empty ballot now, shuffled: a vote fills one in, so the ballots' ids
    # and order say nothing about who voted when.
    keys = [voter_key(proposal.pk, uid) for uid in voters]
    random.SystemRandom().shuffle(keys)
    Ballot.objects.bulk_create(
        Ballot(community=community, proposal=proposal, voter_key=key, choice="") for key in keys
    )
    proposal.electorate_size = len(voters)
    # The list, not the proposal's own page: a post's text names no row id (ids differ
    # between installs; an exported and imported community keeps its posts as written).
    url = reverse("governance:proposals", args=[community.slug])
    proposal.topic = discussion_services.topic_create(
        actor=actor,
        category=category,
        title=(_("Rules proposal: %(title)s") % {"title": title})[
            : discussion_services.MAX_TITLE_CHARS
        ],
        body=_("%(reason)s\n\n[Read the proposed rules and vote](%(url)s)")
        % {"reason": reason, "url": url},
    )
    proposal.save(update_fields=["electorate_size", "topic"])
    details = {"proposal": proposal.pk, "title": title, "electorate": proposal.electorate_size}
    record_event(
        community=community, actor=actor.user, verb="proposal.open", obj=proposal, data=details
    )
    staff_log_record(actor, community, "proposal.open", details=details)
    transaction.on_commit(lambda: _queue_close(proposal.pk, proposal.closes_at))
    return proposal


def _queue_close(proposal_id: int, when: datetime) -> None:
    """The close at its moment, when the task backend can defer; the scheduler's catch-up
    (``governance:close``) closes it otherwise, or if this task is lost."""
    from django_tasks import default_task_backend

    from hearth.governance.tasks import close_proposal

    try:
        if default_task_backend.supports_defer:
            close_proposal.using(run_after=when).enqueue(proposal_id)
    except Exception:
        # The proposal is committed: a failed enqueue must not turn it into an error page.
        logger.exception("Could not queue the close of proposal %s", proposal_id)


def _queue_adoption(proposal_id: int, when: datetime) -> None:
    from django_tasks import default_task_backend

    from hearth.governance.tasks import adopt_after_veto_window

    try:
        if default_task_backend.supports_defer:
            adopt_after_veto_window.using(run_after=when).enqueue(proposal_id)
    except Exception:
        logger.exception("Could not queue the adoption of proposal %s", proposal_id)


# Ballots ------------------------------------------------------------------------------------


def is_elector(proposal: Proposal, user) -> bool:
    return user is not None and Elector.objects.filter(proposal=proposal, user=user).exists()


def has_voted(proposal: Proposal, user) -> bool:
    """Whether ``user`` has cast a ballot on ``proposal`` (never how they voted)."""
    return (
        user is not None
        and Ballot.objects.cast()
        .filter(proposal=proposal, voter_key=voter_key(proposal.pk, user.pk))
        .exists()
    )


@transaction.atomic
def ballot_cast(*, actor: Actor, proposal: Proposal, choice: str) -> bool:
    """Cast or change the actor's ballot; returns True for a first ballot, False for a
    changed one. The proposal row is locked, so the close cannot count while a ballot is
    being written, and one member's two ballots at once are one after the other (the later
    wins); there is one ballot row per elector (unique per proposal and voter key) and a
    vote only fills it in, so nothing can make a second."""
    if choice not in Choice.values:
        raise ValidationError({"choice": [_("Choose yes, no or abstain.")]})
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    policy.ensure_vote(actor, locked, is_elector=is_elector(locked, actor.user))
    ballot = (
        Ballot.objects.select_for_update()
        .filter(proposal=locked, voter_key=voter_key(locked.pk, actor.user.pk))
        .first()
    )
    if ballot is None:  # every elector's ballot is written at the opening
        raise PermissionDenied(_("There is no ballot for you in this vote."))
    first = ballot.choice == ""
    Ballot.objects.filter(pk=ballot.pk).update(choice=choice)
    # Who took part, never how: the choice is not in the event.
    record_event(
        community=locked.community, actor=actor.user, verb="proposal.vote", obj=locked,
        data={"changed": not first},
    )  # fmt: skip
    return first


def count_ballots(proposal: Proposal) -> tally.Tally:
    """The tally recounted from the stored ballots."""
    counts = (
        Ballot.objects.cast()
        .filter(proposal=proposal)
        .aggregate(
            yes=Count("pk", filter=Q(choice=Choice.YES)),
            no=Count("pk", filter=Q(choice=Choice.NO)),
            abstain=Count("pk", filter=Q(choice=Choice.ABSTAIN)),
        )
    )
    return tally.Tally(counts["yes"], counts["no"], counts["abstain"])


# The close, the veto, the adoption ------------------------------------------------------------


@transaction.atomic
def proposal_close(proposal_id: int, *, now: datetime | None = None) -> Proposal | None:
    """Close a vote whose time is up and publish its tally: adopted, rejected, short of a
    quorum, or passed and waiting for the owner's veto window. Nothing happens (None) when
    it is not due or was closed already, so running it twice closes it once."""
    now = now or timezone.now()
    proposal = (Proposal.objects.select_for_update().filter(pk=proposal_id)).first()
    if proposal is None or proposal.status != ProposalStatus.OPEN or now < proposal.closes_at:
        return None
    counted = count_ballots(proposal)
    outcome = tally.decide(
        counted, electorate=proposal.electorate_size, quorum_percent=proposal.quorum_percent,
        threshold=proposal.threshold,
    )  # fmt: skip
    proposal.yes_count, proposal.no_count = counted.yes, counted.no
    proposal.abstain_count = counted.abstain
    proposal.closed_at = now
    if not outcome.quorum_met:
        proposal.status = ProposalStatus.NO_QUORUM
    elif not outcome.passed:
        proposal.status = ProposalStatus.REJECTED
    elif proposal.owner_veto:
        proposal.status = ProposalStatus.AWAITING_VETO
        proposal.veto_until = now + timedelta(days=proposal.veto_days)
        transaction.on_commit(lambda: _queue_adoption(proposal.pk, proposal.veto_until))
    else:
        proposal.status = ProposalStatus.ADOPTED
    proposal.save()
    details = {
        "proposal": proposal.pk, "title": proposal.title, "result": proposal.status,
        "yes": counted.yes, "no": counted.no, "abstain": counted.abstain,
        "electorate": proposal.electorate_size,
    }  # fmt: skip
    record_event(
        community=proposal.community, actor=None, verb="proposal.close", obj=proposal,
        data=details,
    )  # fmt: skip
    staff_log_record(None, proposal.community, "proposal.close", details=details)
    if proposal.status == ProposalStatus.ADOPTED:
        _adopt(proposal, now)
    return proposal


def _adopt(proposal: Proposal, now: datetime) -> None:
    """The proposal's text becomes the next rules version, created by its proposer and
    linked to it; members are asked to accept it as after any change. Caller holds the
    proposal's lock."""
    community = Community.objects.select_for_update().get(pk=proposal.community_id)
    version = rules_version_create(
        community=community, text=proposal.text, created_by=proposal.proposer
    )
    proposal.status = ProposalStatus.ADOPTED
    proposal.rules_version = version
    proposal.decided_at = now
    proposal.save(update_fields=["status", "rules_version", "decided_at"])
    details = {
        "proposal": proposal.pk, "version": version.version, "title": proposal.title,
        "after_veto_window": proposal.veto_until is not None,
    }  # fmt: skip
    record_event(community=community, actor=None, verb="proposal.adopt", obj=proposal, data=details)
    staff_log_record(None, community, "proposal.adopt", details=details)


@transaction.atomic
def proposal_adopt_after_veto_window(proposal_id: int, *, now: datetime | None = None) -> bool:
    """Adopt a passed proposal whose veto window ended without a veto (once)."""
    now = now or timezone.now()
    proposal = (Proposal.objects.select_for_update().filter(pk=proposal_id)).first()
    if (
        proposal is None
        or proposal.status != ProposalStatus.AWAITING_VETO
        or proposal.veto_until is None
        or now < proposal.veto_until
    ):
        return False
    _adopt(proposal, now)
    return True


@transaction.atomic
def proposal_veto(*, actor: Actor, proposal: Proposal, reason: str) -> Proposal:
    """The owner stops a passed proposal in its veto window, with a reason shown publicly
    on the proposal and in the rules history's list of proposals."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why: members read it on the proposal.")]})
    if len(reason) > MAX_VETO_REASON_CHARS:
        raise ValidationError(
            {"reason": [_("Keep the reason under %(n)s characters.") % {"n": "2,000"}]}
        )
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    policy.ensure_veto(actor, locked)
    now = timezone.now()
    locked.status = ProposalStatus.VETOED
    locked.vetoed_by = actor.user
    locked.veto_reason = reason
    locked.decided_at = now
    locked.save(update_fields=["status", "vetoed_by", "veto_reason", "decided_at"])
    details = {"proposal": locked.pk, "title": locked.title}
    record_event(
        community=actor.community, actor=actor.user, verb="proposal.veto", obj=locked,
        data=details,
    )  # fmt: skip
    staff_log_record(actor, actor.community, "proposal.veto", reason=reason, details=details)
    return locked
