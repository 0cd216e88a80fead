"""Settings for the benchmark server: the app's own settings, plus a "framework floor" page.

Only the URLconf (``bench.urls`` adds ``/__floor__``), the template directory of the floor
page, the test client's host name and (see below) persistent database connections differ
from ``hearth.settings``; everything else that costs time per request (middleware,
sessions, queries, templates) is the app's own."""

import os

from hearth.settings import *  # noqa: F403
from hearth.settings import ALLOWED_HOSTS, BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [BASE_DIR / "bench" / "templates", *TEMPLATES[0]["DIRS"]]
# bench.probe counts queries with Django's test client, which calls itself "testserver".
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]

# bench.mix: where each request's time goes (Python, database, waiting), per process.
if os.environ.get("BENCH_TIMING") == "1":
    MIDDLEWARE = ["bench.timing.TimingMiddleware", *MIDDLEWARE]  # noqa: F405
