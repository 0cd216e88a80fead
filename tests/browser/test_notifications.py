"""Notifications in headless Chromium, served by uvicorn (test_live's server): one member
replies through the page's form, the topic's author sees the reply appear and the bell
rise without a reload, opens the notification and lands on the exact post."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hearth.discussions import services
from hearth.notifications.services import notifications_mark_all_read
from hearth.testing.factories import actor_for

from .conftest import DESKTOP, PHONE, shot
from .test_live import asgi_server, garden, live_page, wait_for_stream  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_reply_raises_the_bell_and_its_notification_opens_the_post(
    asgi_server,  # noqa: F811
    new_context,
    garden,  # noqa: F811
    viewport,
):
    community, general, ada, bruno = garden
    author = actor_for(bruno, community)
    topic = services.topic_create(
        actor=author,
        category=general,
        title="Overwintering dahlia tubers",
        body="Mine rotted in the shed last year. Does vermiculite help?",
    )
    # Bruno's own follow-ups (nobody is notified of their own posts) push the reply below
    # the fold, so landing on it is a real jump.
    for n in range(5):
        services.post_reply(
            actor=author, topic=topic, body=f"Update {n + 1}: still looking.\n\n" + "Notes. " * 80
        )
    # His first post earned a badge (a notification): start from a quiet bell.
    notifications_mark_all_read(user=bruno)
    size = PHONE if viewport == "phone" else DESKTOP
    path = reverse("discussions:topic", args=[community.slug, topic.slug, topic.pk])
    url = f"{asgi_server}{path}"
    page = live_page(new_context, asgi_server, "bruno", size)
    page.goto(url)
    page.evaluate("window.sameDocument = true")
    wait_for_stream(page)
    bell = page.locator(".site-nav__bell .count[data-unread-count]")
    expect(bell).to_be_hidden()

    replier = live_page(new_context, asgi_server, "ada", size)
    replier.goto(url)
    replier.get_by_label("Your reply").fill("Vermiculite, and a cool dry box.")
    replier.get_by_role("button", name="Post reply").click()
    expect(replier.locator("#post-7")).to_contain_text("Vermiculite, and a cool dry box.")

    expect(page.locator("#post-7")).to_contain_text("Vermiculite, and a cool dry box.")
    expect(bell).to_be_visible()
    expect(bell).to_have_text(re.compile(r"^[1-9]\d*$"))
    assert page.evaluate("window.sameDocument") is True  # no reload happened
    shot(page, "notifications-bell-raised")

    page.locator(".site-nav__bell").click()
    expect(page).to_have_url(re.compile(r"/notifications/"))
    item = page.locator(".notification--unread .notification__link").first
    expect(item).to_contain_text("Ada replied")
    expect(item).to_contain_text("Overwintering dahlia tubers")
    shot(page, "notifications-list")

    item.click()
    expect(page).to_have_url(re.compile(r"#post-7$"))
    expect(page.locator("#post-7")).to_be_in_viewport()
    expect(page.locator("#post-7")).to_contain_text("Vermiculite, and a cool dry box.")
