"""Processes killed with SIGKILL in the middle of their work, on the test's own database:

- a worker killed while sending a notification email: another worker runs the task again
  and the email goes out exactly once;
- a web process killed while a reply is being saved: no half-written post, and the client's
  retry with the same Idempotency-Key saves it exactly once.

The subprocesses run ``hearth worker`` / ``hearth serve`` with pause points
(hearth/testing/faults.py) where the test kills them."""

import json
import threading
import urllib.error
import urllib.request
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hearth.api import services as api_services
from hearth.core.models import WorkerHeartbeat
from hearth.core.worker import heartbeat_record, tasks_reclaim
from hearth.discussions import services as discussions
from hearth.discussions.models import Post, Topic
from hearth.notifications import fanout
from hearth.notifications.models import OutboxEmail
from hearth.notifications.tasks import send_outbox_email
from hearth.testing.factories import actor_for
from hearth.testing.faults import SharedDatabase, kill, start, wait_for
from hearth.testing.redis_server import free_port

TASKS_TABLE = DBTaskResult._meta.db_table
OUTBOX = OutboxEmail._meta.db_table
POSTS = Post._meta.db_table
TOPICS = Topic._meta.db_table
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _worker_env(db):
    return {
        **db.env(),
        "HEARTH_WORKER_HEARTBEAT_SECONDS": "1",
        "HEARTH_WORKER_HEARTBEAT_STALE_SECONDS": "2",
    }


@pytest.mark.django_db(transaction=True)
def test_a_task_of_a_killed_worker_runs_again_and_its_email_goes_once(
    tmp_path, settings, community, member, admin, topic
):
    discussions.post_reply(actor=actor_for(admin, community), topic=topic, body="Hi there")
    fanout.process(community)
    row = OutboxEmail.objects.get(recipient=member)
    # The tests' immediate tasks sent it already: this time a worker process sends it.
    OutboxEmail.objects.filter(pk=row.pk).update(sent_at=None, attempts=0)
    settings.TASKS = DB_TASKS
    result = send_outbox_email.enqueue(row.pk)
    db = SharedDatabase(tmp_path)
    (tmp_path / "email.pause").touch()
    log = tmp_path / "workers.log"

    first = start(["worker", "--worker-id", "first", "--interval", "0.05"], _worker_env(db), log)
    try:
        # The first worker is inside the task, about to hand the email over: kill it there.
        wait_for(tmp_path / "email.reached", first, log)
    finally:
        kill(first)
    task_id = uuid.UUID(str(result.id))
    status = f"SELECT status FROM {TASKS_TABLE} WHERE id = %s"
    task = (task_id.hex if db.sqlite_path else str(task_id),)
    assert db.scalar(status, task) == "RUNNING"  # left so by the dead worker
    (tmp_path / "email.pause").unlink()

    # A second worker sees the first one's heartbeat go stale and runs the task again.
    second = start(
        ["worker", "--worker-id", "second", "--interval", "0.05", "--max-tasks", "1"],
        _worker_env(db),
        log,
    )
    try:
        assert second.wait(timeout=30) == 0, log.read_text()[-3000:]
    finally:
        kill(second)
    assert db.scalar(status, task) == "SUCCESSFUL"
    mails = list((tmp_path / "mail").glob("*.log"))
    assert len(mails) == 1, log.read_text()[-3000:]
    assert "mel@example.com" in mails[0].read_text()
    sent = f"SELECT COUNT(*) FROM {OUTBOX} WHERE id = %s AND sent_at IS NOT NULL"
    assert db.scalar(sent, (row.pk,)) == 1
    # The first attempt was rolled back with the killed worker's transaction.
    assert db.scalar(f"SELECT attempts FROM {OUTBOX} WHERE id = %s", (row.pk,)) == 1


