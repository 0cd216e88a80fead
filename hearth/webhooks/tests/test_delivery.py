"""Deliveries end to end: the event log, the cursor, a real receiver on 127.0.0.1."""

import hashlib
import hmac
import socket
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from hearth.communities import services as community_services
from hearth.communities.models import StaffAction
from hearth.core.events import record_event
from hearth.discussions import services as discussion_services
from hearth.testing.factories import actor_for, user_factory
from hearth.webhooks import catalogue, delivery, dispatch, services
from hearth.webhooks.models import (
    Attempt,
    Delivery,
    DeliveryStatus,
    DisabledReason,
    WebhookState,
)


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """What a receiver does (the example of docs/developers/webhooks.md)."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    fresh = abs(timezone.now().timestamp() - timestamp) <= tolerance
    return fresh and hmac.compare_digest(expected, parts["v1"])


def start_topic(community, member, general, title="Hello garden"):
    return discussion_services.topic_create(
        actor=actor_for(member, community), category=general, title=title, body="First post"
    )


def test_a_new_topic_is_delivered_signed(community, member, general, receiver, endpoint_to, run):
    endpoint = endpoint_to(receiver.url)
    topic = start_topic(community, member, general)
    assert run() >= 1
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    row = Delivery.objects.get(endpoint=endpoint)
    assert got.path == "/hooks"
    assert got.headers["Hearth-Event"] == "topic.created"
    assert got.headers["Hearth-Delivery"] == str(row.uuid)
    assert got.headers["Content-Type"] == "application/json"
    assert verify(endpoint.secret, got.headers["Hearth-Signature"], got.body)
    assert not verify("whsec_wrong", got.headers["Hearth-Signature"], got.body)
    payload = got.json
    assert payload["type"] == "topic.created"
    assert payload["id"] == row.event_id
    assert payload["community"] == {"slug": "garden", "name": "Garden Club"}
    assert payload["data"]["topic"]["title"] == "Hello garden"
    assert payload["data"]["topic"]["url"].endswith(f"/c/garden/t/{topic.slug}/{topic.pk}/")
    assert payload["data"]["post"]["body"] == "First post"
    assert payload["actor"]["username"] == member.username
    assert "email" not in got.body.decode()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SUCCEEDED
    assert row.last_status_code == 200
    attempt = Attempt.objects.get(delivery=row)
    assert attempt.status_code == 200
    assert attempt.response_snippet == "answered 200"


def test_only_chosen_events_and_active_endpoints_receive(
    community, member, general, receiver, endpoint_to, owner_actor, run
):
    only_joins = endpoint_to(receiver.url, types=["member.joined"])
    switched_off = endpoint_to(receiver.url, types=["topic.created"])
    services.endpoint_update(
        actor=owner_actor, endpoint=switched_off, url=switched_off.url,
        event_types=switched_off.event_types, is_active=False,
    )  # fmt: skip
    start_topic(community, member, general)
    newcomer = user_factory(username="june")
    community_services.membership_join(
        actor=actor_for(newcomer), community=community, accept_rules=True
    )
    run()
    assert [r.headers["Hearth-Event"] for r in receiver.requests] == ["member.joined"]
    assert receiver.requests[0].json["data"]["member"]["username"] == "june"
    assert not Delivery.objects.filter(endpoint=switched_off).exists()
    assert Delivery.objects.filter(endpoint=only_joins).count() == 1


def test_an_endpoint_never_receives_events_from_before_it_existed(
    community, member, general, receiver, endpoint_to, run
):
    start_topic(community, member, general, title="Before")
    run()  # nobody listens: the cursor moves on
    endpoint = endpoint_to(receiver.url)
    start_topic(community, member, general, title="After")
    run()
    titles = [r.json["data"]["topic"]["title"] for r in receiver.requests]
    assert titles == ["After"]
    assert Delivery.objects.filter(endpoint=endpoint).count() == 1


def test_a_failed_delivery_is_retried_with_backoff(
    community, member, general, receiver, endpoint_to, run, django_capture_on_commit_callbacks
):
    receiver.statuses = [500, 503, 200]
    endpoint = endpoint_to(receiver.url)
    start_topic(community, member, general)
    run()
    row = Delivery.objects.get(endpoint=endpoint)
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, 500)
    wait = row.next_attempt_at - timezone.now()
    assert timedelta(seconds=55) < wait <= timedelta(seconds=60)
    assert dispatch.send_due() == 0  # not due yet
    later = timezone.now() + timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        assert dispatch.send_due() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 2, 503)
    assert row.next_attempt_at - later == timedelta(seconds=300)
    with time_machine.travel(later + timedelta(seconds=301), tick=False):
        dispatch.send_due()
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status_code) == ("succeeded", 3, 200)
    assert list(row.attempt_log.order_by("number").values_list("status_code", flat=True)) == [
        500, 503, 200,
    ]  # fmt: skip
    # Every attempt is signed afresh, with the same body and the same delivery id.
    assert len({r.headers["Hearth-Delivery"] for r in receiver.requests}) == 1
    assert len({r.body for r in receiver.requests}) == 1
    assert all(
        verify(endpoint.secret, r.headers["Hearth-Signature"], r.body, tolerance=3600)
        for r in receiver.requests
    )
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0
    assert endpoint.is_active


def test_a_delivery_gives_up_after_the_last_retry(
    community, member, general, receiver, endpoint_to, run
):
    receiver.statuses = [500]
    endpoint = endpoint_to(receiver.url)
    start_topic(community, member, general)
    run()
    now = timezone.now()
    for seconds in services.BACKOFF:
        now += timedelta(seconds=seconds + 1)
        with time_machine.travel(now, tick=False):
            dispatch.send_due()
    row = Delivery.objects.get(endpoint=endpoint)
    assert (row.status, row.attempts) == ("failed", services.MAX_ATTEMPTS)
    assert len(receiver.requests) == services.MAX_ATTEMPTS
    with time_machine.travel(now + timedelta(days=1), tick=False):
        assert dispatch.send_due() == 0


def test_an_endpoint_failing_again_and_again_is_switched_off(
    settings, community, member, general, receiver, endpoint_to, run
):
    settings.HEARTH_WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    receiver.statuses = [500]
    endpoint = endpoint_to(receiver.url)
    for n in range(3):
        start_topic(community, member, general, title=f"Topic {n}")
        run()
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_reason == DisabledReason.FAILURES
    assert endpoint.consecutive_failures == 3
    line = StaffAction.objects.get(community=community, action="webhook.disabled")
    assert line.details["url"] == endpoint.url
    assert line.label == "A failing webhook was switched off"
    # Its waiting retries are given up, and new events make no deliveries.
    assert not endpoint.deliveries.filter(status=DeliveryStatus.PENDING).exists()
    start_topic(community, member, general, title="Later")
    run()
    assert endpoint.deliveries.count() == 3
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        assert dispatch.send_due() == 0
    assert len(receiver.requests) == 3


def test_an_endpoint_failing_for_days_is_switched_off(
    community, member, general, receiver, endpoint_to, run
):
    receiver.statuses = [500]
    endpoint = endpoint_to(receiver.url)
    start_topic(community, member, general)
    run()
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        start_topic(community, member, general, title="Three days on")
        run()
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 2
    assert not endpoint.is_active
    assert endpoint.disabled_reason == DisabledReason.FAILURES


def test_switching_it_on_again_starts_afresh(
    settings, community, member, general, receiver, endpoint_to, owner_actor, run
):
    settings.HEARTH_WEBHOOKS_DISABLE_AFTER_FAILURES = 1
    receiver.statuses = [500, 200]
    endpoint = endpoint_to(receiver.url)
    start_topic(community, member, general)
    run()
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    start_topic(community, member, general, title="While off")
    run()
    services.endpoint_update(
        actor=owner_actor, endpoint=endpoint, url=endpoint.url,
        event_types=endpoint.event_types, is_active=True,
    )  # fmt: skip
    start_topic(community, member, general, title="Back on")
    run()
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0
    titles = [r.json["data"]["topic"]["title"] for r in receiver.requests]
    assert titles == ["Hello garden", "Back on"]


def test_a_redirect_is_not_followed(community, member, general, receiver, endpoint_to, run):
    receiver.statuses = [302]
    receiver.extra_headers = {"Location": "http://169.254.169.254/latest/meta-data/"}
    endpoint = endpoint_to(receiver.url)
    start_topic(community, member, general)
    run()
    row = Delivery.objects.get(endpoint=endpoint)
    assert row.last_status_code == 302
    assert row.last_error == "Redirects are not followed"
    assert row.status == DeliveryStatus.PENDING  # retried later, as any failure
    assert len(receiver.requests) == 1


def test_manual_redelivery_sends_the_same_payload_as_a_new_delivery(
    community, member, general, receiver, endpoint_to, owner_actor, run,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    endpoint = endpoint_to(receiver.url)
    start_topic(community, member, general)
    run()
    first = Delivery.objects.get(endpoint=endpoint)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.delivery_redeliver(actor=owner_actor, delivery=first)
    again.refresh_from_db()
    assert again.status == DeliveryStatus.SUCCEEDED
    assert again.redelivery_of == first
    assert len(receiver.requests) == 2
    one, two = receiver.requests
    assert one.body == two.body
    assert one.headers["Hearth-Delivery"] != two.headers["Hearth-Delivery"]
    assert two.headers["Hearth-Delivery"] == str(again.uuid)


def test_a_test_ping_reaches_the_receiver_and_its_failure_does_not_count(
    community, receiver, endpoint_to, owner_actor, django_capture_on_commit_callbacks
):
    endpoint = endpoint_to(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        services.endpoint_ping(actor=owner_actor, endpoint=endpoint)
    assert receiver.requests[0].headers["Hearth-Event"] == "ping"
    assert receiver.requests[0].json["type"] == "ping"
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        ping = services.endpoint_ping(actor=owner_actor, endpoint=endpoint)
    ping.refresh_from_db()
    assert (ping.status, ping.attempts) == ("failed", 1)  # a ping is tried once
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


# The SSRF guard at delivery time ------------------------------------------------------------


def test_a_private_target_is_refused_at_delivery_when_no_longer_allowed(
    settings, community, member, general, receiver, endpoint_to, run
):
    endpoint = endpoint_to(f"http://localhost:{receiver.port}/hooks")
    settings.HEARTH_WEBHOOKS_ALLOW_PRIVATE = False
    start_topic(community, member, general)
    run()
    row = Delivery.objects.get(endpoint=endpoint)
    assert receiver.requests == []
    assert row.last_status_code is None
    assert "private, loopback" in row.last_error


def test_dns_rebinding_is_caught_at_delivery(
    settings, monkeypatch, community, member, general, receiver, owner_actor, run
):
    """The name resolved to a public address when saved and to 127.0.0.1 now."""
    settings.HEARTH_WEBHOOKS_ALLOW_PRIVATE = False
    answers = {"hooks.example.com": "93.184.216.34"}
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    endpoint, _secret = services.endpoint_create(
        actor=owner_actor, url=f"http://hooks.example.com:{receiver.port}/hooks",
        event_types=["topic.created"],
    )  # fmt: skip
    answers["hooks.example.com"] = "127.0.0.1"
    start_topic(community, member, general)
    run()
    row = Delivery.objects.get(endpoint=endpoint)
    assert receiver.requests == []
    assert "127.0.0.1" in row.last_error


def test_the_request_goes_to_the_checked_address_with_the_names_host_header(
    monkeypatch, community, member, general, receiver, endpoint_to, run
):
    real = socket.getaddrinfo
    looked_up = []

    def fake(host, port, *args, **kwargs):
        if host == "hooks.example.com":
            looked_up.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        assert host == "127.0.0.1", f"the sender resolved {host} again"
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    endpoint_to(f"http://hooks.example.com:{receiver.port}/in?x=1")
    start_topic(community, member, general)
    looked_up.clear()
    run()
    assert looked_up == ["hooks.example.com"]  # once, by the check, at delivery
    assert receiver.requests[0].headers["Host"] == f"hooks.example.com:{receiver.port}"
    assert receiver.requests[0].path == "/in?x=1"


# The cursor ---------------------------------------------------------------------------------


def test_a_crash_mid_batch_loses_no_event_and_sends_none_twice(
    monkeypatch, community, member, general, receiver, endpoint_to, run
):
    endpoint = endpoint_to(receiver.url)
    start_topic(community, member, general, title="One")
    run()
    start_topic(community, member, general, title="Two")
    start_topic(community, member, general, title="Three")
    real = catalogue.event_payload
    calls = []

    def dies_on_the_second(event):
        calls.append(event.pk)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(event)

    monkeypatch.setattr(catalogue, "event_payload", dies_on_the_second)
    before = WebhookState.objects.get(community=community).last_event_id
    with pytest.raises(RuntimeError):
        run()
    # The batch rolled back: no delivery for "Two", the cursor where it was.
    assert endpoint.deliveries.count() == 1
    assert WebhookState.objects.get(community=community).last_event_id == before
    monkeypatch.setattr(catalogue, "event_payload", real)  # the worker restarts
    run()
    run()
    titles = [r.json["data"]["topic"]["title"] for r in receiver.requests]
    assert titles == ["One", "Two", "Three"]
    assert endpoint.deliveries.count() == 3


def test_events_recorded_while_a_delivery_is_being_sent_are_not_lost(
    monkeypatch, community, member, general, receiver, endpoint_to, run
):
    endpoint = endpoint_to(receiver.url, types=["topic.created", "member.left"])
    start_topic(community, member, general)
    real_send = delivery.send

    def send_while_something_happens(**kwargs):
        # Another process records an event while this one waits for the receiver.
        record_event(community=community, actor=member, verb="member.leave")
        return real_send(**kwargs)

    monkeypatch.setattr(delivery, "send", send_while_something_happens)
    run()
    monkeypatch.setattr(delivery, "send", real_send)
    assert [r.headers["Hearth-Event"] for r in receiver.requests] == ["topic.created"]
    run()  # the next run (a new worker, say) picks up what the cursor has not passed
    assert [r.headers["Hearth-Event"] for r in receiver.requests] == [
        "topic.created", "member.left",
    ]  # fmt: skip
    run()
    assert endpoint.deliveries.count() == 2


def test_the_committed_event_consumer_queues_a_run(
    community, member, general, receiver, endpoint_to, django_capture_on_commit_callbacks
):
    """In production the commit of a write hands its events to this consumer, which queues
    the follow task (the immediate backend runs it at once here)."""
    from hearth.core.models import InteractionEvent
    from hearth.webhooks import tasks

    start_topic(community, member, general)
    events = list(InteractionEvent.objects.filter(community=community, verb="topic.create"))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.schedule_webhooks(events)
    assert receiver.requests == []  # nobody listens yet
    endpoint_to(receiver.url)
    start_topic(community, member, general, title="Heard")
    events = list(InteractionEvent.objects.filter(community=community, verb="topic.create"))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.schedule_webhooks(events)
    assert [r.json["data"]["topic"]["title"] for r in receiver.requests] == ["Heard"]


def test_the_periodic_jobs_follow_and_retry(
    community, member, general, receiver, endpoint_to, django_capture_on_commit_callbacks
):
    from hearth.notifications import scheduler

    receiver.statuses = [500, 200]
    endpoint_to(receiver.url)
    start_topic(community, member, general)
    with django_capture_on_commit_callbacks(execute=True):
        scheduler.run_due()
    assert len(receiver.requests) == 1
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        scheduler.run_due()
    assert len(receiver.requests) == 2
    assert Delivery.objects.get().status == DeliveryStatus.SUCCEEDED


def test_an_unexpected_error_is_logged_as_a_failed_attempt(
    monkeypatch, community, member, general, receiver, endpoint_to, run
):
    endpoint = endpoint_to(receiver.url)

    def broken(*args, **kwargs):
        raise ValueError("something odd")

    monkeypatch.setattr(delivery, "_send", broken)
    start_topic(community, member, general)
    run()
    row = Delivery.objects.get(endpoint=endpoint)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error == "ValueError: something odd"
    assert row.claimed_until is None


def test_an_ipv6_loopback_receiver_is_reached(
    community, member, general, endpoint_to, run, django_capture_on_commit_callbacks
):
    import http.server
    import threading

    got = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            got.append(self.headers["Host"])
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        address_family = socket.AF_INET6

    try:
        server = Server(("::1", 0), Handler)
    except OSError:
        pytest.skip("no IPv6 loopback here")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        endpoint = endpoint_to(f"http://[::1]:{port}/hook")
        start_topic(community, member, general)
        run()
    finally:
        server.shutdown()
        server.server_close()
    assert got == [f"[::1]:{port}"]
    assert Delivery.objects.get(endpoint=endpoint).status == DeliveryStatus.SUCCEEDED


def test_a_webhook_removed_while_its_delivery_is_on_the_way_is_no_error(
    monkeypatch, community, member, general, receiver, endpoint_to, owner_actor, run
):
    endpoint = endpoint_to(receiver.url)
    real_send = delivery.send

    def send_then_remove(**kwargs):
        result = real_send(**kwargs)
        services.endpoint_delete(actor=owner_actor, endpoint=endpoint)
        return result

    monkeypatch.setattr(delivery, "send", send_then_remove)
    start_topic(community, member, general)
    run()
    assert len(receiver.requests) == 1
    assert not Delivery.objects.exists()
