"""Counting an election's ballots: approval and the single transferable vote (STV).

Both counts are pure functions of the candidates (in the election's *lot* order) and the
ballots, so a recount from the stored ballots gives the published result exactly.

**The lot.** When two candidates are tied where a tie matters (the last seat of an
approval count, the lowest candidate of an STV round, the order of candidates elected in
the same round), the one earlier in ``candidates`` is preferred: the election draws that
order once, when voting opens, from a hash of its id and the candidates' ids, and stores
it. Nothing in a count is random.

**Approval.** Every ballot approves any number of candidates. The ``seats`` candidates
with the most approvals win.

**STV** (several seats, ranked ballots), the Weighted Inclusive Gregory Method used for
Scottish local elections, counted exactly with fractions:

1. The quota is the Droop quota: ``floor(valid ballots / (seats + 1)) + 1``, where a valid
   ballot ranks at least one candidate.
2. Each ballot counts, at its weight (1 at the start), for its highest-ranked candidate
   still *hopeful* (neither elected nor excluded).
3. Each round: when the candidates still hopeful are no more than the seats left, they are
   all elected. Otherwise every hopeful candidate whose total reaches the quota is
   elected (highest first), and each one's surplus (total − quota) moves on: every ballot
   counting for them continues to its next hopeful choice with its weight multiplied by
   ``surplus / total``. When no one reaches the quota, the hopeful candidate with the
   fewest votes is excluded and their ballots move on at their current weight.
4. A ballot with no hopeful choice left is *exhausted*; every round shows how much weight
   is exhausted, so each round's totals and the exhausted weight add up to the valid
   ballots.

With one seat this is instant-runoff voting. Totals are shown rounded to 4 decimals; the
count itself never rounds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

APPROVAL = "approval"
STV = "stv"


def _shown(value: Fraction) -> float:
    return round(float(value), 4)


def approval_count(candidates: Sequence[int], ballots: Iterable[Iterable[int]], seats: int) -> dict:
    """Approvals per candidate and the ``seats`` most approved (ties by the lot)."""
    lot = {c: i for i, c in enumerate(candidates)}
    tally = dict.fromkeys(candidates, 0)
    cast = 0
    for ballot in ballots:
        cast += 1
        for choice in set(ballot):
            if choice in tally:
                tally[choice] += 1
    ranked = sorted(candidates, key=lambda c: (-tally[c], lot[c]))
    winners = ranked[:seats]
    tie = 0 < seats < len(ranked) and tally[ranked[seats - 1]] == tally[ranked[seats]]
    return {
        "method": APPROVAL,
        "seats": seats,
        "ballots": cast,
        "tally": [{"candidate": c, "votes": tally[c]} for c in ranked],
        "winners": winners,
        "tie_broken_by_lot": tie,
    }


@dataclass
class _Ballot:
    ranking: list[int]
    weight: Fraction
    at: int = 0  # index in ranking of the choice it counts for now

    def move_on(self, hopeful: set[int]) -> int | None:
        """Advance to the next hopeful choice; the candidate, or None when exhausted."""
        while self.at < len(self.ranking) and self.ranking[self.at] not in hopeful:
            self.at += 1
        return self.ranking[self.at] if self.at < len(self.ranking) else None


def stv_count(candidates: Sequence[int], ballots: Iterable[Sequence[int]], seats: int) -> dict:
    """The STV count described in the module docstring, round by round."""
    lot = {c: i for i, c in enumerate(candidates)}
    piles: list[_Ballot] = []
    for ranking in ballots:
        seen: list[int] = []
        for choice in ranking:
            if choice in lot and choice not in seen:
                seen.append(choice)
        if seen:
            piles.append(_Ballot(seen, Fraction(1)))
    valid = len(piles)
    quota = valid // (seats + 1) + 1
    hopeful = set(candidates)
    elected: list[int] = []
    excluded: list[int] = []
    rounds: list[dict] = []
    holder: dict[int, int | None] = {}
    for index, ballot in enumerate(piles):
        holder[index] = ballot.move_on(hopeful)

    def totals() -> dict[int, Fraction]:
        out = dict.fromkeys(hopeful, Fraction(0))
        for index, ballot in enumerate(piles):
            if holder[index] is not None:
                out[holder[index]] += ballot.weight
        return out

    def exhausted() -> Fraction:
        return sum((b.weight for i, b in enumerate(piles) if holder[i] is None), Fraction(0))

    def record(current: dict[int, Fraction], newly_elected: list[int], newly_excluded: list[int]):
        rounds.append(
            {
                "round": len(rounds) + 1,
                "totals": [
                    {"candidate": c, "votes": _shown(current[c])}
                    for c in sorted(current, key=lambda c: (-current[c], lot[c]))
                ],
                "elected": newly_elected,
                "excluded": newly_excluded,
                "exhausted": _shown(exhausted()),
            }
        )

    def transfer(from_candidate: int, factor: Fraction) -> None:
        for index, ballot in enumerate(piles):
            if holder[index] == from_candidate:
                ballot.weight *= factor
                holder[index] = ballot.move_on(hopeful)

    while len(elected) < seats and hopeful:
        current = totals()
        order = sorted(hopeful, key=lambda c: (-current[c], lot[c]))
        if len(hopeful) <= seats - len(elected):
            elected.extend(order)
            hopeful.clear()
            record(current, order, [])
            break
        reached = [c for c in order if current[c] >= quota][: seats - len(elected)]
        if reached:
            elected.extend(reached)
            hopeful.difference_update(reached)
            record(current, reached, [])
            for candidate in reached:
                surplus = current[candidate] - quota
                transfer(candidate, surplus / current[candidate])
            continue
        lowest = max(hopeful, key=lambda c: (-current[c], lot[c]))
        hopeful.discard(lowest)
        excluded.append(lowest)
        record(current, [], [lowest])
        transfer(lowest, Fraction(1))
    return {
        "method": STV,
        "seats": seats,
        "ballots": valid,
        "quota": quota,
        "rounds": rounds,
        "winners": elected,
        "excluded": excluded,
    }


def count(method: str, candidates: Sequence[int], ballots: Iterable, seats: int) -> dict:
    if method == STV:
        return stv_count(candidates, ballots, seats)
    return approval_count(candidates, ballots, seats)
