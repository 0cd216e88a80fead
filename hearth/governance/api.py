"""``/api/v1/communities/{slug}/rules/history`` and ``…/proposals``: the rules history and
the rules proposals (read-only), and casting a ballot.

As public as the community (``community_actor`` answers 404 otherwise). A ballot goes
through ``services.ballot_cast`` (the governance policy decides, as for the page). Nothing
here says who voted how: a proposal shows the running number of ballots while open and
the tally once closed; ``has_voted`` tells the caller about their own ballot only."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema

from hearth.api.access import community_actor
from hearth.api.auth import API_AUTH
from hearth.api.cursor import CursorQuery, page
from hearth.api.schemas import READ_ERRORS, WRITE_ERRORS, errors
from hearth.communities.models import RulesVersion
from hearth.discussions.api import ID, AuthorOut, Strict
from hearth.governance import policy, selectors, services
from hearth.governance.models import Choice, Proposal

router = Router(tags=["governance"], auth=API_AUTH)

ChoiceName = Literal[tuple(Choice.values)]  # type: ignore[valid-type]


class TallyOut(Schema):
    yes: int
    no: int
    abstain: int
    ballots: int
    electorate: int


class RulesVersionOut(Schema):
    version: int
    created_at: datetime
    created_by: AuthorOut | None
    adopted_by: Literal["creation", "staff", "vote"] = Field(
        ..., description="How it was adopted: the first rules, a staff edit, or a vote."
    )
    proposal_id: int | None
    tally: TallyOut | None = Field(None, description="The vote's tally, when adopted by one.")
    text: str


class RulesVersionPage(Schema):
    items: list[RulesVersionOut]
    next_cursor: str | None


class VoteRulesOut(Schema):
    quorum_percent: int
    threshold: str
    vote_trust_level: int
    vote_member_days: int
    owner_veto: bool
    veto_days: int


class ProposalOut(Schema):
    id: int
    title: str
    status: str
    reason: str
    text: str
    base_version: int
    proposer: AuthorOut | None
    topic_id: int | None
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    electorate: int
    ballots: int = Field(..., description="Ballots cast so far (the turnout, never the tally).")
    tally: TallyOut | None = Field(None, description="Published when the vote closes.")
    rules: VoteRulesOut
    veto_until: datetime | None
    veto_reason: str
    rules_version: int | None
    can_vote: bool = Field(False, description="Whether the caller may vote now.")
    has_voted: bool = Field(False, description="Whether the caller has a ballot.")


class ProposalPage(Schema):
    items: list[ProposalOut]
    next_cursor: str | None


class BallotIn(Strict):
    choice: ChoiceName


class BallotOut(Schema):
    first_ballot: bool = Field(..., description="False when this changed an earlier ballot.")
    ballots: int
    electorate: int


def _tally(p: Proposal) -> TallyOut | None:
    if p.yes_count is None:
        return None
    return TallyOut(
        yes=p.yes_count, no=p.no_count, abstain=p.abstain_count, ballots=p.ballots_total,
        electorate=p.electorate_size,
    )  # fmt: skip


def _version_out(v: RulesVersion) -> RulesVersionOut:
    proposal = getattr(v, "proposal", None)
    how = "vote" if proposal is not None else ("creation" if v.version == 1 else "staff")
    return RulesVersionOut(
        version=v.version, created_at=v.created_at, created_by=v.created_by, adopted_by=how,
        proposal_id=proposal.pk if proposal else None,
        tally=_tally(proposal) if proposal else None, text=v.text,
    )  # fmt: skip


def _proposal_out(actor, p: Proposal, ballots: int, *, mine: bool = False) -> ProposalOut:
    elector = mine and services.is_elector(p, actor.user)
    return ProposalOut(
        id=p.pk, title=p.title, status=p.status, reason=p.reason, text=p.text,
        base_version=p.base_version, proposer=p.proposer, topic_id=p.topic_id,
        opened_at=p.opened_at, closes_at=p.closes_at, closed_at=p.closed_at,
        electorate=p.electorate_size, ballots=ballots, tally=_tally(p),
        rules=VoteRulesOut(
            quorum_percent=p.quorum_percent, threshold=p.threshold,
            vote_trust_level=p.vote_trust_level, vote_member_days=p.vote_member_days,
            owner_veto=p.owner_veto, veto_days=p.veto_days,
        ),
        veto_until=p.veto_until, veto_reason=p.veto_reason,
        rules_version=p.rules_version.version if p.rules_version_id else None,
        can_vote=mine and policy.can_vote(actor, p, is_elector=elector),
        has_voted=elector and services.has_voted(p, actor.user),
    )  # fmt: skip


@router.get("/{slug}/rules/history", response={200: RulesVersionPage, **errors(*READ_ERRORS)})
def rules_history(request, slug: str, query: Query[CursorQuery]):
    """Every rules version, newest first, with how it was adopted and, for a vote, its
    tally (cursor-paginated)."""
    community, _actor = community_actor(request, slug)
    result = page(
        selectors.rules_versions(community), ("-version",), query,
        scope=f"rules-history:{community.pk}",
    )  # fmt: skip
    result["items"] = [_version_out(v) for v in result["items"]]
    return result


@router.get("/{slug}/proposals", response={200: ProposalPage, **errors(*READ_ERRORS)})
def proposal_list(request, slug: str, query: Query[CursorQuery]):
    """Rules proposals, newest first (cursor-paginated)."""
    community, actor = community_actor(request, slug)
    result = page(
        selectors.proposals(community), ("-opened_at", "-id"), query,
        scope=f"proposals:{community.pk}",
    )  # fmt: skip
    items = selectors.with_turnout(result["items"])
    result["items"] = [_proposal_out(actor, p, p.ballot_count) for p in items]
    return result


@router.get("/{slug}/proposals/{proposal_id}", response={200: ProposalOut, **errors(*READ_ERRORS)})
def proposal_detail(request, slug: str, proposal_id: int = ID):
    """One proposal, with whether the caller may vote and has voted."""
    _community, actor = community_actor(request, slug)
    proposal = selectors.proposal_for(actor, proposal_id)
    return _proposal_out(actor, proposal, selectors.turnout(proposal), mine=True)


@router.put(
    "/{slug}/proposals/{proposal_id}/vote", response={200: BallotOut, **errors(*WRITE_ERRORS)}
)
def proposal_vote(request, slug: str, payload: BallotIn, proposal_id: int = ID):
    """Cast your ballot (yes, no or abstain), or change it until the close. Refused (403)
    with the reason to members who could not vote when it opened, to suspended or banned
    members, and after the close."""
    _community, actor = community_actor(request, slug)
    proposal = selectors.proposal_for(actor, proposal_id)
    first = services.ballot_cast(actor=actor, proposal=proposal, choice=payload.choice)
    return BallotOut(
        first_ballot=first, ballots=selectors.turnout(proposal), electorate=proposal.electorate_size
    )
