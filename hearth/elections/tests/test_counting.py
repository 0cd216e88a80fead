"""The counts: approval against a brute-force recount on random ballots, STV against an
independent instant-runoff count (one seat), a known worked example (several seats) and
its invariants."""

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from hearth.elections.counting import approval_count, count, stv_count

CANDIDATES = st.lists(st.integers(1, 40), min_size=1, max_size=6, unique=True)


@st.composite
def approval_case(draw):
    candidates = draw(CANDIDATES)
    ballots = draw(st.lists(st.lists(st.sampled_from(candidates), max_size=6), max_size=40))
    seats = draw(st.integers(1, len(candidates)))
    return candidates, ballots, seats


@st.composite
def ranked_case(draw, seats=None):
    candidates = draw(CANDIDATES)
    ballots = draw(
        st.lists(st.permutations(candidates).flatmap(
            lambda order: st.integers(0, len(order)).map(lambda n: order[:n])
        ), max_size=40)
    )  # fmt: skip
    return candidates, ballots, seats or draw(st.integers(1, len(candidates)))


@settings(max_examples=300, deadline=None)
@given(approval_case())
def test_approval_equals_a_brute_force_recount(case):
    candidates, ballots, seats = case
    lot = {c: i for i, c in enumerate(candidates)}
    approvals = {c: sum(1 for b in ballots if c in b) for c in candidates}
    # Of every set of `seats` candidates: most approvals in all, then the lot's earliest.
    best = max(
        combinations(candidates, seats),
        key=lambda s: (sum(approvals[c] for c in s), [-i for i in sorted(lot[c] for c in s)]),
    )
    result = approval_count(candidates, ballots, seats)
    assert set(result["winners"]) == set(best)
    assert {r["candidate"]: r["votes"] for r in result["tally"]} == approvals
    assert result["ballots"] == len(ballots)


def instant_runoff(candidates, ballots):
    """Independent one-seat count: drop the candidate with the fewest first choices among
    those left (the later in the lot on a tie) until one is left."""
    left = list(candidates)
    while len(left) > 1:
        firsts = {c: 0 for c in left}
        for ballot in ballots:
            top = next((c for c in ballot if c in firsts), None)
            if top is not None:
                firsts[top] += 1
        fewest = min(firsts.values())
        left.remove([c for c in left if firsts[c] == fewest][-1])
    return left


@settings(max_examples=300, deadline=None)
@given(ranked_case(seats=1))
def test_one_seat_stv_is_instant_runoff(case):
    candidates, ballots, _seats = case
    assert stv_count(candidates, ballots, 1)["winners"] == instant_runoff(candidates, ballots)


@settings(max_examples=200, deadline=None)
@given(ranked_case(), st.randoms(use_true_random=False))
def test_stv_invariants(case, rng):
    candidates, ballots, seats = case
    result = stv_count(candidates, ballots, seats)
    valid = sum(1 for b in ballots if b)
    assert len(result["winners"]) == min(seats, len(candidates))
    assert len(set(result["winners"])) == len(result["winners"])
    # In every round, the hopefuls' totals, the exhausted weight and a quota kept by each
    # candidate elected before add up to the valid ballots.
    elected_before = 0
    for r in result["rounds"]:
        total = sum(t["votes"] for t in r["totals"]) + r["exhausted"]
        total += result["quota"] * elected_before
        assert abs(total - valid) < 0.001 * (len(r["totals"]) + 1)
        elected_before += len(r["elected"])
    # A candidate with a quota of first choices is elected.
    firsts = {c: sum(1 for b in ballots if b and b[0] == c) for c in candidates}
    assert {c for c, n in firsts.items() if n >= result["quota"]} <= set(result["winners"])
    # The order of the ballots does not matter.
    shuffled = list(ballots)
    rng.shuffle(shuffled)
    assert stv_count(candidates, shuffled, seats) == result


def test_stv_worked_example():
    """Wikipedia's "Single transferable vote" example: 20 voters choose 3 of 5 foods.
    Quota 6; Chocolate elected with 12, surplus half to Strawberries and Hamburgers; Pears
    excluded and Oranges elected; Hamburgers excluded and Strawberries elected."""
    oranges, pears, chocolate, strawberries, hamburgers = 1, 2, 3, 4, 5
    ballots = (
        [[oranges]] * 4 + [[pears, oranges]] * 2 + [[chocolate, strawberries]] * 8
        + [[chocolate, hamburgers]] * 4 + [[strawberries]] + [[hamburgers]]
    )  # fmt: skip
    result = stv_count([oranges, pears, chocolate, strawberries, hamburgers], ballots, 3)
    assert result["quota"] == 6
    assert result["winners"] == [chocolate, oranges, strawberries]
    first, second = result["rounds"][:2]
    assert first["elected"] == [chocolate]
    votes = {t["candidate"]: t["votes"] for t in second["totals"]}
    assert votes == {oranges: 4, pears: 2, strawberries: 5, hamburgers: 3}
    assert second["excluded"] == [pears]
    assert [r["excluded"] or r["elected"] for r in result["rounds"]] == [
        [chocolate],
        [pears],
        [oranges],
        [hamburgers],
        [strawberries],
    ]


def test_ties_go_by_the_lot():
    assert approval_count([7, 3, 9], [[7, 3, 9]], 2)["winners"] == [7, 3]
    assert approval_count([9, 3, 7], [[7, 3, 9]], 2)["tie_broken_by_lot"] is True
    # Both have one first choice: the later in the lot is excluded first.
    assert stv_count([5, 6], [[5], [6]], 1)["winners"] == [5]
    assert stv_count([6, 5], [[5], [6]], 1)["winners"] == [6]


def test_ballots_naming_others_or_nobody_do_not_count():
    assert count("stv", [1, 2], [[], [99], [2, 2, 1]], 1)["ballots"] == 1
    assert count("approval", [1, 2], [[99], [2, 2]], 1)["tally"][0] == {"candidate": 2, "votes": 1}
