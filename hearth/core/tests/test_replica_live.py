"""A real streaming replica: a throwaway primary and a replica of it (hearth.testing.pgcluster),
Hearth migrated on the primary and served by ``hearth serve`` with ``DATABASE_REPLICA_URL``.
Pages read the replica, a writer reads their own writes, and a stopped or lagging replica
is skipped: the pages come from the primary, never a 500.

Runs in the PostgreSQL leg of ``make test`` (or anywhere with ``HEARTH_TEST_REPLICA=1``),
when the PostgreSQL server binaries are installed; skipped otherwise.
"""

import http.client
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from hearth.core import replica
from hearth.testing import pgcluster
from hearth.testing.pgcluster import pg_base_dir, pg_primary, pg_replica  # noqa: F401

ROOT = Path(__file__).resolve().parents[3]
MAX_LAG = 5  # seconds: room for a slow request on a busy machine
STICKY = 6
DBNAME = "replica_live"  # the session's clusters may serve other modules too

pytestmark = [
    pytest.mark.xdist_group("pgcluster"),
    # So that pytest-django makes its test database, whose schema the primary copies.
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (
            os.environ.get("DATABASE_URL", "").startswith("postgres")
            or os.environ.get("HEARTH_TEST_REPLICA") == "1"
        ),
        reason="runs in the PostgreSQL leg of make test (HEARTH_TEST_REPLICA=1 runs it here)",
    ),
]

# Run with DATABASE_URL on the throwaway primary: the schema, a community with a topic, a
# member, and a session for them (a cookie the test sends as a signed-in browser would).
SETUP = """
import json
import django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
import os
if os.environ["HEARTH_TEST_MIGRATE"] == "1":
    call_command("migrate", verbosity=0, interactive=False)
from hearth.discussions import services
from hearth.discussions.models import Category
from hearth.discussions.views import topic_url
from hearth.testing.factories import (
    actor_for, community_factory, membership_factory, user_factory,
)
owner = user_factory(username="olivia")
community = community_factory(owner=owner, slug="garden", name="Garden Club")
member = membership_factory(community, user=user_factory(username="mel"), trust_level=1).user
general = Category.objects.get(community=community, slug="general")
topic = services.topic_create(
    actor=actor_for(member, community), category=general, title="Tomatoes in June",
    body="First post",
)
session = SessionStore()
session[SESSION_KEY] = str(member.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = member.get_session_auth_hash()
session.create()
print(json.dumps({"topic_id": topic.pk, "url": topic_url(topic), "session": session.session_key}))
"""


class Browser:
    """Cookies kept between requests, like a browser's (one host, no expiry)."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.port = port
        self.cookies = dict(cookies or {})

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        jar = SimpleCookie()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                jar.load(value)
        self.set_cookies = set(jar)
        for key, morsel in jar.items():
            self.cookies[key] = morsel.value
        return response.status, text

    def get(self, path: str) -> str:
        status, text = self.request("GET", path)
        assert status == 200, (status, text[:2000])
        return text


def _run(command, env, timeout=180):
    result = subprocess.run(  # noqa: S603
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout


def _test_database_url(request) -> str | None:
    """The PostgreSQL test database pytest-django made (migrated), or None on SQLite."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return None
    request.getfixturevalue("django_db_setup")
    from django.db import connection

    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture(scope="module")
