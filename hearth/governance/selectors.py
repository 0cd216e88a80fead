"""Governance reads, community first, with what the pages show joined in so lists cost a
constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, QuerySet
from django.http import Http404
from django.urls import reverse

from hearth.communities.models import Community, RulesVersion
from hearth.core.actor import Actor
from hearth.governance import diff, policy
from hearth.governance.models import Ballot, Proposal, ProposalStatus


@dataclass(frozen=True)
class HistoryEntry:
    version: RulesVersion
    proposal: Proposal | None
    rows: list[diff.Row]
    added: int
    removed: int


def rules_versions(community: Community) -> QuerySet[RulesVersion]:
    """Every rules version, newest first, with who made it and the proposal it came from."""
    return (
        RulesVersion.objects.filter(community=community)
        .select_related("created_by", "proposal")
        .order_by("-version")
    )


def history_entries(community: Community, versions: list[RulesVersion]) -> list[HistoryEntry]:
    """A page of versions with each one's diff against the version before it (one query
    for the previous texts, however long the page)."""
    wanted = {v.version - 1 for v in versions} - {v.version for v in versions} - {0}
    texts = {v.version: v.text for v in versions}
    texts.update(
        RulesVersion.objects.filter(community=community, version__in=wanted).values_list(
            "version", "text"
        )
    )
    entries = []
    for version in versions:
        previous = texts.get(version.version - 1)
        rows = diff.line_diff(previous, version.text) if previous is not None else []
        added, removed = diff.counts(rows)
        proposal = getattr(version, "proposal", None)
        entries.append(HistoryEntry(version, proposal, rows, added, removed))
    return entries


def proposals(community: Community) -> QuerySet[Proposal]:
    """Newest first, with the proposer."""
    return (
        Proposal.objects.filter(community=community)
        .select_related("proposer", "rules_version")
        .order_by("-opened_at", "-id")
    )


def with_turnout(items: list[Proposal]) -> list[Proposal]:
    """Attach ``ballot_count`` (the running turnout of open ones; closed ones carry their
    tally) to a page of proposals, in one query."""
    counts = dict(
        Ballot.objects.cast()
        .filter(proposal__in=[p.pk for p in items])
        .values("proposal")
        .annotate(n=Count("pk"))
        .values_list("proposal", "n")
    )
    for item in items:
        item.ballot_count = counts.get(item.pk, 0)
    return items


def proposal_for(actor: Actor, proposal_id: int) -> Proposal:
    """A proposal of the actor's community, if they may see the community; 404 otherwise."""
    policy.ensure_view(actor)
    proposal = (
        Proposal.objects.filter(community=actor.community, pk=proposal_id)
        .select_related("proposer", "topic", "rules_version", "vetoed_by", "community")
        .first()
    )
    if proposal is None:
        raise Http404
    return proposal


def turnout(proposal: Proposal) -> int:
    """How many ballots were cast (not what they say)."""
    return Ballot.objects.cast().filter(proposal=proposal).count()


def base_text(proposal: Proposal) -> str:
    """The rules the proposal amends (the version current when it opened)."""
    base = RulesVersion.objects.filter(
        community_id=proposal.community_id, version=proposal.base_version
    ).first()
    return base.text if base else ""


def open_proposals(community: Community) -> QuerySet[Proposal]:
    return proposals(community).filter(status=ProposalStatus.OPEN)


@dataclass(frozen=True)
class Participation:
    """One closed vote's turnout, for the health dashboard. Generic over kinds of vote (a
    rules proposal here; the moderator elections add theirs)."""

    kind: str
    title: str
    url: str
    electorate: int
    ballots: int
    closed_at: datetime

    @property
    def turnout_percent(self) -> float | None:
        return round(100 * self.ballots / self.electorate, 1) if self.electorate else None


VOTE_PARTICIPATION_LIMIT = 50


def vote_participation(
    community: Community, since: datetime, until: datetime
) -> list[Participation]:
    """Every vote closed in [since, until), newest first (at most
    ``VOTE_PARTICIPATION_LIMIT``), with its electorate and how many cast a ballot."""
    closed = (
        Proposal.objects.filter(
            community=community, closed_at__gte=since, closed_at__lt=until
        )
        .order_by("-closed_at", "-id")
        .only("pk", "title", "electorate_size", "yes_count", "no_count", "abstain_count",
              "closed_at")[:VOTE_PARTICIPATION_LIMIT]
    )  # fmt: skip
    return [
        Participation(
            kind="proposal",
            title=p.title,
            url=reverse("governance:proposal", args=[community.slug, p.pk]),
            electorate=p.electorate_size,
            ballots=p.ballots_total or 0,
            closed_at=p.closed_at,
        )
        for p in closed
    ]
