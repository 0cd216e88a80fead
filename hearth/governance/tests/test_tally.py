"""The count against brute force: random ballots (hypothesis), recounted one by one."""

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hearth.governance.models import Choice, Threshold
from hearth.governance.tally import Tally, decide

choices = st.lists(st.sampled_from(Choice.values), max_size=60)


def brute_force(ballots, electorate, quorum_percent, threshold):
    yes = sum(1 for b in ballots if b == "yes")
    no = sum(1 for b in ballots if b == "no")
    turnout = Fraction(len(ballots), electorate) if electorate else Fraction(0)
    quorum = electorate > 0 and turnout >= Fraction(quorum_percent, 100)
    if yes + no == 0:
        passed = False
    elif threshold == Threshold.TWO_THIRDS:
        passed = Fraction(yes, yes + no) >= Fraction(2, 3)
    else:
        passed = Fraction(yes, yes + no) > Fraction(1, 2)
    return quorum, quorum and passed


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ballots=choices,
    extra=st.integers(0, 100),
    quorum_percent=st.integers(1, 100),
    threshold=st.sampled_from(Threshold.values),
)
def test_decide_matches_a_brute_force_recount(ballots, extra, quorum_percent, threshold):
    electorate = len(ballots) + extra
    tally = Tally(ballots.count("yes"), ballots.count("no"), ballots.count("abstain"))
    assert tally.ballots == len(ballots)
    outcome = decide(tally, electorate=electorate, quorum_percent=quorum_percent,
                     threshold=threshold)  # fmt: skip
    assert (outcome.quorum_met, outcome.passed) == brute_force(
        ballots, electorate, quorum_percent, threshold
    )


def test_edges():
    majority, two_thirds = Threshold.MAJORITY, Threshold.TWO_THIRDS
    # A tie is not a majority; two thirds exactly is enough; abstentions never decide.
    assert not decide(Tally(2, 2, 0), electorate=4, quorum_percent=50, threshold=majority).passed
    assert decide(Tally(2, 1, 5), electorate=8, quorum_percent=50, threshold=two_thirds).passed
    assert not decide(Tally(0, 0, 9), electorate=9, quorum_percent=10, threshold=majority).passed
    # The quorum counts abstentions; an empty electorate never reaches one.
    assert decide(Tally(1, 0, 1), electorate=4, quorum_percent=50, threshold=majority).quorum_met
    assert not decide(
        Tally(1, 0, 0), electorate=4, quorum_percent=50, threshold=majority
    ).quorum_met
    assert not decide(Tally(0, 0, 0), electorate=0, quorum_percent=1, threshold=majority).quorum_met