def site(request, pg_primary, pg_replica, tmp_path_factory):  # noqa: F811
    # The schema: copied from the test database when there is one, else migrated.
    source = _test_database_url(request)
    if source:
        pgcluster.copy_schema(source, pg_primary, DBNAME)
    else:
        pg_primary.execute(f"CREATE DATABASE {DBNAME}")
    data_dir = tmp_path_factory.mktemp("replica-site")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "hearth.settings",
        "HEARTH_ENV": "embedded",
        "HEARTH_DEBUG": "0",
        "HEARTH_DATA_DIR": str(data_dir),
        "DATABASE_URL": pg_primary.dsn(DBNAME),
        "DATABASE_REPLICA_URL": pg_replica.dsn(DBNAME),
        "HEARTH_REPLICA_MAX_LAG": str(MAX_LAG),
        "HEARTH_REPLICA_STICKY_SECONDS": str(STICKY),
        "HEARTH_POSTING_LIMITS": "0",
        "HEARTH_TEST_MIGRATE": "0" if source else "1",
    }
    data = json.loads(_run([sys.executable, "-c", SETUP], env).strip().splitlines()[-1])
    pgcluster.wait_caught_up(pg_primary, pg_replica)
    port = pgcluster.free_port()
    log = open(data_dir / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "hearth.cli", "serve", "--host", "127.0.0.1", "--port",
         str(port), "--workers", "1", "--no-with-worker", "--no-collectstatic"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (data_dir / "server.log").read_text()[-3000:]
            try:
                if Browser(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "hearth serve did not answer in 60 s"
            time.sleep(0.1)
        yield {**data, "port": port, "primary": pg_primary, "replica": pg_replica,
               "log": data_dir / "server.log"}  # fmt: skip
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


_fresh = itertools.count()


def _uncached(url):
    """The page at ``url`` past the visitors' page cache (its key holds the query): the
    tests change rows with SQL, which the cache does not see."""
    return f"{url}?fresh={next(_fresh)}"


def _sql(cluster, statement, params=None):
    return cluster.execute(statement, params, dbname=DBNAME)


def _set_title(site, title):
    _sql(site["primary"], "UPDATE discussions_topic SET title = %s WHERE id = %s",
         (title, site["topic_id"]))  # fmt: skip


def _pause_replay(site):
    """Pause the replica right after a fresh write: from then on it falls behind, and
    its lag grows from zero by a second a second."""
    primary, replica = site["primary"], site["replica"]
    _sql(primary, "CREATE TABLE IF NOT EXISTS tick (at timestamptz)")
    _sql(primary, "INSERT INTO tick VALUES (now())")
    pgcluster.wait_caught_up(primary, replica)
    replica.execute("SELECT pg_wal_replay_pause()")
    return time.monotonic()


def _resume_replay(site):
    site["replica"].execute("SELECT pg_wal_replay_resume()")
    pgcluster.wait_caught_up(site["primary"], site["replica"])
    # The server keeps its last measure of the lag for a second: let it measure anew.
    time.sleep(replica.CHECK_SECONDS)


def test_a_write_on_the_primary_appears_on_the_replica(site):
    _set_title(site, "Tomatoes in July")
    pgcluster.wait_caught_up(site["primary"], site["replica"])
    rows = _sql(site["replica"], "SELECT title FROM discussions_topic WHERE id = %s",
                (site["topic_id"],))  # fmt: skip
    assert rows == [("Tomatoes in July",)]
    assert site["replica"].execute("SELECT pg_is_in_recovery()") == [(True,)]


def test_pages_read_the_replica_until_it_lags_too_far(site):
    _set_title(site, "Before the pause")
    paused_at = _pause_replay(site)
    try:
        _set_title(site, "After the pause")
        page = Browser(site["port"]).get(_uncached(site["url"]))
        assert time.monotonic() - paused_at < MAX_LAG, "too slow to tell; the lag ran out"
        assert "Before the pause" in page  # the replica's row, not the primary's
        assert "After the pause" not in page

        # More than HEARTH_REPLICA_MAX_LAG behind (and the lag measured anew): the primary.
        time.sleep(max(0, paused_at + MAX_LAG + 1.2 - time.monotonic()))
        page = Browser(site["port"]).get(_uncached(site["url"]))
        assert "After the pause" in page
    finally:
        _resume_replay(site)


def test_a_writer_reads_their_own_writes(site):
    member = Browser(site["port"], {"sessionid": site["session"]})
    page = member.get(site["url"])
    assert "mel" in page.lower()
    # A page view, even one that records the reader's position, does not pin them.
    assert "hearth_primary" not in member.set_cookies
    paused_at = _pause_replay(site)
    try:
        status, _text = member.request(
            "POST", f"/c/garden/t/{site['topic_id']}/reply", {"body": "Plant them deep, Mel"}
        )
        assert status == 302
        assert "hearth_primary" in member.set_cookies
        # The writer's next page reads the primary, which has the reply ...
        assert "Plant them deep, Mel" in member.get(site["url"])
        # ... while anyone else reads the replica, which does not have it yet.
        anonymous = Browser(site["port"]).get(_uncached(site["url"]))
        assert time.monotonic() - paused_at < MAX_LAG, "too slow to tell; the lag ran out"
        assert "Plant them deep, Mel" not in anonymous
    finally:
        _resume_replay(site)
    # Caught up, the reply is on every page.
    assert "Plant them deep, Mel" in Browser(site["port"]).get(_uncached(site["url"]))


def test_a_stopped_replica_is_skipped(site):
    _set_title(site, "Served by the primary")
    site["replica"].stop()
    try:
        for _ in range(3):
            status, page = Browser(site["port"]).request("GET", _uncached(site["url"]))
            assert status == 200
            assert "Served by the primary" in page
        member = Browser(site["port"], {"sessionid": site["session"]})
        assert "Served by the primary" in member.get(site["url"])
        assert "Read replica skipped" in site["log"].read_text()
    finally:
        site["replica"].start()
        pgcluster.wait_caught_up(site["primary"], site["replica"])
