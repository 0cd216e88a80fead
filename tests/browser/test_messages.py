"""Direct messages in headless Chromium: Ada writes to Ben from the new-message page (the
link a profile's "Message" button points to), Ben signs in, sees the unread badge on the
Messages tab, reads the conversation (the badge clears) and replies; Ada sees the reply.
Screenshots of the inbox and the conversation at 1280 and 390 px."""

import os
import re

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from hearth.conversations import services  # noqa: E402
from hearth.conversations.models import Message  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    actor_for,
    community_factory,
    membership_factory,
    user_factory,
)

from .pages import sign_in  # noqa: E402

pytestmark = pytest.mark.browser

SLUG = "allotment"
FIRST = "Hi Ben! Would you like some of my **tomato** seedlings? I have far too many."
REPLY = "Yes please! I can swap you some basil. Saturday at the gate?"


@pytest.fixture
def allotment(db):
    """Allotment Society with members Ada and Ben, and a couple of older conversations in
    Ben's inbox so it does not look empty."""
    owner = user_factory(username="olivia", display_name="Olivia Hart")
    community = community_factory(owner=owner, slug=SLUG, name="Allotment Society")
    people = {
        name: membership_factory(
            community, user=user_factory(username=name, display_name=full), trust_level=1
        ).user
        for name, full in (
            ("ada", "Ada Okafor"),
            ("ben", "Ben Lindqvist"),
            ("cleo", "Cleo Moreau"),
            ("dev", "Dev Patel"),
        )
    }
    services.start_conversation(
        actor=actor_for(people["cleo"], community),
        recipients=[people["ben"], people["dev"]],
        subject="Compost rota for May",
        body="Shall we split the compost turning by week? I can take the first one.",
    )
    reply = services.start_conversation(
        actor=actor_for(owner, community),
        recipients=[people["ben"]],
        body="Welcome to the society, Ben! Plot 14 is yours from Monday.",
    )
    services.send_message(
        actor=actor_for(people["ben"], community), conversation=reply, body="Thank you, Olivia!"
    )
    return community, people


def messages_tab(page):
    return page.locator("nav.community-nav").get_by_role("link", name=re.compile(r"^Messages"))


def test_members_exchange_direct_messages(live_server, new_context, shot_both, allotment):
    base = live_server.url
    community, people = allotment

    # Ada starts from the new-message link with Ben picked.
    ada = new_context().new_page()
    sign_in(ada, base, "ada", PASSWORD)
    ada.goto(f"{base}/c/{SLUG}/messages/new?to=ben")
    expect(ada.locator(".dm-recipient")).to_contain_text("Ben Lindqvist")
    expect(ada.get_by_label("To")).to_have_value("ben")
    ada.get_by_label("Message").fill(FIRST)
    ada.get_by_role("button", name="Send").click()
    expect(ada.locator(".flash")).to_contain_text("Message sent.")
    expect(ada.locator(".dm-message--mine strong", has_text="tomato")).to_be_visible()
    conversation_url = ada.url.split("#")[0]

    # Ben signs in: the Messages tab shows his unread count (Cleo's group + Ada's message).
    ben = new_context().new_page()
    sign_in(ben, base, "ben", PASSWORD)
    ben.goto(f"{base}/c/{SLUG}/")
    expect(messages_tab(ben).locator(".count")).to_have_text(re.compile(r"^2"))
    messages_tab(ben).click()
    expect(ben.get_by_role("heading", name="Messages", level=1)).to_be_visible()
    row = ben.locator("li.dm-row", has_text="Ada Okafor")
    expect(row).to_have_class(re.compile("dm-row--unread"))
    expect(row).to_contain_text("tomato")
    shot_both(ben, "messages-inbox")

    # Reading clears that conversation's unread count; Ben replies.
    row.get_by_role("link", name="Ada Okafor").click()
    expect(ben.get_by_role("heading", name="Ada Okafor", level=1)).to_be_visible()
    expect(ben.locator(".dm-message strong", has_text="tomato")).to_be_visible()
    expect(messages_tab(ben).locator(".count")).to_have_text(re.compile(r"^1"))
    ben.get_by_label("Reply").fill(REPLY)
    ben.get_by_role("button", name="Send").click()
    expect(ben.locator(".dm-message--mine", has_text="swap you some basil")).to_be_visible()
    assert Message.objects.filter(author=people["ben"], body=REPLY).exists()
    shot_both(ben, "messages-conversation")

    # Ada sees the reply, and her badge counts it.
    ada.goto(f"{base}/c/{SLUG}/")
    expect(messages_tab(ada).locator(".count")).to_have_text(re.compile(r"^1"))
    ada.goto(conversation_url)
    expect(ada.locator(".dm-message", has_text="swap you some basil")).to_be_visible()
    expect(messages_tab(ada).locator(".count")).to_have_count(0)


def test_a_reported_conversation_reaches_the_moderators(
    live_server, new_context, shot_both, allotment
):
    base = live_server.url
    community, people = allotment
    ada, ben = people["ada"], people["ben"]
    conversation = services.start_conversation(
        actor=actor_for(ada, community), recipients=[ben], body="Buy my miracle fertiliser!!!"
    )

    # Ben reports it from the conversation page.
    page = new_context().new_page()
    sign_in(page, base, "ben", PASSWORD)
    page.goto(f"{base}/c/{SLUG}/messages/{conversation.pk}/")
    page.get_by_text("Report to the moderators").click()
    page.get_by_label("What is wrong?").fill("Selling things in private messages.")
    page.get_by_role("button", name="Send report").click()
    expect(page.locator(".flash")).to_contain_text("The moderators can now read")

    # The owner finds it in the queue, reads it (logged) and resolves it.
    staff = new_context().new_page()
    sign_in(staff, base, "olivia", PASSWORD)
    # The old reported-messages address lands in the review queue.
    staff.goto(f"{base}/c/{SLUG}/manage/reports/messages/")
    staff.get_by_role("link", name="Read and resolve").click()
    expect(staff.locator(".dm-message")).to_contain_text("miracle fertiliser")
    expect(staff.get_by_label("Reply")).to_have_count(0)
    shot_both(staff, "messages-review")
    staff.get_by_label("Note for the staff log (optional)").fill("Warned Ada.")
    staff.get_by_role("button", name="Mark resolved").click()
    expect(staff.locator(".flash")).to_contain_text("resolved")
    staff.goto(f"{base}/c/{SLUG}/manage/log/")
    expect(staff.locator("table")).to_contain_text("Read a reported conversation")
