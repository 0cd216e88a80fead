"""Moderation in headless Chromium: three members flag a post and it is hidden; a moderator
reviews it in the queue and suspends its author, who sees the reason on every page and
appeals; the owner decides the appeal and the member sees the decision. Screenshots of the
flag form, the queue, the suspended member's page and the decision at 1280 and 390 px."""

import os

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from hearth.communities.models import Role, StaffAction  # noqa: E402
from hearth.discussions import services as discussion_services  # noqa: E402
from hearth.discussions.models import Category, ReviewState  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    actor_for,
    community_factory,
    membership_factory,
    user_factory,
)

from .pages import community_link, open_post_menu, sign_in  # noqa: E402

pytestmark = pytest.mark.browser

SLUG = "allotment"
SPAM = "Miracle grow pills!!! Double your tomatoes overnight, order at cheap-pills.example"
RULES = "1. Be kind to each other.\n2. Stay on topic: growing things.\n3. No selling or ads."


@pytest.fixture
def allotment(db):
    owner = user_factory(username="olivia", display_name="Olivia Hart")
    community = community_factory(owner=owner, slug=SLUG, name="Allotment Society", rules=RULES)
    people = {
        name: membership_factory(
            community, user=user_factory(username=name, display_name=full), trust_level=1
        ).user
        for name, full in (
            ("ada", "Ada Okafor"),
            ("ben", "Ben Lindqvist"),
            ("cleo", "Cleo Moreau"),
            ("sam", "Sam Spammer"),
        )
    }
    people["mona"] = membership_factory(
        community,
        user=user_factory(username="mona", display_name="Mona Reyes"),
        role=Role.MODERATOR,
        trust_level=3,
    ).user
    general = Category.objects.get(community=community, slug="general")
    topic = discussion_services.topic_create(
        actor=actor_for(people["ada"], community),
        category=general,
        title="When do you plant out tomatoes?",
        body="Last frost is usually mid-May here. Is it safe to plant out tomatoes yet?",
    )
    discussion_services.post_reply(
        actor=actor_for(people["ben"], community),
        topic=topic,
        body="I wait until the nights stay above 10 °C, usually the last week of May.",
    )
    spam = discussion_services.post_reply(
        actor=actor_for(people["sam"], community), topic=topic, body=SPAM
    )
    return community, people, topic, spam


def test_flags_hide_a_post_the_author_is_suspended_and_appeals(
    live_server, new_context, shot_both, allotment
):
    base = live_server.url
    community, people, topic, spam = allotment
    topic_url = f"{base}/c/{SLUG}/t/{topic.slug}/{topic.pk}/"

    # Three members flag the post, the second naming a rule.
    for name, reason in (("ada", "Spam"), ("ben", "Breaks a rule"), ("cleo", "Spam")):
        page = new_context().new_page()
        sign_in(page, base, name, PASSWORD)
        page.goto(topic_url)
        open_post_menu(page.locator(f"#post-{spam.number}")).get_by_role(
            "link", name="Flag / report"
        ).click()
        expect(page.get_by_role("heading", name="Flag a post")).to_be_visible()
        page.get_by_label(reason).check()
        if reason == "Breaks a rule":
            page.get_by_label("Which rule does it break?").select_option("No selling or ads.")
            shot_both(page, "moderation-flag")
        page.get_by_role("button", name="Flag post").click()
        expect(page.locator(".flash")).to_contain_text("The moderators will look")
        page.context.close()
    spam.refresh_from_db()
    assert spam.review_state == ReviewState.FLAGGED

    # Another member no longer sees it.
    ada = new_context().new_page()
    sign_in(ada, base, "ada", PASSWORD)
    ada.goto(topic_url)
    expect(ada.get_by_text("Miracle grow pills")).to_have_count(0)

    # The moderator reviews it in the queue and suspends the author.
    mona = new_context().new_page()
    sign_in(mona, base, "mona", PASSWORD)
    mona.goto(f"{base}/c/{SLUG}/")
    community_link(mona, "Review").click()
    item = mona.locator(".review-item", has_text="Miracle grow pills")
    expect(item).to_contain_text("Hidden after flags")
    expect(item).to_contain_text("Breaks a rule: No selling or ads.")
    shot_both(mona, "moderation-queue")
    item.get_by_role("link", name="Suspend author…").click()
    mona.get_by_label("For").select_option("7")
    mona.get_by_label("Reason").fill("Advertising pills breaks rule 3: no selling or ads.")
    mona.get_by_role("button", name="Apply sanction").click()
    expect(mona.locator(".flash")).to_contain_text("is in force")
    expect(mona.locator(".review-item", has_text="Miracle grow pills")).to_have_count(0)

    # The author sees why on every page, and appeals once.
    sam = new_context().new_page()
    sign_in(sam, base, "sam", PASSWORD)
    sam.goto(f"{base}/c/{SLUG}/")
    expect(sam.locator(".banner")).to_contain_text("Your membership is suspended until")
    sam.get_by_role("link", name="See why, and appeal").click()
    expect(sam.locator(".sanction--current")).to_contain_text("no selling or ads")
    shot_both(sam, "moderation-sanction")
    sam.get_by_label("Your appeal").fill("It was a joke among friends, I will not post ads again.")
    sam.get_by_role("button", name="Send appeal").click()
    expect(sam.locator(".flash")).to_contain_text("Your appeal was sent")
    expect(sam.get_by_role("button", name="Send appeal")).to_have_count(0)

    # The owner decides the appeal in the queue; the member sees the decision.
    olivia = new_context().new_page()
    sign_in(olivia, base, "olivia", PASSWORD)
    olivia.goto(f"{base}/c/{SLUG}/review/?kind=appeals")
    appeal = olivia.locator(".review-item", has_text="It was a joke")
    appeal.get_by_label("Reason (the member sees it)").fill(
        "Suspension stands: the same ad went to three topics."
    )
    appeal.get_by_role("button", name="Uphold sanction").click()
    expect(olivia.locator(".flash")).to_contain_text("Decision sent")
    sam.reload()
    expect(sam.locator(".appeal__decision")).to_contain_text("the same ad went to three topics")
    shot_both(sam, "moderation-appeal-decided")
    assert StaffAction.objects.filter(action="appeal.uphold").exists()
    assert StaffAction.objects.filter(action="member.suspend").exists()
    assert StaffAction.objects.filter(action="review.reject").exists()