@pytest.mark.django_db
class TestTasksReclaim:
    """Which running tasks are given back to the queue (in-process)."""

    @pytest.fixture
    def running(self, settings):
        settings.TASKS = DB_TASKS

        def make(worker_id, started_ago=0):
            result = send_outbox_email.enqueue(1)
            db_result = DBTaskResult.objects.get(pk=result.id)
            db_result.claim(worker_id)
            DBTaskResult.objects.filter(pk=db_result.pk).update(
                started_at=timezone.now() - timedelta(seconds=started_ago)
            )
            return db_result.pk

        return make

    def status(self, pk):
        return DBTaskResult.objects.get(pk=pk).status

    def test_a_task_of_a_silent_worker_is_queued_again(self, running):
        heartbeat_record("dead", timezone.now())
        WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(seconds=120))
        pk = running("dead")
        assert tasks_reclaim(60) == 1
        assert self.status(pk) == TaskResultStatus.READY

    def test_a_task_of_a_live_worker_is_left_alone(self, running):
        heartbeat_record("alive", timezone.now())
        pk = running("alive", started_ago=3600)
        assert tasks_reclaim(60) == 0
        assert self.status(pk) == TaskResultStatus.RUNNING

    def test_a_worker_without_heartbeat_is_given_a_day(self, running):
        recent, old = running("batch"), running("gone", started_ago=2 * 86400)
        assert tasks_reclaim(60) == 1
        assert self.status(recent) == TaskResultStatus.RUNNING
        assert self.status(old) == TaskResultStatus.READY
        assert not WorkerHeartbeat.objects.exists()


def _post(url, token, body, key):
    request = urllib.request.Request(
        url,
        data=json.dumps({"body": body}).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": key,
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        return response.status, json.loads(response.read())


def _serve(db, port, log):
    args = ["serve", "--no-collectstatic", "--no-with-worker", "--port", str(port)]
    return start([*args, "--server", "uvicorn", "--workers", "1"], db.env(), log)


def _wait_until_serving(base, process, log):
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(log.read_text()[-3000:])
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1):  # noqa: S310
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(log.read_text()[-3000:])


@pytest.mark.django_db(transaction=True)
def test_a_web_process_killed_mid_reply_leaves_no_half_written_post(
    tmp_path, community, member, topic
):
    token = api_services.api_key_create(
        actor=actor_for(member, community), name="k", kind="member", scopes=["read", "write"]
    )[1]
    db = SharedDatabase(tmp_path)
    port, log = free_port(), tmp_path / "serve.log"
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/api/v1/communities/{community.slug}/topics/{topic.pk}/posts"
    count = f"SELECT COUNT(*) FROM {POSTS} WHERE topic_id = %s"
    posts_before = db.scalar(count, (topic.pk,))
    (tmp_path / "reply.pause").touch()

    server = _serve(db, port, log)
    failures = []
    try:
        _wait_until_serving(base, server, log)

        def send():
            try:
                _post(url, token, "Saved at last", "retry-me")
            except (urllib.error.URLError, ConnectionError, OSError) as exc:
                failures.append(exc)

        client = threading.Thread(target=send)
        client.start()
        # The reply's row is written, its transaction not committed: kill the server.
        wait_for(tmp_path / "reply.reached", server, log)
    finally:
        kill(server)
    client.join(timeout=30)
    assert failures, "the client got an answer from a killed server"
    assert db.scalar(count, (topic.pk,)) == posts_before
    body = f"SELECT COUNT(*) FROM {POSTS} WHERE body = %s"
    assert db.scalar(body, ("Saved at last",)) == 0
    topic_count = f"SELECT post_count FROM {TOPICS} WHERE id = %s"
    assert db.scalar(topic_count, (topic.pk,)) == posts_before

    # The client retries with the same key against a new process: saved once.
    (tmp_path / "reply.pause").unlink()
    server = _serve(db, port, log)
    try:
        _wait_until_serving(base, server, log)
        assert _post(url, token, "Saved at last", "retry-me")[0] == 201
        assert _post(url, token, "Saved at last", "retry-me")[0] == 201  # replayed
    finally:
        kill(server)
    assert db.scalar(body, ("Saved at last",)) == 1
    assert db.scalar(topic_count, (topic.pk,)) == posts_before + 1
