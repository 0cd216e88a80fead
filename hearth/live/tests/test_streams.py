"""The SSE streams, driven through Hearth's ASGI application as uvicorn would: who may
open which stream, what reaches it (ids, never text), replay after Last-Event-ID, keep-alive
and the per-member limit. No sleeps: each test waits for the bytes it expects."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import transaction
from django.test import Client

from hearth.discussions import services
from hearth.discussions.models import ReadAccess, ReviewState
from hearth.live import streams
from hearth.live.broadcast import publish
from hearth.live.tests.asgi import stream
from hearth.testing.factories import actor_for

pytestmark = pytest.mark.django_db(transaction=True)


def cookies_for(user) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def topic_stream_url(community, topic) -> str:
    return f"/c/{community.slug}/live?topic={topic.pk}"


def reply(user, community, topic, body="A reply"):
    return services.post_reply(actor=actor_for(user, community), topic=topic, body=body)


def numbers(result) -> list[int]:
    return [
        json.loads(e["data"])["number"] for e in result.events() if e["event"] == "post.created"
    ]


@pytest.fixture
def staff_room(community, owner):
    return services.category_create(
        actor=actor_for(owner, community), name="Staff room", read_access=ReadAccess.STAFF
    )


def test_a_member_hears_of_a_reply_as_an_id_without_its_text(
    backend, community, topic, member, moderator
):
    async def moderator_replies():
        await sync_to_async(reply)(moderator, community, topic, "Secret gardening tip")

    result = asyncio.run(
        stream(
            topic_stream_url(community, topic),
            cookies=cookies_for(member),
            on_open=moderator_replies,
            until=numbers,
        )
    )
    assert result.status == 200
    assert result.headers["content-type"].startswith("text/event-stream")
    assert result.headers["cache-control"] == "no-cache, no-store"
    assert result.headers["x-accel-buffering"] == "no"
    assert result.text.startswith("retry: 3000\n")
    # The member's own channel rides along (their bell count may rise too).
    (event,) = [e for e in result.events() if e["event"] == "post.created"]
    assert event["id"]
    assert json.loads(event["data"]) == {
        "topic": topic.pk,
        "post": topic.posts.get(number=2).pk,
        "number": 2,
    }
    assert "Secret" not in result.text


def test_a_held_reply_is_not_announced(community, topic, member, newcomer, memory_backend):
    def held_then_published():
        with transaction.atomic():
            post = reply(newcomer, community, topic, "Buy cheap seeds")
            services.post_set_review_state(post=post, state=ReviewState.HELD)
        reply(member, community, topic, "Welcome!")

    result = asyncio.run(
        stream(
            topic_stream_url(community, topic),
            cookies=cookies_for(member),
            on_open=sync_to_async(held_then_published),
            until=lambda r: r.events(),
        )
    )
    assert numbers(result) == [3]


def test_reconnecting_with_last_event_id_loses_no_reply(backend, community, topic, member, admin):
    url, cookies = topic_stream_url(community, topic), cookies_for(member)
    first = asyncio.run(
        stream(
            url,
            cookies=cookies,
            on_open=sync_to_async(lambda: reply(admin, community, topic)),
            until=numbers,
        )
    )
    last_event_id = first.events()[-1]["id"]
    reply(admin, community, topic)  # while the browser reconnects
    reply(admin, community, topic)
    second = asyncio.run(
        stream(
            url,
            cookies=cookies,
            headers={"Last-Event-ID": last_event_id},
            until=lambda r: len(numbers(r)) >= 2,
        )
    )
    assert numbers(first) == [2]
    assert numbers(second) == [3, 4]


@pytest.mark.parametrize("persona", ["member", "outsider", "anonymous"])
def test_a_stream_for_a_topic_the_reader_may_not_read_is_not_found(
    persona, personas, community, staff_room, owner
):
    secret = services.topic_create(
        actor=actor_for(owner, community), category=staff_room, title="Pay rises", body="x"
    )
    client = Client()
    if personas[persona] is not None:
        client.force_login(personas[persona])
    response = client.get(topic_stream_url(community, secret))
    assert response.status_code == 404
    assert "text/event-stream" not in response["Content-Type"]
    assert b"Pay rises" not in response.content


def test_the_latest_stream_announces_only_topics_the_member_may_read(
    community, staff_room, general, member, owner, memory_backend
):
    def owner_posts_two_topics():
        actor = actor_for(owner, community)
        services.topic_create(actor=actor, category=staff_room, title="Staff only", body="x")
        return services.topic_create(actor=actor, category=general, title="For all", body="x")

    created = []

    async def on_open():
        created.append(await sync_to_async(owner_posts_two_topics)())

    result = asyncio.run(
        stream(
            f"/c/{community.slug}/live?latest=1",
            cookies=cookies_for(member),
            on_open=on_open,
            until=lambda r: r.events(),
        )
    )
    (event,) = result.events()
    assert event["event"] == "topic.created"
    assert json.loads(event["data"]) == {"topic": created[0].pk, "category": general.pk}


def test_a_member_hears_their_own_notification_count(community, member, memory_backend):
    async def count_changes():
        await sync_to_async(publish)(f"user:{member.pk}", "notifications.count", {"unread": 4})

    result = asyncio.run(
        stream(
            "/live", cookies=cookies_for(member), on_open=count_changes, until=lambda r: r.events()
        )
    )
    (event,) = result.events()
    assert (event["event"], json.loads(event["data"])) == ("notifications.count", {"unread": 4})


def test_an_idle_stream_is_kept_alive(community, topic, member, memory_backend, monkeypatch):
    monkeypatch.setattr(streams, "KEEPALIVE_SECONDS", 0)
    result = asyncio.run(
        stream(
            topic_stream_url(community, topic),
            cookies=cookies_for(member),
            until=lambda r: ": keep-alive" in r.text,
        )
    )
    assert ": keep-alive\n\n" in result.text


def test_a_stream_ends_after_its_lifetime_and_gives_its_slot_back(
    community, topic, member, memory_backend, settings
):
    settings.HEARTH_LIVE_STREAM_SECONDS = 0
    result = asyncio.run(stream(topic_stream_url(community, topic), cookies=cookies_for(member)))
    assert result.ended
    assert result.status == 200
    assert streams.slots.total == 0


def test_streams_past_the_per_member_limit_are_refused(client, community, topic, member, settings):
    settings.HEARTH_LIVE_MAX_STREAMS_PER_USER = 0
    client.force_login(member)
    response = client.get(topic_stream_url(community, topic))
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert streams.slots.total == 0


@pytest.mark.parametrize("query", ["", "?topic=abc", "?topic=99999999999999999999"])
def test_a_stream_naming_nothing_valid_is_refused(client, community, query):
    response = client.get(f"/c/{community.slug}/live{query}")
    assert response.status_code == 400


def test_anonymous_visitors_have_no_personal_stream(client):
    assert client.get("/live").status_code == 403
