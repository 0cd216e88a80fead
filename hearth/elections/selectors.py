"""Reads for elections and recalls, community-scoped, with what the pages show joined.
Nothing here returns who cast which ballot: only counts, and a member's own ballot to
themselves (``services.own_ballot``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities import policy as community_policy
from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.elections.models import (
    Ballot,
    Candidate,
    CandidateStatus,
    Election,
    ElectionStatus,
    Mandate,
    Recall,
    RecallBallot,
    RecallStatus,
)
from hearth.governance.selectors import Participation


def elections(community: Community) -> QuerySet[Election]:
    return (
        Election.objects.filter(community=community)
        .annotate(
            standing=Count("candidates", filter=Q(candidates__status=CandidateStatus.ACCEPTED))
        )
        .order_by("-created_at", "-id")
    )


def election_for(actor: Actor, election_id: int) -> Election:
    """An election of the actor's community they may see, or 404."""
    community = actor.community
    if community is None or not community_policy.sees_inside(actor, community):
        raise Http404
    election = (
        Election.objects.filter(community=community, pk=election_id)
        .select_related("community", "created_by")
        .first()
    )
    if election is None:
        raise Http404
    return election


def candidate_for(election: Election, candidate_id: int) -> Candidate:
    candidate = (
        Candidate.objects.filter(election=election, pk=candidate_id)
        .select_related("user", "election__community")
        .first()
    )
    if candidate is None:
        raise Http404
    return candidate


def candidates(election: Election) -> list[Candidate]:
    """Everyone nominated, standing candidates first (on the ballot, in the lot's order
    once voting opened); never-accepted nominations are never on a ballot."""
    rows = list(Candidate.objects.filter(election=election).select_related("user", "nominated_by"))
    lot = {c: i for i, c in enumerate(election.lot)}
    rows.sort(key=lambda c: (c.status != CandidateStatus.ACCEPTED, lot.get(c.pk, len(lot)),
                             c.user.name.lower()))  # fmt: skip
    return rows


def standing_by_election(elections: list[Election]) -> dict[int, list[Candidate]]:
    """Each election's standing candidates (ballot order once voting opened), in one
    query for a whole list."""
    out: dict[int, list[Candidate]] = {e.pk: [] for e in elections}
    for candidate in Candidate.objects.filter(
        election__in=elections, status=CandidateStatus.ACCEPTED
    ).select_related("user"):
        out[candidate.election_id].append(candidate)
    for election in elections:
        lot = {c: i for i, c in enumerate(election.lot)}
        out[election.pk].sort(key=lambda c: (lot.get(c.pk, len(lot)), c.nominated_at, c.pk))
    return out


def running_ballots(elections: list[Election]) -> dict[int, int]:
    """Ballots cast so far in the elections still voting (one query)."""
    voting = [e.pk for e in elections if e.status == ElectionStatus.VOTING]
    if not voting:
        return {}
    return dict(
        Ballot.objects.filter(election_id__in=voting)
        .values_list("election_id")
        .annotate(n=Count("id"))
        .values_list("election_id", "n")
    )


def own_candidacy(election: Election, user) -> Candidate | None:
    if user is None:
        return None
    return Candidate.objects.filter(election=election, user=user).select_related("user").first()


def turnout(election: Election) -> tuple[int, int]:
    """(ballots cast, electorate) — running while voting, final after the close."""
    if election.status == ElectionStatus.CLOSED:
        return election.ballot_count, election.electorate_size
    if election.status != ElectionStatus.VOTING:
        return 0, 0
    return Ballot.objects.filter(election=election).count(), election.electorate_size


@dataclass
class Row:
    candidate: Candidate
    votes: float
    elected: bool = False
    excluded: bool = False


@dataclass
class Round:
    number: int
    rows: list[Row]
    exhausted: float


@dataclass
class Results:
    method: str
    ballots: int
    winners: list[Candidate]
    tally: list[Row]
    rounds: list[Round]
    quota: int | None
    tie_broken_by_lot: bool


