"""The owner opens the Benefits tab of the health dashboard, reads the estimate and the
assumptions printed beside it, changes the cost of a ticket and sees the estimate move."""

import os
from datetime import timedelta

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from hearth.audience.recording import PageView  # noqa: E402
from hearth.audience.services import page_views_save  # noqa: E402
from hearth.communities.models import Role  # noqa: E402
from hearth.core import ratelimit  # noqa: E402
from hearth.discussions import services as discussion_services  # noqa: E402
from hearth.qa.models import Question  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    actor_for,
    community_factory,
    membership_factory,
    user_factory,
)

from .conftest import shot  # noqa: E402
from .pages import draw_every_chart, sign_in  # noqa: E402

pytestmark = pytest.mark.browser

TITLES = [
    "How do I clean the sensor without scratching it?",
    "Best settings for the northern lights?",
    "Firmware 2.1 drains the battery overnight",
    "Which lens for portraits on a budget?",
    "Autofocus hunts in low light",
    "Can I tether to a tablet?",
    "RAW files look flat on import",
    "Strap lugs came loose",
]


@pytest.fixture
def garden(db):
    owner = user_factory(username="olivia", display_name="Olivia Owner")
    community = community_factory(owner=owner, slug="garden", name="Garden Club")
    support = discussion_services.category_create(
        actor=actor_for(owner, community), name="Support", kind="questions"
    )
    helpers = [
        membership_factory(community, user=user_factory(display_name=name)).user
        for name in ("Priya Natarajan", "Tom Becker", "Ana Lima")
    ]
    moderator = membership_factory(community, role=Role.MODERATOR).user
    asker = membership_factory(community).user
    now = timezone.now()
    views = []
    with ratelimit.paused():
        for i, title in enumerate(TITLES):
            topic = discussion_services.topic_create(
                actor=actor_for(asker, community), category=support, title=title, body="Help?"
            )
            answerer = moderator if i % 4 == 3 else helpers[i % 3]
            answer = discussion_services.post_reply(
                actor=actor_for(answerer, community), topic=topic, body="Here is how."
            )
            accepted = now - timedelta(days=24 - 3 * i)
            Question.objects.filter(topic=topic).update(
                accepted_answer=answer, accepted_at=accepted, accepted_by=asker
            )
            for day in range(24 - 3 * i, -1, -1):
                views += [
                    PageView(community.pk, (now - timedelta(days=day)).date(), n, "", "", "",
                             topic.pk, 0)
                    for n in range(2 + (i * 7 + day) % 9)
                ]  # fmt: skip
    page_views_save(views)
    return community


def _estimate(page):
    return page.locator("[data-estimate=cost]").inner_text()


def test_the_owner_sees_the_benefits_and_moves_the_estimate(live_server, new_context, garden):
    base = live_server.url
    # Reduced motion: charts are drawn at once, not animated into the screenshots.
    context = new_context(reduced_motion="reduce")
    page = context.new_page()
    sign_in(page, base, "olivia", PASSWORD)
    page.goto(f"{base}/c/garden/health/benefits/")
    expect(page.get_by_role("heading", name="Benefits", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Health", exact=True)).to_be_visible()
    expect(page.get_by_text("Estimate", exact=True).first).to_be_visible()
    before = _estimate(page)
    assert before.startswith("$")
    expect(page.locator(".benefits-estimate__sentence")).to_contain_text("at $15 a ticket")
    draw_every_chart(page)
    shot(page, "benefits")

    page.get_by_role("link", name="Change the assumptions").click()
    expect(page.get_by_role("heading", name="The estimate's assumptions")).to_be_visible()
    page.get_by_label("Cost of one support ticket").fill("-3")
    page.get_by_role("button", name="Save assumptions").click()
    expect(page.get_by_text("The cost of a ticket cannot be negative.")).to_be_visible()
    shot(page, "benefits-settings")

    page.get_by_label("Cost of one support ticket").fill("45")
    page.get_by_role("button", name="Save assumptions").click()
    expect(page.get_by_role("heading", name="Benefits", level=1)).to_be_visible()
    expect(page.get_by_text("Assumptions saved")).to_be_visible()
    expect(page.locator(".benefits-estimate__sentence")).to_contain_text("at $45 a ticket")
    after = _estimate(page)
    # Three times the cost of a ticket: three times the saving.
    as_number = lambda text: float(text.lstrip("$").replace(",", ""))  # noqa: E731
    assert after != before
    assert abs(as_number(after) - 3 * as_number(before)) <= 3

    # The people behind a figure: the members whose answers solved questions.
    page.get_by_role("link", name="Members who solved them").click()
    expect(
        page.get_by_role("heading", name="Members whose answers solved questions")
    ).to_be_visible()
    expect(page.get_by_text("Priya Natarajan")).to_be_visible()
    shot(page, "benefits-members")
    page.go_back()

    phone = new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        reduced_motion="reduce",
        storage_state=context.storage_state(),
    ).new_page()
    phone.goto(page.url)
    expect(phone.get_by_role("heading", name="Benefits", level=1)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    draw_every_chart(phone)
    shot(phone, "benefits")
