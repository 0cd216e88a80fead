"""Hospitality in headless Chromium: a newcomer joins a community with a welcome message and
a checklist, sees both on the home page, introduces themself, a welcomer greets that first
post from the welcome queue in one click, and the newcomer watches the checklist fill up."""

import os
import re
from datetime import timedelta

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from hearth.communities.models import Community  # noqa: E402
from hearth.conversations.models import Message  # noqa: E402
from hearth.discussions import services as discussion_services  # noqa: E402
from hearth.discussions.models import Category, Post  # noqa: E402
from hearth.onboarding import services  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    actor_for,
    community_factory,
    membership_factory,
    user_factory,
)

from .conftest import shot  # noqa: E402
from .pages import fill_topic_title, sign_in  # noqa: E402

pytestmark = pytest.mark.browser

SLUG = "garden"
WELCOME = (
    "We're a friendly bunch of gardeners. **Start with the guide**, then tell us what you grow "
    "in *Introductions*. Questions are always welcome."
)
INTRO_TITLE = "Hi, I'm Nico from Lyon"
INTRO_BODY = "I have a tiny balcony with tomatoes and basil. Keen to learn about compost!"


@pytest.fixture
def garden(db):
    """Garden Club with a welcome (card + message from Olivia), a four-step checklist with a
    pinned guide, Mel as a welcomer, and two earlier first posts in the queue."""
    owner = user_factory(username="olivia", display_name="Olivia Green")
    community = community_factory(owner=owner, slug=SLUG, name="Garden Club")
    staff = actor_for(owner, community)
    mel = membership_factory(
        community,
        user=user_factory(username="mel", display_name="Mel Rivers"),
        trust_level=1,
        joined_at=timezone.now() - timedelta(days=200),
    ).user
    general = Category.objects.get(community=community, slug="general")
    intros = Category.objects.get(community=community, slug="introductions")
    guide = discussion_services.topic_create(
        actor=staff,
        category=general,
        title="Start here: how Garden Club works",
        body="Be kind, share photos, and ask anything.",
    )
    discussion_services.topic_set_state(actor=staff, topic=guide, pinned=True)
    services.welcome_message_save(
        actor=staff, body=WELCOME, show_on_first_visit=True, send_as_message=True, sender=owner
    )
    services.checklist_item_add(actor=staff, kind="profile")
    services.checklist_item_add(actor=staff, kind="introduce")
    services.checklist_item_add(actor=staff, kind="read_guide", topic=guide)
    services.checklist_item_add(actor=staff, kind="reply")
    services.welcomer_opt_in(actor=actor_for(mel, community))
    # Earlier newcomers: Ivy waits since yesterday, Raj was already greeted by Olivia.
    for name, title, hours in (("ivy", "Seed swap anyone?", 20), ("raj", "Hello from Pune", 30)):
        user = membership_factory(community, user=user_factory(username=name)).user
        topic = discussion_services.topic_create(
            actor=actor_for(user, community), category=intros, title=title, body="Hi all!"
        )
        Post.objects.filter(topic=topic).update(created_at=timezone.now() - timedelta(hours=hours))
    raj_topic = Post.objects.get(author__username="raj").topic
    discussion_services.post_reply(actor=staff, topic=raj_topic, body="Welcome, Raj!")
    Community.objects.filter(pk=community.pk).update(member_count=4)
    user_factory(username="nico", display_name="Nico Laurent")
    return community, guide


def panel(page):
    return page.locator("section.newcomer-panel")


def queue_row(page, author):
    return page.locator("li.welcome-item").filter(has_text=author)


