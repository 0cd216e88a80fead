"""Operations: /metrics (who may read it, what it counts), the request id, JSON logs, and
``hearth serve`` on several processes."""

import http.client
import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import CommandError, call_command
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY

from hearth.core import metrics
from hearth.core.request_log import (
    HEADER,
    JsonFormatter,
    RequestIdFilter,
    RequestIdMiddleware,
    accepted_request_id,
)
from hearth.discussions.views import topic_url
from hearth.live.streams import StreamSlots
from hearth.notifications.emails import send

ROUTE_METRIC = "hearth_http_request_duration_seconds_count"


@task()
def queued(value):
    return value


def _count(name, labels=None):
    return REGISTRY.get_sample_value(name, labels or {}) or 0


# Who may read /metrics ------------------------------------------------------------------


@pytest.mark.django_db
class TestMetricsAccess:
    def test_loopback_reads_it(self, client):
        response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        assert b"hearth_task_queue_depth" in response.content

    @pytest.mark.parametrize("address", ["203.0.113.5", "10.0.0.7", "::ffff:8.8.8.8"])
    def test_anyone_else_gets_a_404(self, client, address):
        response = client.get("/metrics", REMOTE_ADDR=address)
        assert response.status_code == 404
        assert b"hearth_" not in response.content

    def test_a_request_forwarded_by_an_unknown_proxy_is_refused(self, client, settings):
        # A reverse proxy on the same machine: every visitor arrives from the loopback.
        settings.HEARTH_TRUSTED_PROXIES = []
        response = client.get(
            "/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1"
        )
        assert response.status_code == 404

    def test_a_trusted_proxy_forwards_the_client_it_names(self, client, settings):
        settings.HEARTH_TRUSTED_PROXIES = ["127.0.0.1"]
        outside = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="8.8.8.8")
        assert outside.status_code == 404
        settings.HEARTH_METRICS_ALLOW = ["127.0.0.1", "10.1.2.0/24"]
        inside = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.2.3")
        assert inside.status_code == 200

    def test_the_allowed_networks_are_a_setting(self, client, settings):
        settings.HEARTH_METRICS_ALLOW = ["192.0.2.0/24"]
        assert client.get("/metrics", REMOTE_ADDR="192.0.2.9").status_code == 200
        assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404

    @pytest.mark.parametrize(
        ("header", "status"),
        [
            ("Bearer scrape-token-1", 200),
            ("Bearer wrong", 404),
            ("scrape-token-1", 404),
            ("Basic c2NyYXBlLXRva2VuLTE=", 404),
            ("", 404),
        ],
    )
    def test_a_bearer_token_from_anywhere(self, client, settings, header, status):
        settings.HEARTH_METRICS_TOKEN = "scrape-token-1"
        response = client.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION=header)
        assert response.status_code == status

    def test_no_token_set_means_no_token_accepted(self, client, settings):
        settings.HEARTH_METRICS_TOKEN = ""
        response = client.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer ")
        assert response.status_code == 404


# What it counts ---------------------------------------------------------------------------


