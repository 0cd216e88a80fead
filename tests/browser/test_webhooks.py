"""An owner adds a webhook to a real local receiver, sends a test ping and reads the log."""

import os

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from hearth.testing.factories import PASSWORD, community_factory, user_factory  # noqa: E402
from hearth.webhooks.tests.conftest import receiver  # noqa: E402,F401

from .conftest import shot  # noqa: E402
from .pages import sign_in  # noqa: E402

pytestmark = pytest.mark.browser


def test_the_owner_adds_a_webhook_pings_it_and_reads_the_log(
    new_context,
    live_server,
    settings,
    receiver,  # noqa: F811
    shot_both,  # noqa: F811
):
    base = live_server.url
    owner = user_factory(username="carmen", display_name="Carmen")
    community_factory(owner=owner, slug="ceramics", name="Ceramics Circle")
    page = new_context().new_page()
    sign_in(page, base, "carmen", PASSWORD)
    page.goto(f"{base}/c/ceramics/manage/members/")
    page.locator(".manage__nav").get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", name="Webhooks", level=1)).to_be_visible()

    # A private address is refused while the operator does not allow it.
    page.get_by_label("Payload URL").fill(receiver.url)
    page.get_by_label("A member joined").check()
    page.get_by_role("button", name="Add webhook").click()
    expect(page.get_by_text("Webhooks cannot be sent to 127.0.0.1")).to_be_visible()
    settings.HEARTH_WEBHOOKS_ALLOW_PRIVATE = True
    page.get_by_label("Payload URL").fill(receiver.url)
    page.get_by_label("Description").fill("Welcome email in the CRM")
    for label in ("A member joined", "A topic was started", "A question was solved"):
        page.get_by_label(label).check()
    page.get_by_role("button", name="Add webhook").click()
    secret = page.locator("#webhook-secret")
    expect(secret).to_contain_text("whsec_")
    shot_both(page, "webhooks-list")

    page.get_by_role("link", name="See its deliveries").click()
    page.get_by_role("button", name="Send test ping").click()
    expect(page.get_by_text("Test ping sent.")).to_be_visible()
    expect(page.locator("table")).to_contain_text("200 Delivered")
    assert receiver.requests[0].headers["Hearth-Event"] == "ping"
    shot_both(page, "webhooks-endpoint")

    page.locator("table").get_by_role("link", name="ping").click()
    expect(page.get_by_text("answered 200")).to_be_visible()
    shot(page, "webhooks-delivery")
    page.get_by_role("button", name="Redeliver").click()
    expect(page.get_by_text("Sent again as a new delivery.")).to_be_visible()
    assert len(receiver.requests) == 2
    shot_both(page, "webhooks-delivery")
