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


def _process(pid: int, rss: float, pss: float, uss: float) -> dict:
    return {"pid": pid, "rss_mb": rss, "pss_mb": pss, "uss_mb": uss, "command": "hearth"}


def test_the_largest_worker_is_judged_by_its_share_of_memory_and_its_resident_size_shown():
    """PSS is what a worker costs the machine: the processes' PSS add up to the memory they
    use. RSS counts every page the forked processes share in full in each one."""
    processes = [_process(10, 151.0, 82.0, 47.0), _process(11, 150.0, 84.0, 51.0)]
    processes.append(_process(12, 149.0, 83.0, 48.0))
    largest = run.worker_mb(processes, leader=10)  # the supervisor is not a worker
    assert largest == {"rss_mb": 150.0, "pss_mb": 84.0, "uss_mb": 51.0}
    lines = run.verdicts(
        [
            {
                "posts": 1_000_000,
                "results": {},
                "probe": {},
                "worker_mb": largest,
                "worker_mb_start": largest,
            }
        ]
    )
    memory = [line for line in lines.splitlines() if "largest app process" in line]
    assert memory[0].startswith("NOT met") and "84 MB PSS" in memory[0]
    assert memory[1].strip().startswith("shown:") and "150 MB resident" in memory[1]
    smaller = {"rss_mb": 130.0, "pss_mb": 75.0, "uss_mb": 48.0}
    lines = run.verdicts(
        [{"posts": 10_000, "results": {}, "probe": {}, "worker_mb": smaller,
          "worker_mb_start": smaller}]
    )  # fmt: skip
    memory = [line for line in lines.splitlines() if "largest app process" in line]
    assert memory[0].startswith("    met") and "75 MB PSS" in memory[0]


def _sized(posts: int, **rps: float) -> dict:
    results = {"floor": {"rps": 300.0}, "floor_after": {"rps": 300.0}}
    results.update({key: {"rps": value} for key, value in rps.items()})
    return {"posts": posts, "results": results}


def test_a_cached_page_that_moved_between_sizes_is_reported():
    """The floor steady at both ends, but a page from the visitors' cache read half as fast
    at one size as at the other, back to back: the machine slowed in between."""
    lines = run.steadiness([_sized(10_000, topic=203.0), _sized(1_000_000, topic=337.0)])
    assert len(lines) == 1
    assert "NOT steady" in lines[0] and "topic" in lines[0] and "203" in lines[0]


def test_cached_pages_alike_at_both_sizes_say_nothing():
    small = _sized(10_000, topic=292.5, category=337.1, home=343.8)
    large = _sized(1_000_000, topic=359.7, category=327.7, home=341.6)  # run G
    assert run.steadiness([small, large]) == []


def test_the_busiest_workers_share_of_the_cpu_time_between_two_readings():
    before = {11: 100, 12: 200}
    assert run.busiest_share(before, {11: 350, 12: 450}) == 0.5  # spread over both
    assert run.busiest_share(before, {11: 400, 12: 200}) == 1.0  # one worker did it all
    assert run.busiest_share(before, {11: 100, 12: 200}) is None  # nothing done
    assert run.busiest_share({11: 100}, {11: 300}) is None  # one worker: nothing to judge


def test_a_page_read_on_one_worker_every_time_is_reported():
    small = _sized(10_000)
    small["results"]["category"] = {"rps": 120.0, "busiest_worker_share": 0.98, "attempts": 3}
    small["results"]["topic"] = {"rps": 240.0, "busiest_worker_share": 0.51, "attempts": 1}
    lines = run.steadiness([small])
    assert len(lines) == 1
    assert "category at 10k posts" in lines[0] and "98%" in lines[0] and "3 readings" in lines[0]


def test_the_workers_cpu_time_is_read_from_proc_without_the_supervisor():
    import os

    pid = os.getpid()
    group = os.getpgid(pid)
    ticks = run.worker_cpu(group)
    if group == pid:  # this process leads its group: it is the "supervisor", left out
        assert pid not in ticks
    else:
        assert ticks[pid] >= 0
