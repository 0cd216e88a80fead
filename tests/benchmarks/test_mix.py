"""The mixed-load benchmark's own machinery (bench/mix.py, bench/wrk/mix.lua), so it does
not rot between runs: how connections are shared, the step search, merging the classes'
latencies, reading wrk's output, and one real second of wrk with the script against a tiny
local HTTP server. No timing is asserted."""

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import mix


def test_allocate_shares_by_weight_and_gives_every_class_a_connection():
    weights = {c.key: c.weight for c in mix.CLASSES}
    for total in (1, 5, 6, 9, 13, 40, 121):
        given = mix.allocate(total, weights)
        assert sum(given.values()) == max(total, len(weights))
        assert min(given.values()) >= 1
    big = mix.allocate(105, weights)
    assert big["anon"] > big["member"] > big["search"] > big["reply"]


def test_step_totals_grow_to_the_maximum():
    assert mix.step_totals(5, 1.5, 30) == [5, 8, 12, 18, 27]
    assert mix.step_totals(1, 1.01, 4) == [1, 2, 3, 4]
    assert mix.step_totals(10, 2, 5) == []


def _class(requests, p99_ms, errors=0):
    points = [(0.0, 1.0), (50.0, p99_ms / 4), (99.0, p99_ms), (100.0, p99_ms * 1.2)]
    return mix.ClassResult(requests, 10.0, errors, points, p99_ms / 4)


def _step(connections, p99_ms, errors=0, requests=100):
    return mix.StepResult(connections, {"anon": _class(requests, p99_ms, errors)})


def test_step_search_keeps_the_best_passing_step_and_stops_at_the_first_failure():
    outcomes = {5: _step(5, 50, requests=100), 8: _step(8, 120, requests=300),
                12: _step(12, 400), 18: _step(18, 60)}  # fmt: skip
    asked = []

    def measure(total):
        asked.append(total)
        return outcomes[total]

    best, steps = mix.step_search(measure, [5, 8, 12, 18])
    assert asked == [5, 8, 12]  # stopped after 12 failed
    assert best is outcomes[8] and len(steps) == 3


def test_a_step_with_any_error_does_not_pass():
    assert mix.passes(_step(5, 50))
    assert not mix.passes(_step(5, 50, errors=1))
    assert not mix.passes(_step(5, 300))
    best, steps = mix.step_search(lambda total: _step(total, 900), [5, 8])
    assert best is None and len(steps) == 1


def test_merged_percentile_weighs_the_classes_by_their_requests():
    fast, slow = _class(990, 10.0), _class(10, 1000.0)
    one = mix.merged_percentile([fast], 99.0)
    assert one == pytest.approx(10.0, rel=0.01)
    # 1% of the requests are slow: the mix's p99 sits at the edge of the fast class's tail
    both = mix.merged_percentile([fast, slow], 99.0)
    assert 10.0 <= both <= 12.1
    assert mix.merged_percentile([fast, slow], 99.9) > 100


WRK_OUTPUT = """Running 1s test @ http://127.0.0.1:1
MIX status 403 2
MIX summary 40 1000000 0 1 0 2 0 12345
MIX pct 0 1000
MIX pct 50.00 2000
MIX pct 99.00 9000
MIX pct 100 12000
MIX mean 2500.0
"""


def test_parse_wrk_mix_reads_counts_errors_and_percentiles():
    result = mix.parse_wrk_mix(WRK_OUTPUT)
    assert (result.requests, result.errors, result.statuses) == (40, 3, {403: 2})
    assert result.rps == pytest.approx(40.0)
    assert result.at(99) == pytest.approx(9.0) and result.at(75) == pytest.approx(2 + 7 * 25 / 49)
    assert result.mean_ms == pytest.approx(2.5)


class _Handler(BaseHTTPRequestHandler):
    seen: list = []

    def _answer(self, body=b""):
        self.seen.append((self.command, self.path, self.headers.get("Cookie"), body))
        status = 403 if self.path == "/forbidden" else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def do_GET(self):
        self._answer()

    def do_POST(self):
        self._answer(self.rfile.read(int(self.headers["Content-Length"])))

    def log_message(self, *args):
        pass


@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed")
def test_the_wrk_script_cycles_requests_keeps_cookies_and_reports(tmp_path):
    _Handler.protocol_version = "HTTP/1.1"
    _Handler.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        requests = tmp_path / "requests.txt"
        requests.write_text(
            "GET\t/a\nPOST\t/reply\tbody=hi&client_token={token}\nGET\t/forbidden\n"
        )
        process = mix.run_wrk(server.server_address[1], "test", requests, 2, 1,
                              {"Cookie": "sessionid=s1"})  # fmt: skip
        out, err = process.communicate(timeout=60)
    finally:
        server.shutdown()
    assert process.returncode == 0, err
    result = mix.parse_wrk_mix(out)
    assert result.requests > 3 and result.percentiles
    assert result.statuses.get(403) == result.errors > 0
    posts = [s for s in _Handler.seen if s[0] == "POST"]
    assert posts and all(cookie == "sessionid=s1" for _m, _p, cookie, _b in _Handler.seen)
    tokens = [body.decode().split("client_token=")[1] for *_x, body in posts]
    assert len(set(tokens)) == len(tokens)  # a fresh token for every reply


INFO = {"community": "bench", "big_topic_id": 1, "big_topic_slug": "big", "search_word": "pune",
        "rare_word": "zephyrquartz"}  # fmt: skip
DATA = {"hot": [(1, "big", 500), (7, "seven", 3)], "categories": ["general"], "posts": [11, 12],
        "words": ["pune", "zephyrquartz"]}  # fmt: skip


def test_every_class_has_well_formed_requests():
    for c in mix.CLASSES:
        lines = mix.class_requests(c.key, INFO, DATA)
        assert lines
        for line in lines:
            method, path, *body = line.split("\t")
            assert method in ("GET", "POST") and path.startswith("/c/bench/")
            assert bool(body) == (method == "POST")
    replies = mix.class_requests("reply", INFO, DATA)
    assert all("client_token={token}" in line for line in replies)


def test_a_member_reads_on_to_the_last_page():
    lines = mix.class_requests("member", INFO, DATA)
    assert lines[:4] == [
        "GET\t/c/bench/t/big/1/", "GET\t/c/bench/t/big/1/?page=25",
        "GET\t/c/bench/t/seven/7/", "GET\t/c/bench/t/seven/7/?page=1",
    ]  # fmt: skip
