"""``/api/v1/communities/{slug}/elections…``: elections and their published results
(read-only), and casting one's own ballot (a member key or a session).

Ballots are secret: no answer says who voted or how, only how many did; a member's own
ballot is not echoed back either (the answer says it was saved)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from ninja import Field, Router, Schema

from hearth.api.access import community_actor, member_only
from hearth.api.auth import API_AUTH
from hearth.api.schemas import READ_ERRORS, WRITE_ERRORS, errors
from hearth.discussions.api import ID
from hearth.elections import policy, selectors, services
from hearth.elections.models import Election

router = Router(tags=["elections"], auth=API_AUTH)


class CandidateOut(Schema):
    id: int
    username: str
    name: str
    statement: str = Field(..., description="Markdown, as written.")


class RoundTotalOut(Schema):
    candidate_id: int
    votes: float


class RoundOut(Schema):
    round: int
    totals: list[RoundTotalOut]
    elected: list[int]
    excluded: list[int]
    exhausted: float


class ResultOut(Schema):
    ballots: int = Field(..., description="Ballots counted (for STV: those ranking anyone).")
    winners: list[int] = Field(..., description="Candidate ids, in the order elected.")
    tally: list[RoundTotalOut] = Field(
        default_factory=list, description="Approval: approvals per candidate."
    )
    quota: int | None = Field(None, description="STV: the Droop quota.")
    rounds: list[RoundOut] = Field(default_factory=list, description="STV: every round.")
    tie_broken_by_lot: bool = False


class ElectionOut(Schema):
    id: int
    title: str
    status: str = Field(..., description="nominating, voting, closed or cancelled.")
    method: str = Field(..., description='"approval" or "stv" (ranked).')
    seats: int
    term_days: int
    nominations_end_at: datetime
    voting_opens_at: datetime | None
    voting_closes_at: datetime | None
    closed_at: datetime | None
    electorate: int = Field(..., description="Members who may vote (fixed when voting opens).")
    ballots: int = Field(..., description="Ballots cast so far (running while voting).")
    candidates: list[CandidateOut] = Field(
        ..., description="Standing candidates (in ballot order once voting opened)."
    )
    can_vote: bool = Field(..., description="May the caller cast or change a ballot now?")
    result: ResultOut | None = Field(None, description="Published at the close.")


class ElectionPage(Schema):
    items: list[ElectionOut]


class BallotIn(Schema):
    choices: list[int] = Field(
        ..., max_length=100,
        description="Candidate ids: approved (any order), or ranked with the first choice first.",
    )  # fmt: skip


class BallotOut(Schema):
    saved: bool = True
    ballots: int
    electorate: int


def _result(election: Election) -> ResultOut | None:
    result = election.result
    if not result or election.status != "closed":
        return None

    def totals(rows):
        return [RoundTotalOut(candidate_id=r["candidate"], votes=r["votes"]) for r in rows]

    return ResultOut(
        ballots=result["ballots"], winners=result["winners"],
        tally=totals(result.get("tally", [])), quota=result.get("quota"),
        rounds=[
            RoundOut(round=r["round"], totals=totals(r["totals"]), elected=r["elected"],
                     excluded=r["excluded"], exhausted=r["exhausted"])
            for r in result.get("rounds", [])
        ],
        tie_broken_by_lot=result.get("tie_broken_by_lot", False),
    )  # fmt: skip


def _out(election: Election, standing, ballots: int, can_vote: bool) -> ElectionOut:
    electorate = election.electorate_size if election.voting_opens_at else 0
    return ElectionOut(
        id=election.pk, title=election.title, status=election.status, method=election.method,
        seats=election.seats, term_days=election.term_days,
        nominations_end_at=election.nominations_end_at,
        voting_opens_at=election.voting_opens_at, voting_closes_at=election.voting_closes_at,
        closed_at=election.closed_at, electorate=electorate, ballots=ballots,
        candidates=[
            CandidateOut(id=c.pk, username=c.user.username, name=c.user.name,
                         statement=c.statement)
            for c in standing
        ],
        can_vote=can_vote, result=_result(election),
    )  # fmt: skip


def _page(actor, elections: list[Election]) -> list[ElectionOut]:
    """Three queries for the whole list (and one per election still voting, for the
    caller's place on its electorate)."""
    standing = selectors.standing_by_election(elections)
    running = selectors.running_ballots(elections)
    now = timezone.now()
    return [
        _out(
            e, standing[e.pk],
            e.ballot_count if e.status == "closed" else running.get(e.pk, 0),
            e.status == "voting" and policy.can_vote(actor, e, now),
        )
        for e in elections
    ]  # fmt: skip


@router.get("/{slug}/elections", response={200: ElectionPage, **errors(*READ_ERRORS)})
def election_list(request, slug: str):
    """The community's latest 20 elections, newest first."""
    community, actor = community_actor(request, slug)
    return {"items": _page(actor, list(selectors.elections(community)[:20]))}


@router.get("/{slug}/elections/{election_id}", response={200: ElectionOut, **errors(*READ_ERRORS)})
def election_detail(request, slug: str, election_id: int = ID):
    _community, actor = community_actor(request, slug)
    return _page(actor, [selectors.election_for(actor, election_id)])[0]


@router.post(
    "/{slug}/elections/{election_id}/ballot", response={200: BallotOut, **errors(*WRITE_ERRORS)}
)
def ballot_cast(request, slug: str, payload: BallotIn, election_id: int = ID):
    """Cast or change the caller's ballot while voting is open. 403 when the caller is not
    on the electorate (fixed when voting opened), is suspended or removed, or voting is
    closed; 422 for a choice that is not a candidate on this ballot."""
    member_only(request)
    _community, actor = community_actor(request, slug)
    election = selectors.election_for(actor, election_id)
    services.ballot_cast(actor=actor, election=election, choices=payload.choices)
    cast, electorate = selectors.turnout(election)
    return BallotOut(ballots=cast, electorate=electorate)
