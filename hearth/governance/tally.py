"""How a vote is decided, from its counts alone (no database): quorum first, then the
threshold. Kept pure so tests can check it against brute-force recounts."""

from __future__ import annotations

from dataclasses import dataclass

from hearth.governance.models import Threshold


@dataclass(frozen=True)
class Tally:
    yes: int
    no: int
    abstain: int

    @property
    def ballots(self) -> int:
        return self.yes + self.no + self.abstain


@dataclass(frozen=True)
class Outcome:
    quorum_met: bool
    passed: bool  # quorum met and the threshold reached


def quorum_met(ballots: int, electorate: int, quorum_percent: int) -> bool:
    """At least ``quorum_percent`` % of the electorate cast a ballot (abstentions count:
    they took part). An empty electorate never reaches a quorum."""
    return electorate > 0 and ballots * 100 >= quorum_percent * electorate


def threshold_met(yes: int, no: int, threshold: str) -> bool:
    """Of the yes and no votes (abstentions left out): more yes than no, or at least two
    thirds yes. No yes vote never passes."""
    if yes == 0:
        return False
    if threshold == Threshold.TWO_THIRDS:
        return 3 * yes >= 2 * (yes + no)
    return yes > no


def decide(tally: Tally, *, electorate: int, quorum_percent: int, threshold: str) -> Outcome:
    quorum = quorum_met(tally.ballots, electorate, quorum_percent)
    return Outcome(
        quorum_met=quorum, passed=quorum and threshold_met(tally.yes, tally.no, threshold)
    )