@pytest.mark.django_db
class TestMetricsContent:
    def test_a_request_is_in_its_routes_histogram(self, client):
        labels = {"route": "healthz", "method": "GET", "status": "2xx"}
        before = _count(ROUTE_METRIC, labels)
        assert client.get("/healthz").status_code == 200
        assert _count(ROUTE_METRIC, labels) == before + 1
        scraped = client.get("/metrics").content.decode()
        assert 'hearth_http_request_duration_seconds_bucket{le="0.005",method="GET",' in scraped
        assert 'route="healthz",status="2xx"' in scraped

    def test_the_route_is_the_pattern_not_the_path(self, client, topic):
        assert client.get(topic_url(topic)).status_code == 200
        client.get("/no/such/page/12345")
        routes = {
            sample.labels["route"]
            for family in REGISTRY.collect()
            if family.name == "hearth_http_request_duration_seconds"
            for sample in family.samples
        }
        # Other tests' routes share the registry ("api/v1/…"): look for the id as a segment.
        assert not any(f"/{topic.pk}/" in f"/{route}" for route in routes)
        assert any("<slug:" in route or "<id:" in route for route in routes)
        assert metrics.UNMATCHED in routes

    def test_queue_depth_and_age_reflect_queued_tasks(self, client):
        def scrape():
            text = client.get("/metrics").content.decode()
            values = {}
            for line in text.splitlines():
                if line.startswith(("hearth_task_queue_depth ", "hearth_task_queue_oldest")):
                    name, value = line.split()
                    values[name] = float(value)
            return values

        assert scrape() == {
            "hearth_task_queue_depth": 0.0,
            "hearth_task_queue_oldest_age_seconds": 0.0,
        }
        backend = DatabaseBackend("default", {})
        for value in range(3):
            backend.enqueue(queued, [value], {})
        DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=5))
        done = backend.enqueue(queued, [9], {})
        DBTaskResult.objects.filter(pk=done.id).update(status="SUCCESSFUL")
        values = scrape()
        assert values["hearth_task_queue_depth"] == 3
        assert 299 < values["hearth_task_queue_oldest_age_seconds"] < 400

    def test_emails_sent_and_failed_are_counted(self):
        sent, failed = _count("hearth_emails_sent_total"), _count("hearth_emails_failed_total")
        assert send(EmailMultiAlternatives("Hi", "Body", to=["member@example.com"]))
        assert len(mail.outbox) == 1
        bad = EmailMultiAlternatives("Hi", "Body", to=["member@example.com\nBcc: x@example.com"])
        assert not send(bad)
        assert _count("hearth_emails_sent_total") == sent + 1
        assert _count("hearth_emails_failed_total") == failed + 1

    def test_live_streams_are_counted(self, settings):
        settings.HEARTH_LIVE_MAX_STREAMS = 10
        settings.HEARTH_LIVE_MAX_STREAMS_PER_USER = 10
        slots = StreamSlots()
        before = _count("hearth_live_streams")
        assert slots.acquire("user:1") and slots.acquire("ip:203.0.113.5")
        assert _count("hearth_live_streams") == before + 2
        slots.release("user:1")
        assert _count("hearth_live_streams") == before + 1
        slots.release("ip:203.0.113.5")


def test_a_gone_process_live_gauge_is_forgotten(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    child.wait()
    gone = tmp_path / f"gauge_livesum_{child.pid}.db"
    alive = tmp_path / f"gauge_livesum_{os.getpid()}.db"
    for path in (gone, alive):
        path.write_bytes(b"")
    metrics.forget_dead_processes(str(tmp_path))
    assert not gone.exists()
    assert alive.exists()


# Request id and JSON logs -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("abc-123_X.y", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("has space", False),
        ("line\nbreak", False),
        ('"quoted"', False),
        ("<script>", False),
        ("", False),
        (None, False),
    ],
)
def test_request_id_is_kept_only_when_it_is_a_short_token(sent, kept):
    chosen = accepted_request_id(sent)
    assert (chosen == sent) is kept
    assert 1 <= len(chosen) <= 64


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    fresh = client.get("/healthz")
    assert len(fresh[HEADER]) == 32
    assert client.get("/healthz")[HEADER] != fresh[HEADER]
    assert client.get("/healthz", HTTP_X_REQUEST_ID="edge-42")[HEADER] == "edge-42"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id!")[HEADER] != "bad id!"


def test_every_log_line_of_a_request_carries_its_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("hearth.tests.request_log")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def view(request):
        logger.info("first line")
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("second line")
        return HttpResponse("ok")

    try:
        response = RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="req-7"))
        logger.info("after the request")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    assert response[HEADER] == "req-7"
    assert [(line["message"], line["request_id"]) for line in lines] == [
        ("first line", "req-7"),
        ("second line", "req-7"),
        ("after the request", "-"),
    ]
    assert "ValueError: boom" in lines[1]["exc_info"]
    assert lines[0]["level"] == "INFO" and lines[0]["logger"] == "hearth.tests.request_log"


