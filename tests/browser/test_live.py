"""Live pages in headless Chromium, served by uvicorn (the ASGI server `hearth serve`
runs: Django's threaded live_server cannot hold a stream open): a reply appears in an open
topic without a reload, and a topic list offers "1 new topic — show"."""

import os
import threading

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

import uvicorn  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from hearth.communities.models import Community  # noqa: E402
from hearth.discussions import services  # noqa: E402
from hearth.discussions.models import Category  # noqa: E402
from hearth.live import broadcast  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    actor_for,
    community_factory,
    membership_factory,
    user_factory,
)

from .conftest import PHONE, shot  # noqa: E402
from .pages import sign_in  # noqa: E402

pytestmark = pytest.mark.browser


def _read_uncommitted(connection, on: bool) -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA read_uncommitted = {int(on)}")


def _reads_take_no_table_locks(sender, connection, **kwargs):
    """SQLite's in-memory test database is one shared cache, where a reader's table lock
    makes a concurrent write fail at once ("database table is locked") instead of waiting
    as it does on a file (a stream opening while its page posts a reply did, in CI)."""
    _read_uncommitted(connection, True)


@pytest.fixture
def asgi_server(transactional_db):
    """hearth.asgi under uvicorn in a thread, on a free port, against the test database,
    with the in-process broadcaster (so a service called by the test reaches its streams).
    The server's threads open their own connections, unlike Django's live_server."""
    broadcast._broadcasters.clear()
    connection_created.connect(_reads_take_no_table_locks)
    _reads_take_no_table_locks(None, connection)
    with override_settings(HEARTH_LIVE_BACKEND="memory"):
        config = uvicorn.Config(
            "hearth.asgi:application",
            host="127.0.0.1",
            port=0,
            lifespan="off",
            log_level="warning",
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
        thread.start()
        started = threading.Event()
        for _ in range(200):  # poll the server's own flag: up to ~10 s to start
            if server.started:
                started.set()
                break
            thread.join(0.05)
        assert started.is_set(), "uvicorn did not start"
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
        server.should_exit = True
        thread.join(10)
    connection_created.disconnect(_reads_take_no_table_locks)
    _read_uncommitted(connection, False)
    broadcast._broadcasters.clear()


@pytest.fixture
def garden(transactional_db):
    owner = user_factory(username="olivia")
    community = community_factory(owner=owner, slug="garden", name="Garden Club")
    ada = membership_factory(community, user=user_factory(username="ada"), trust_level=1).user
    bruno = membership_factory(community, user=user_factory(username="bruno"), trust_level=1).user
    Community.objects.filter(pk=community.pk).update(member_count=3)
    community.refresh_from_db()
    general = Category.objects.get(community=community, slug="general")
    return community, general, ada, bruno


def live_page(new_context, base, username, viewport):
    page = new_context(viewport=viewport).new_page()
    sign_in(page, base, username, PASSWORD)
    return page


def wait_for_stream(page):
    expect(page.locator("[data-live-state=open]")).to_have_count(1)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_reply_appears_in_the_open_topic_without_a_reload(
    asgi_server, new_context, garden, viewport
):
    community, general, ada, bruno = garden
    topic = services.topic_create(
        actor=actor_for(ada, community),
        category=general,
        title="Overwintering dahlia tubers",
        body="Mine rotted in the shed last year. Does vermiculite help?",
    )
    size = PHONE if viewport == "phone" else {"width": 1280, "height": 900}
    page = live_page(new_context, asgi_server, "bruno", size)
    url = reverse("discussions:topic", args=[community.slug, topic.slug, topic.pk])
    page.goto(f"{asgi_server}{url}")
    page.evaluate("window.sameDocument = true")
    wait_for_stream(page)

    services.post_reply(
        actor=actor_for(ada, community), topic=topic, body="Vermiculite, and a cool dry box."
    )

    reply = page.locator("#post-2")
    expect(reply).to_contain_text("Vermiculite, and a cool dry box.")
    expect(reply.get_by_role("link", name="Reply")).to_be_visible()
    assert page.evaluate("window.sameDocument") is True  # no reload happened
    assert page.locator("article.post").count() == 2
    expect(page.locator("[data-live-announce]")).to_have_text("New replies were added below.")
    reply.scroll_into_view_if_needed()
    shot(page, "live-reply")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_list_offers_the_new_topic(asgi_server, new_context, garden, viewport):
    community, general, ada, bruno = garden
    services.topic_create(
        actor=actor_for(ada, community), category=general, title="Seed swap", body="Bring seeds"
    )
    size = PHONE if viewport == "phone" else {"width": 1280, "height": 900}
    page = live_page(new_context, asgi_server, "bruno", size)
    page.goto(f"{asgi_server}{reverse('discussions:latest', args=[community.slug])}")
    bar = page.locator(".live-bar")
    expect(bar).to_be_hidden()
    wait_for_stream(page)

    services.topic_create(
        actor=actor_for(ada, community), category=general, title="Frost dates", body="When?"
    )

    expect(bar).to_be_visible()
    expect(bar).to_have_text("1 new topic — show")
    shot(page, "live-new-topics")
    bar.get_by_role("link").click()
    expect(page.get_by_role("link", name="Frost dates")).to_be_visible()
    expect(page.locator(".live-bar")).to_be_hidden()
