"""The way in: the owner makes a campaign link, a new visitor opens it, signs up on the
community's branded page, joins and posts, and the campaign's funnel shows each step."""

import os
from datetime import timedelta

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from hearth.analytics import rollups  # noqa: E402
from hearth.audience.recording import buffer  # noqa: E402
from hearth.communities.models import Community  # noqa: E402
from hearth.discussions import services as discussions  # noqa: E402
from hearth.discussions.models import Category  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    actor_for,
    community_factory,
    user_factory,
)

from .conftest import PHONE, shot  # noqa: E402
from .pages import sign_in, start_topic_via_ui  # noqa: E402

pytestmark = pytest.mark.browser

# Headless Chromium calls itself HeadlessChrome, which the page-view counter ignores as a
# bot; the visitor here is a person.
PERSON_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36"
STAGES = ("visited", "signed_up", "joined", "first_post")


def test_a_campaign_link_brings_a_member_in_and_the_funnel_counts_each_step(
    new_context, live_server
):
    base = live_server.url
    owner = user_factory(username="carmen", display_name="Carmen")
    community = community_factory(
        owner=owner,
        slug="ceramics",
        name="Ceramics Circle",
        accent_color="#b4532a",
        rules="1. Share your process, not just results.\n2. Critique the pot, not the potter."
        "\n3. Credit glaze recipes.",
    )
    Community.objects.filter(pk=community.pk).update(
        tagline="Throwing, glazing and firing together, from first bowl to kiln."
    )
    general = Category.objects.get(community=community, slug="general")
    for title in (
        "Show your first bowl",
        "Cone 6 glaze recipes that work",
        "Kiln wash: how thick?",
    ):
        discussions.topic_create(
            actor=actor_for(owner, community), category=general, title=title, body="Let's talk."
        )

    staff = new_context().new_page()
    sign_in(staff, base, "carmen", PASSWORD)
    staff.goto(f"{base}/c/ceramics/manage/campaigns/")
    staff.get_by_label("Source").fill("instagram")
    staff.get_by_label("Campaign").fill("spring")
    staff.get_by_role("button", name="Make the link").click()
    link = staff.get_by_test_id("campaign-link").inner_text()
    assert link == f"{base}/c/ceramics/welcome?source=instagram&utm_campaign=spring"

    visitor_context = new_context(user_agent=PERSON_AGENT)
    visitor = visitor_context.new_page()
    visitor.goto(link)
    expect(visitor.get_by_role("heading", name="Ceramics Circle", level=1)).to_be_visible()
    expect(visitor.get_by_text("Critique the pot, not the potter.")).to_be_visible()
    expect(visitor.get_by_role("link", name="Cone 6 glaze recipes that work")).to_be_visible()
    shot(visitor, "growth-landing")
    # The phone keeps Chromium's headless agent: its screenshots are not a second visitor.
    phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(link)
    shot(phone, "growth-landing")

    visitor.get_by_role("link", name="Join Ceramics Circle").click()
    expect(visitor.get_by_role("heading", name="Join Ceramics Circle", level=1)).to_be_visible()
    expect(visitor).to_have_title("Sign up · Ceramics Circle")
    shot(visitor, "growth-signup")
    phone.get_by_role("link", name="Join Ceramics Circle").click()
    expect(phone.get_by_role("heading", name="Join Ceramics Circle", level=1)).to_be_visible()
    shot(phone, "growth-signup")

    visitor.locator("input[name=username]").fill("pia")
    visitor.locator("input[name=email]").fill("pia@example.com")
    visitor.locator("input[name=password1]").fill("Glaze-and-Fire-42")
    visitor.locator("input[name=password2]").fill("Glaze-and-Fire-42")
    visitor.locator("form.form--auth").get_by_role("button", name="Create account").click()
    # The sign-up page says "Join Ceramics Circle" too: wait for the rules box.
    agree = visitor.get_by_label("I have read the rules and agree to follow them")
    expect(agree).to_be_visible()
    agree.check()
    visitor.get_by_role("button", name="Accept the rules and join").click()
    expect(visitor.get_by_text("Welcome to Ceramics Circle!")).to_be_visible()
    start_topic_via_ui(
        visitor, base, "ceramics", category="General", title="Hello from Pia", body="New potter!"
    )

    buffer.flush()
    rollups.update(community, lag=timedelta(0))
    staff.goto(f"{base}/c/ceramics/manage/campaigns/")
    row = staff.locator("tr[data-source=instagram][data-campaign=spring]")
    for stage in STAGES:
        expect(row.locator(f"td[data-stage={stage}]")).to_have_text("1")
    expect(row.locator("td[data-stage=reciprocated]")).to_have_text("0")
    shot(staff, "growth-campaigns")
