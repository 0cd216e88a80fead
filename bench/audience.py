"""What counting a page view costs a request: the page-view middleware's overhead, in-process.

    .venv/bin/python bench/audience.py [--requests 10000]

Calls ``PageViewMiddleware`` around a view that returns a ready-made page, for requests
built once with ``RequestFactory`` (anonymous visitors from 1,000 addresses, some with a
session, a signed-in member, external referrers and ``?utm_source=``), and subtracts the
same loop without the middleware. Flushes are included: with the default settings one
request in 50 writes its batch to a throwaway SQLite database (WAL, as embedded mode).
Prints microseconds per request; no timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 3  # the best round is reported: on a shared machine the others measure neighbours


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    data_dir = tempfile.mkdtemp(prefix="hearth-bench-audience-")
    os.environ["HEARTH_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)  # always the embedded SQLite, never a real database
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import atexit

    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "audience", verbosity=0)


def build_requests(n: int, community, member):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.test import RequestFactory

    rng = random.Random(6)
    factory = RequestFactory()
    agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
    referrers = ["https://www.google.com/search?q=x", "https://news.ycombinator.com/", ""]
    requests = []
    for i in range(n):
        query = "?utm_source=newsletter&utm_campaign=spring" if i % 10 == 0 else ""
        request = factory.get(
            f"/c/{community.slug}/t/topic/{i % 97}/{query}",
            HTTP_USER_AGENT=agent,
            HTTP_REFERER=rng.choice(referrers) if i % 5 == 0 else "",
            REMOTE_ADDR=f"10.0.{rng.randrange(4)}.{rng.randrange(250)}",
        )
        request.community = community
        request.user = member if i % 20 == 0 else AnonymousUser()
        request.session = SessionStore(f"session{i % 300}" if i % 4 == 0 else None)
        requests.append(request)
    return requests


def timed(handler, requests) -> float:
    started = time.perf_counter()
    for request in requests:
        handler(request)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/audience.py")
    parser.add_argument("--requests", type=int, default=10_000)
    args = parser.parse_args(argv)
    setup_django()

    from django.conf import settings
    from django.http import HttpResponse

    from hearth.accounts.models import User
    from hearth.audience.middleware import PageViewMiddleware
    from hearth.audience.models import AudienceDay
    from hearth.audience.recording import buffer
    from hearth.communities.models import Community

    member = User.objects.create(username="bench-member")
    community = Community.objects.create(slug="bench-audience", name="Bench")
    requests = build_requests(args.requests, community, member)
    page = HttpResponse("<!doctype html><p>" + "x" * 20_000, content_type="text/html")

    def view(request):
        return page

    bare = view
    counted = PageViewMiddleware(view)
    flushes = 0
    real_flush = buffer.flush

    def counting_flush():
        nonlocal flushes
        flushes += 1
        return real_flush()

    buffer.flush = counting_flush
    every = getattr(settings, "HEARTH_PAGEVIEW_FLUSH_EVERY", 50)
    results: dict[str, list[float]] = {"without": [], "with": [], "no flush": [], "bot": []}
    bots = build_requests(args.requests, community, member)
    for request in bots:
        request.META["HTTP_USER_AGENT"] = "Googlebot/2.1"
    for _ in range(ROUNDS):
        results["without"].append(timed(bare, requests))
        results["with"].append(timed(counted, requests))
        settings.HEARTH_PAGEVIEW_FLUSH_EVERY = settings.HEARTH_PAGEVIEW_FLUSH_SECONDS = 0
        results["no flush"].append(timed(counted, requests))
        buffer.take()
        del settings.HEARTH_PAGEVIEW_FLUSH_EVERY, settings.HEARTH_PAGEVIEW_FLUSH_SECONDS
        results["bot"].append(timed(counted, bots))
    buffer.flush()

    n = args.requests
    floor = min(results["without"])

    def per_request(key: str) -> float:
        return (min(results[key]) - floor) / n * 1e6

    day = AudienceDay.objects.get(community=community)
    print(f"{n:,} requests x {ROUNDS} rounds, best round; flush every {every} views (SQLite, WAL)")
    print(f"  counted page view, flushes included  {per_request('with'):7.1f} µs/request")
    print(f"  counted page view, recording only    {per_request('no flush'):7.1f} µs/request")
    print(f"  skipped (bot user agent)             {per_request('bot'):7.1f} µs/request")
    print(f"  view alone (the floor subtracted)    {floor / n * 1e6:7.1f} µs/request")
    print(
        f"  {flushes} flushes; {day.page_views:,} views and {day.visitors:,} visitors written; "
        f"spread of rounds {statistics.pstdev(results['with']) / n * 1e6:.1f} µs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
