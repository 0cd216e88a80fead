"""PostgreSQL restarted while replies are posted, under a real ``hearth serve``: clients get
a clear 503 with ``Retry-After`` (never a 500) and retry with their Idempotency-Key; every
acknowledged reply exists exactly once afterwards; the app recovers without a restart.

The server under test is a throwaway PostgreSQL of the test's own (hearth.testing.pgcluster),
holding a copy of the test database, so it can be stopped and killed at will. Runs in the
PostgreSQL pass of the suite (the copy is made with pg_dump from the test database)."""

import json
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from hearth.api import services as api_services
from hearth.testing import pgcluster
from hearth.testing.factories import actor_for
from hearth.testing.faults import SharedDatabase, kill, start
from hearth.testing.redis_server import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cluster():
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass (copies the PostgreSQL test database)")
    if reason := pgcluster.skip_reason():
        pytest.skip(reason)
    with pgcluster.TempDir() as base:
        primary = pgcluster.create_primary(base / "primary")
        try:
            yield primary
        finally:
            primary.stop("immediate")


def copy_database(target: pgcluster.Cluster, dbname: str) -> str:
    """The test database, rows and all, as ``dbname`` on ``target``; its URL."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    source = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    target.execute(f'CREATE DATABASE "{dbname}"')
    dump = subprocess.run(  # noqa: S603
        [str(target.bindir / "pg_dump"), "--no-owner", "--no-privileges", "-d", source],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    subprocess.run(  # noqa: S603
        [str(target.bindir / "psql"), "-q", "-X", "-v", "ON_ERROR_STOP=1",
         "-d", target.dsn(dbname)],
        input=dump.stdout, capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    return target.dsn(dbname)


def request(url, *, token=None, body=None, key=None):
    """(status, JSON or text, headers); status None when the connection failed."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if key:
        headers["Idempotency-Key"] = key
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data else "GET", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310 (loopback)
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)
    except OSError:
        return None, "", {}


def test_replies_through_a_database_restart(tmp_path, cluster, community, member, topic):
    token = api_services.api_key_create(
        actor=actor_for(member, community), name="k", kind="member", scopes=["read", "write"]
    )[1]
    env = {**SharedDatabase(tmp_path).env(), "DATABASE_URL": copy_database(cluster, "hearth")}
    port, log = free_port(), tmp_path / "serve.log"
    base = f"http://127.0.0.1:{port}"
    posts_url = f"{base}/api/v1/communities/{community.slug}/topics/{topic.pk}/posts"
    page_url = f"{base}/c/{community.slug}/t/{topic.slug}/{topic.pk}/"
    args = ["serve", "--no-collectstatic", "--no-with-worker", "--port", str(port)]
    server = start([*args, "--server", "uvicorn", "--workers", "1"], env, log)
    acknowledged: list[str] = []
    statuses: list[int | None] = []

    def reply(n: int, attempts: int = 200) -> None:
        """Post reply ``n`` until it is acknowledged, retrying with the same key."""
        body = f"Reply number {n}"
        for _ in range(attempts):
            status, text, headers = request(
                posts_url, token=token, body={"body": body}, key=f"reply-{n}"
            )
            statuses.append(status)
            if status == 201:
                acknowledged.append(body)
                return
            if status == 503:
                assert headers.get("Retry-After") and '"unavailable"' in text, text
            time.sleep(0.05)
        raise AssertionError(f"reply {n} never went through: {statuses[-5:]}")

    try:
        deadline = time.monotonic() + 30
        while request(f"{base}/healthz")[0] != 200:
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        reply(1)

        # Down: the API and the pages say 503 with Retry-After, not 500.
        cluster.stop("fast")
        status, text, headers = request(posts_url, token=token, body={"body": "x"}, key="down")
        assert status == 503 and headers["Retry-After"] and '"unavailable"' in text
        status, text, headers = request(page_url)
        assert status == 503 and headers["Retry-After"] and "Try again" in text
        cluster.start()
        reply(2)  # the same process serves again: no restart

        # Replies posted from two clients while the server restarts "immediately" (as if
        # it crashed), each retried with its key until acknowledged.
        clients = [threading.Thread(target=lambda k=k: [reply(n) for n in range(k, 40, 2)])
                   for k in (10, 11)]  # fmt: skip
        before = len(statuses)
        for client in clients:
            client.start()
        while len(acknowledged) < 6:
            assert any(c.is_alive() for c in clients)
            time.sleep(0.01)
        cluster.stop("immediate")
        time.sleep(0.3)
        cluster.start()
        for client in clients:
            client.join(timeout=60)
    finally:
        kill(server)
    assert 500 not in statuses, log.read_text()[-3000:]
    assert {503, None} & set(statuses[before:])  # the restart was felt, and got through
    assert len(acknowledged) == 2 + 30
    rows = cluster.execute(
        "SELECT body, COUNT(*) FROM discussions_post WHERE topic_id = %s GROUP BY body",
        (topic.pk,),
        dbname="hearth",
    )
    counts = dict(rows)
    assert all(counts.get(body) == 1 for body in acknowledged), counts
    assert sum(counts.values()) == 1 + len(acknowledged)  # the first post, and the replies
    (post_count,) = cluster.execute(
        "SELECT post_count FROM discussions_topic WHERE id = %s", (topic.pk,), dbname="hearth"
    )[0]
    assert post_count == 1 + len(acknowledged)