def _settings_process(tmp_path, **env):
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('hearth.demo').warning('hello %s', 'there')"
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "hearth.settings",
            "HEARTH_ENV": "embedded",
            "HEARTH_DATA_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_json_logs_are_a_setting(tmp_path):
    done = _settings_process(tmp_path, HEARTH_LOG_FORMAT="json")
    assert done.returncode == 0, done.stderr
    entry = json.loads(done.stderr.strip().splitlines()[-1])
    assert entry["message"] == "hello there"
    assert entry["level"] == "WARNING" and entry["request_id"] == "-"
    text = _settings_process(tmp_path)
    assert "WARNING hearth.demo [-] hello there" in text.stderr
    bad = _settings_process(tmp_path, HEARTH_LOG_FORMAT="yaml")
    assert bad.returncode != 0 and "HEARTH_LOG_FORMAT" in bad.stderr


# hearth serve on several processes --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:  # noqa: S310
        return response.status, response.read()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("server", ["uvicorn", "granian"])
def test_two_server_processes_answer_and_metrics_add_up(tmp_path, server):
    """Each process that times a request writes its own file to the shared metrics
    directory: two files are two processes answering, and /metrics adds them up."""
    port = _free_port()
    serve = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "hearth.cli", "serve", "--no-collectstatic", "--no-with-worker",
         "--workers", "2", "--port", str(port), "--server", server],
        env={
            **os.environ,
            "HEARTH_ENV": "embedded",
            "DJANGO_SETTINGS_MODULE": "hearth.settings",
            "HEARTH_DATA_DIR": str(tmp_path),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    directory = Path(tmp_path) / "metrics"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                assert _get(port, "/healthz")[0] == 200
                break
            except OSError:
                assert time.monotonic() < deadline, "serve did not answer"
                assert serve.poll() is None, "serve exited"
                time.sleep(0.3)
        requests = 1
        pids: set[int] = set()
        while len(pids) < 2 and time.monotonic() < deadline:
            threads = [threading.Thread(target=_get, args=(port, "/healthz")) for _ in range(16)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            requests += len(threads)
            pids = {int(path.stem.rsplit("_", 1)[1]) for path in directory.glob("histogram_*.db")}
        assert len(pids) == 2, "one process answered every request"
        assert serve.pid not in pids
        scraped = _get(port, "/metrics")[1].decode()
        line = next(
            line
            for line in scraped.splitlines()
            if line.startswith(ROUTE_METRIC) and 'route="healthz"' in line
        )
        assert float(line.split()[-1]) == requests
        # The body-size limit wraps the application under either server.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.putrequest("POST", "/accounts/login/")
        conn.putheader("Content-Length", "999999999")
        conn.endheaders()
        assert conn.getresponse().status == 413
        conn.close()
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=60) == 0
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in pids), "a server process outlived serve"


@pytest.mark.parametrize(
    ("production", "server", "workers"),
    [(True, "granian", len(os.sched_getaffinity(0))), (False, "uvicorn", 1)],
)
def test_serve_defaults(monkeypatch, settings, production, server, workers):
    """Production: granian on every core; embedded: uvicorn, one process."""
    from hearth.core.management.commands import serve

    settings.PRODUCTION = production
    calls = []
    monkeypatch.setattr(serve, "run_granian", lambda *a: calls.append(("granian", a[2])))
    monkeypatch.setattr(serve, "run_uvicorn", lambda *a: calls.append(("uvicorn", a[2])))
    monkeypatch.setattr(serve, "share_metrics_between_processes", lambda data_dir: None)
    monkeypatch.delenv("HEARTH_SERVER", raising=False)
    call_command("serve", "--no-with-worker", "--no-collectstatic", stdout=io.StringIO())
    assert calls == [(server, workers)]


def test_serve_refuses_bad_server_settings(monkeypatch):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("serve", "--workers", "0", "--no-collectstatic", stdout=io.StringIO())
    monkeypatch.setenv("HEARTH_SERVER", "gunicorn")
    with pytest.raises(CommandError, match="HEARTH_SERVER"):
        call_command("serve", "--no-with-worker", "--no-collectstatic", stdout=io.StringIO())