def test_newcomer_is_welcomed_and_follows_the_checklist(
    live_server, new_context, shot_both, garden
):
    base = live_server.url
    community, guide = garden

    # Nico joins.
    nico = new_context().new_page()
    sign_in(nico, base, "nico", PASSWORD)
    nico.goto(f"{base}/c/{SLUG}/")
    expect(panel(nico)).to_have_count(0)
    nico.get_by_role("link", name="Join this community").click()
    nico.get_by_label("I have read the rules and agree to follow them").check()
    nico.get_by_role("button", name="Accept the rules and join").click()
    expect(nico).to_have_url(f"{base}/c/{SLUG}/")

    # The welcome card and the checklist greet him.
    card = nico.locator("#welcome-card")
    expect(card.get_by_role("heading", name="Welcome to Garden Club")).to_be_visible()
    expect(card.get_by_text("Start with the guide")).to_be_visible()
    expect(card.get_by_text("Olivia Green")).to_be_visible()
    steps = panel(nico).locator(".checklist-card")
    expect(steps.get_by_text("0 of 4 done")).to_be_visible()
    expect(steps.get_by_role("link", name="Introduce yourself")).to_be_visible()
    shot_both(nico, "onboarding-home")
    # ... and a direct message from Olivia is waiting.
    welcome_dm = Message.objects.get(conversation__participants__user__username="nico")
    assert welcome_dm.author.username == "olivia"

    # He introduces himself from the checklist (Introductions is preselected).
    steps.get_by_role("link", name="Introduce yourself").click()
    expect(nico.get_by_label("Category")).to_have_value(
        str(Category.objects.get(community=community, slug="introductions").pk)
    )
    fill_topic_title(nico, INTRO_TITLE)
    nico.get_by_label("Message").fill(INTRO_BODY)
    nico.get_by_role("button", name="Post topic").click()
    expect(nico.get_by_role("heading", name=INTRO_TITLE, level=1)).to_be_visible()
    expect(nico.locator("article#post-1").get_by_text("First post")).to_be_visible()

    # Mel greets him from the welcome queue with one click.
    mel = new_context().new_page()
    sign_in(mel, base, "mel", PASSWORD)
    mel.goto(f"{base}/c/{SLUG}/")
    mel.get_by_role("link", name=re.compile("2 newcomers' first posts are waiting")).click()
    expect(mel.get_by_role("heading", name="Welcome queue", level=1)).to_be_visible()
    rows = mel.locator("li.welcome-item")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Nico Laurent")  # newest first
    expect(queue_row(mel, "Ivy")).to_contain_text(re.compile(r"waiting 2\d\s+hours"))
    expect(queue_row(mel, "Raj")).to_contain_text("Someone has replied")
    shot_both(mel, "onboarding-queue")
    row = queue_row(mel, "Nico Laurent")
    expect(row.get_by_role("textbox")).to_have_value(
        "Welcome, Nico Laurent! 👋 Great to have you here."
    )
    row.get_by_role("button", name="Send welcome").click()
    expect(queue_row(mel, "Nico Laurent").get_by_text("Replied ✓")).to_be_visible()
    shot(mel, "onboarding-queue-replied")
    reply = Post.objects.get(author__username="mel")
    assert reply.reply_to.author.username == "nico" and reply.reply_to.is_first_post

    # Nico sees the welcome and his progress; reading the guide and answering Mel tick more.
    nico.goto(f"{base}/c/{SLUG}/")
    expect(panel(nico).get_by_text("1 of 4 done")).to_be_visible()
    panel(nico).get_by_role("link", name=re.compile("Read “Start here")).click()
    expect(nico.get_by_role("heading", name=guide.title, level=1)).to_be_visible()
    nico.goto(f"{base}/c/{SLUG}/")
    expect(panel(nico).get_by_text("2 of 4 done")).to_be_visible()
    discussion_services.post_reply(
        actor=actor_for(reply.reply_to.author, community),
        topic=reply.topic,
        body="Thanks Mel!",
        reply_to=reply,
    )
    nico.goto(f"{base}/c/{SLUG}/welcome/")
    expect(nico.get_by_text("3 of 4 done")).to_be_visible()
    done = nico.locator(".checklist__step--done")
    expect(done).to_have_count(3)
    expect(
        nico.locator(".checklist__step").filter(has_text="Complete your profile")
    ).not_to_have_class(re.compile("checklist__step--done"))
    shot_both(nico, "onboarding-welcome-page")

    # His first post earned him a badge, shown on his profile.
    nico.goto(f"{base}/c/{SLUG}/u/nico/")
    expect(nico.locator(".badge-chips").get_by_text("First post")).to_be_visible()


def test_member_opts_in_as_welcomer(live_server, new_context, shot_both, garden):
    base = live_server.url
    ivy = new_context().new_page()
    sign_in(ivy, base, "ivy", PASSWORD)
    ivy.goto(f"{base}/c/{SLUG}/welcome-queue/")
    expect(ivy.get_by_role("heading", name="Be the first friendly face")).to_be_visible()
    expect(ivy.locator("li.welcome-item")).to_have_count(0)
    shot_both(ivy, "onboarding-queue-optin")
    ivy.get_by_role("button", name="Become a welcomer").click()
    expect(ivy.get_by_text("You are a welcomer now")).to_be_visible()
    # Her own first post is not in her queue; Raj's is.
    expect(ivy.locator("li.welcome-item")).to_have_count(1)
    expect(queue_row(ivy, "Raj")).to_be_visible()


def test_owner_sets_up_the_welcome_and_checklist(live_server, new_context, shot_both, db):
    base = live_server.url
    owner = user_factory(username="olivia", display_name="Olivia Green")
    community = community_factory(owner=owner, slug="potters", name="Potters' Guild")
    staff = actor_for(owner, community)
    guide = discussion_services.topic_create(
        actor=staff,
        category=Category.objects.get(community=community, slug="general"),
        title="Kiln safety basics",
        body="Read before firing.",
    )
    discussion_services.topic_set_state(actor=staff, topic=guide, pinned=True)

    page = new_context().new_page()
    sign_in(page, base, "olivia", PASSWORD)
    page.goto(f"{base}/c/potters/manage/welcome/")
    page.get_by_label("Welcome message").fill("Welcome to the guild! **Read the kiln guide.**")
    page.get_by_label("Send it as a direct message when someone joins").check()
    page.get_by_label("Send the message from").select_option(label="Olivia Green (Owner)")
    page.get_by_role("button", name="Save welcome").click()
    expect(page.get_by_text("Welcome message saved.")).to_be_visible()
    shot_both(page, "onboarding-manage-welcome")

    page.get_by_role("link", name="Newcomer checklist").click()
    expect(page.get_by_text("No checklist yet")).to_be_visible()
    page.get_by_role("button", name="Add the suggested steps").click()
    page.get_by_label("Step").select_option(label="Read the guide")
    page.get_by_label("Guide to read").select_option(label="📌 Kiln safety basics")
    page.get_by_role("button", name="Add step").click()
    expect(page.get_by_text("Step added: Read “Kiln safety basics”")).to_be_visible()
    expect(page.locator("ol.checklist-admin > li")).to_have_count(4)
    shot_both(page, "onboarding-manage-checklist")