def results(election: Election, by_id: dict[int, Candidate]) -> Results | None:
    """The published count, with candidates in place of ids (None before the close)."""
    result = election.result
    if election.status != ElectionStatus.CLOSED or not result:
        return None
    winners = set(result["winners"])
    tally = [Row(by_id[r["candidate"]], r["votes"], r["candidate"] in winners)
             for r in result.get("tally", [])]  # fmt: skip
    rounds = [
        Round(
            r["round"],
            [
                Row(
                    by_id[t["candidate"]],
                    t["votes"],
                    t["candidate"] in r["elected"],
                    t["candidate"] in r["excluded"],
                )
                for t in r["totals"]
            ],  # fmt: skip
            r["exhausted"],
        )
        for r in result.get("rounds", [])
    ]
    return Results(
        method=result["method"], ballots=result["ballots"],
        winners=[by_id[c] for c in result["winners"]], tally=tally, rounds=rounds,
        quota=result.get("quota"), tie_broken_by_lot=result.get("tie_broken_by_lot", False),
    )  # fmt: skip


def current_mandates(community: Community, now: datetime | None = None) -> QuerySet[Mandate]:
    """Elected moderators whose term runs now."""
    now = now or timezone.now()
    return (
        Mandate.objects.filter(community=community, ended_at__isnull=True, ends_at__gt=now)
        .select_related("user", "election")
        .order_by("ends_at", "id")
    )


def mandate_for(actor: Actor, mandate_id: int) -> Mandate:
    community = actor.community
    if community is None or not community_policy.sees_inside(actor, community):
        raise Http404
    mandate = (
        Mandate.objects.filter(community=community, pk=mandate_id)
        .select_related("user", "election__community", "community")
        .first()
    )
    if mandate is None:
        raise Http404
    return mandate


def recall_for(actor: Actor, recall_id: int) -> Recall:
    community = actor.community
    if community is None or not community_policy.sees_inside(actor, community):
        raise Http404
    recall = (
        Recall.objects.filter(community=community, pk=recall_id)
        .select_related(
            "mandate__user", "mandate__election__community", "started_by", "community"
        )  # fmt: skip
        .first()
    )
    if recall is None:
        raise Http404
    return recall


def recalls_of(election: Election) -> QuerySet[Recall]:
    return (
        Recall.objects.filter(mandate__election=election)
        .select_related("mandate__user")
        .order_by("-created_at", "-id")
    )


def recall_turnout(recall: Recall) -> int:
    if recall.status == RecallStatus.VOTING:
        return RecallBallot.objects.filter(recall=recall).count()
    return recall.yes + recall.no


def own_recall_vote(recall: Recall, user) -> bool | None:
    if user is None:
        return None
    ballot = RecallBallot.objects.filter(recall=recall, voter=user).first()
    return ballot.remove if ballot else None


# The health dashboard's participation in votes ------------------------------------------


def vote_participation(
    community: Community, since: datetime, until: datetime
) -> list[Participation]:
    """Elections whose results were published and recall votes that closed in
    [since, until), oldest first: how many could vote and how many did."""
    slug = community.slug
    rows = [
        Participation(
            kind="election", title=e.title, url=reverse("elections:detail", args=[slug, e.pk]),
            electorate=e.electorate_size, ballots=e.ballot_count, closed_at=e.closed_at,
        )
        for e in Election.objects.filter(
            community=community, status=ElectionStatus.CLOSED,
            closed_at__gte=since, closed_at__lt=until,
        )
    ]  # fmt: skip
    recalls = Recall.objects.filter(
        community=community, status__in=(RecallStatus.PASSED, RecallStatus.FAILED),
        closed_at__gte=since, closed_at__lt=until,
    ).select_related("mandate__user")  # fmt: skip
    rows += [
        Participation(
            kind="recall",
            title=_("Recall of %(name)s") % {"name": r.mandate.user.name},
            url=reverse("elections:recall", args=[slug, r.pk]),
            electorate=r.electorate_size,
            ballots=r.yes + r.no,
            closed_at=r.closed_at,
        )
        for r in recalls
    ]
    return sorted(rows, key=lambda row: row.closed_at)
