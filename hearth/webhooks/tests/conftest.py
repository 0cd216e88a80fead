"""A real HTTP receiver on 127.0.0.1, started by the test, and webhook helpers."""

import http.server
import json
import threading
from dataclasses import dataclass, field

import pytest

from hearth.testing.factories import actor_for


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    port: int
    requests: list[Received] = field(default_factory=list)
    # Status codes to answer with, in turn; the last one repeats.
    statuses: list[int] = field(default_factory=lambda: [200])
    extra_headers: dict = field(default_factory=dict)

    def next_status(self) -> int:
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


@pytest.fixture
def receiver():
    state: dict = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            rec = state["receiver"]
            rec.requests.append(Received(self.path, dict(self.headers), body))
            status = rec.next_status()
            self.send_response(status)
            for name, value in rec.extra_headers.items():
                self.send_header(name, value)
            answer = f"answered {status}".encode()
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    state["receiver"] = Receiver(url=f"http://127.0.0.1:{port}/hooks", port=port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["receiver"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def allow_private(settings):
    settings.HEARTH_WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def owner_actor(owner, community):
    return actor_for(owner, community)


@pytest.fixture
def endpoint_to(owner_actor, allow_private):
    """endpoint_to(url, types) -> a new active endpoint of the shared community."""
    from hearth.webhooks import services

    def make(url, types=("member.joined", "topic.created", "post.created")):
        endpoint, _secret = services.endpoint_create(
            actor=owner_actor, url=url, event_types=list(types)
        )
        return endpoint

    return make


@pytest.fixture
def run(community, django_capture_on_commit_callbacks):
    """run() -> the worker's follow run, with the sends it queues on commit."""
    from hearth.webhooks import dispatch

    def go():
        with django_capture_on_commit_callbacks(execute=True):
            return dispatch.process(community)

    return go
