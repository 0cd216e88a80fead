"""The cache counters hold under concurrency: real threads, the local-memory cache, and
Redis when one answers at 127.0.0.1:6379."""

import json
import os
import threading

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from hearth.api.api import api
from hearth.core import ratelimit

# A Redis test empties its database before and after: each xdist worker has its own
# (15, 14, …), or one worker's test would empty it under the other's.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:6379/{15 - _WORKER}",
        "KEY_PREFIX": "hearth-test-ratelimit",
    }
}


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=0.5).ping())
    except Exception:
        return False


def hammer(action, clients=2):
    """Run ``action`` in ``clients`` threads released at the same moment."""
    barrier = threading.Barrier(clients)
    results = []

    def run():
        barrier.wait()
        results.append(action())

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture(params=["locmem", "redis"])
def shared_cache(request):
    if request.param == "locmem":
        yield cache
        return
    if not _redis_answers():
        pytest.skip("no Redis at 127.0.0.1:6379")
    with override_settings(CACHES=REDIS):
        from django.core.cache import cache as redis_cache

        redis_cache.clear()
        yield redis_cache
        redis_cache.clear()


def test_two_clients_at_once_cannot_both_pass_a_limit_of_one(shared_cache):
    for attempt in range(20):
        waits = hammer(lambda n=attempt: ratelimit.interval(f"race:{n}", 60), clients=2)
        assert sorted(w == 0 for w in waits) == [False, True]


def test_a_counter_lets_exactly_its_limit_through_under_concurrency(shared_cache):
    import time

    ends = time.time() + 3600
    waits = hammer(lambda: ratelimit.count("race:count", 3, window_ends_at=ends), clients=8)
    assert sum(w == 0 for w in waits) == 3
    assert all(0 < w <= 3600 for w in waits if w)


def test_a_refusal_says_how_long_to_wait():
    assert ratelimit.interval("k", 30) == 0
    assert 29 <= ratelimit.interval("k", 30) <= 30
    assert ratelimit.wait_text(25) == "25 seconds"
    assert ratelimit.wait_text(1) == "1 second"
    assert ratelimit.wait_text(300) == "5 minutes"
    assert ratelimit.wait_text(5 * 3600 - 10) == "5 hours"


def test_the_same_submission_sent_again_is_not_counted_twice():
    assert ratelimit.interval("k", 30, token="form-1") == 0
    assert ratelimit.interval("k", 30, token="form-1") == 0
    assert ratelimit.interval("k", 30, token="form-2") > 0


def test_paused_switches_limits_off_for_the_block(settings):
    settings.HEARTH_POSTING_LIMITS = True
    assert ratelimit.enabled()
    with ratelimit.paused():
        assert not ratelimit.enabled()
    assert ratelimit.enabled()


def test_the_api_answers_429_with_retry_after():
    request = RequestFactory().post("/api/v1/anything")
    response = api.on_exception(request, ratelimit.RateLimited("Slow down.", retry_after=25))
    assert response.status_code == 429
    assert response["Retry-After"] == "25"
    assert json.loads(response.content) == {
        "error": {"code": "rate_limited", "message": "Slow down.", "fields": {}}
    }
