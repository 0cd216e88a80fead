"""The discussions benchmark's report (bench/run.py): the steadiness warning."""

from bench import run


def _run(before: float, after: float) -> dict:
    return {
        "posts": 1_000_000,
        "results": {"floor": {"rps": before}, "floor_after": {"rps": after}},
    }


def test_a_floor_that_moved_during_the_run_is_reported():
    lines = run.steadiness([_run(158.8, 334.4)])
    assert len(lines) == 1
    assert "NOT steady" in lines[0] and "1M posts" in lines[0] and "111%" in lines[0]


def test_a_steady_floor_says_nothing():
    assert run.steadiness([_run(303.6, 311.1)]) == []


def test_a_missing_reading_says_nothing():
    assert run.steadiness([{"posts": 10_000, "results": {"floor": {"rps": 200.0}}}]) == []
