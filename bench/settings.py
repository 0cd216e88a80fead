"""Settings for the benchmark server: the app's own settings, plus a "framework floor" page.

Only the URLconf (``bench.urls`` adds ``/__floor__``), the template directory of the floor
page, the test client's host name and (see below) persistent database connections differ
from ``hearth.settings``; everything else that costs time per request (middleware,
sessions, queries, templates) is the app's own."""

import os

from hearth.settings import *  # noqa: F403
from hearth.settings import ALLOWED_HOSTS, BASE_DIR, DATABASES, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [BASE_DIR / "bench" / "templates", *TEMPLATES[0]["DIRS"]]
# bench.probe counts queries with Django's test client, which calls itself "testserver".
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]

# Under uvicorn every request runs its synchronous part in a thread of its own, and with
# the app's CONN_MAX_AGE=60 each such thread leaves its PostgreSQL connection open: one
# server held 46 idle connections after 8 s of load, two exhausted max_connections (100)
# and answered 500s. So the benchmark connects per request, as the app would with
# CONN_MAX_AGE=0, unless BENCH_APP_CONN_MAX_AGE=1 asks to measure the app's own setting.
APP_CONN_MAX_AGE = os.environ.get("BENCH_APP_CONN_MAX_AGE") == "1"
if not APP_CONN_MAX_AGE and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
