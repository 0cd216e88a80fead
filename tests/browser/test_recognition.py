"""Recognition in headless Chromium: the owner creates a manual badge and gives it to a
member with a reason, puts her in the spotlight and features her topic; the member finds
the badge (next to the automatic one her first post earned) and the home page shows the
spotlight and the highlight. Screenshots at 1280 and 390 px."""

import os
import re

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from django.urls import reverse  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from hearth.communities.models import Community  # noqa: E402
from hearth.discussions import services  # noqa: E402
from hearth.discussions.models import Category  # noqa: E402
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
REASON = "Kept the tomato beds alive through the August heatwave."
SPOTLIGHT = "Mel grows **everything** and shares seeds with every newcomer."


@pytest.fixture
def plot(db):
    """Allotment Friends: owner Olivia, members Mel and Ravi; Mel has started a topic and
    Ravi replied and reacted, so Mel holds automatic badges and some reputation."""
    owner = user_factory(username="olivia", display_name="Olivia Owner")
    community = community_factory(owner=owner, slug=SLUG, name="Allotment Friends")
    mel = membership_factory(
        community, user=user_factory(username="mel", display_name="Mel Ortiz"), trust_level=1
    ).user
    ravi = membership_factory(
        community, user=user_factory(username="ravi", display_name="Ravi Shah"), trust_level=1
    ).user
    Community.objects.filter(pk=community.pk).update(member_count=3)
    general = Category.objects.get(community=community, slug="general")
    topic = services.topic_create(
        actor=actor_for(mel, community), category=general,
        title="Saving tomato seeds: my method", body="Ferment them for three days, then dry.",
    )  # fmt: skip
    reply = services.post_reply(
        actor=actor_for(ravi, community), topic=topic, body="This worked for me, thank you!"
    )
    services.reaction_toggle(
        actor=actor_for(ravi, community), post=topic.posts.first(), kind="heart"
    )
    services.reaction_toggle(actor=actor_for(mel, community), post=reply, kind="thumbsup")
    return community, topic


def signed_in(new_context, base, username):
    page = new_context().new_page()
    sign_in(page, base, username, PASSWORD)
    return page


def test_owner_recognises_a_member_who_sees_it(live_server, new_context, shot_both, plot):
    base = live_server.url
    community, topic = plot

    staff = signed_in(new_context, base, "olivia")
    staff.goto(f"{base}/c/{SLUG}/manage/badges/")
    expect(staff.get_by_role("heading", name="Recognition", level=1)).to_be_visible()
    create = staff.locator("form").filter(has=staff.get_by_role("button", name="Create badge"))
    create.get_by_label("Emoji").fill("🍅")
    create.get_by_label("Name").fill("Tomato whisperer")
    create.get_by_label("What it recognises").fill("Rescued a crop everyone had given up on.")
    create.get_by_role("button", name="Create badge").click()
    expect(staff.get_by_text("The “Tomato whisperer” badge is ready to grant.")).to_be_visible()

    give = staff.locator("form").filter(has=staff.get_by_role("button", name="Give badge"))
    give.get_by_role("combobox").select_option(label="🍅 Tomato whisperer")
    give.get_by_label("Member's username").fill("mel")
    give.get_by_label("Reason (shown on the badge page)").fill(REASON)
    give.get_by_role("button", name="Give badge").click()
    expect(staff.get_by_text("Mel Ortiz now has the “Tomato whisperer” badge.")).to_be_visible()
    # A second grant is refused next to the form, not silently repeated.
    give = staff.locator("form").filter(has=staff.get_by_role("button", name="Give badge"))
    give.get_by_role("combobox").select_option(label="🍅 Tomato whisperer")
    give.get_by_label("Member's username").fill("mel")
    give.get_by_label("Reason (shown on the badge page)").fill("Again")
    give.get_by_role("button", name="Give badge").click()
    expect(staff.get_by_text("Mel Ortiz already has the “Tomato whisperer” badge.")).to_be_visible()
    staff.goto(f"{base}/c/{SLUG}/manage/badges/")
    shot_both(staff, "recognition-manage-badges")

    # Spotlight and a featured topic, pasted by address.
    staff.goto(f"{base}/c/{SLUG}/manage/highlights/")
    spot = staff.locator("form").filter(
        has=staff.get_by_role("button", name="Put in the spotlight")
    )
    spot.get_by_label("Member's username").fill("mel")
    spot.get_by_label(re.compile("Why we're celebrating them")).fill(SPOTLIGHT)
    spot.get_by_role("button", name="Put in the spotlight").click()
    expect(staff.get_by_text("Mel Ortiz is in the spotlight.")).to_be_visible()
    address = base + reverse("discussions:topic", args=[SLUG, topic.slug, topic.pk])
    feature = staff.locator("form").filter(has=staff.get_by_role("button", name="Feature"))
    feature.get_by_label("Topic or post").fill(address)
    feature.get_by_label("Note (optional)").fill("The best seed-saving guide we have.")
    feature.get_by_role("button", name="Feature").click()
    expect(
        staff.get_by_text("Featured on the home page: “Saving tomato seeds: my method”.")
    ).to_be_visible()
    shot_both(staff, "recognition-manage-highlights")

    # Mel finds her badges: the manual one and the one her first post earned.
    mel = signed_in(new_context, base, "mel")
    mel.goto(f"{base}/c/{SLUG}/badges/")
    card = mel.locator("a.badge-card").filter(has_text="Tomato whisperer")
    expect(card).to_contain_text("1 member")
    expect(card).to_contain_text("You have it")
    first_post = mel.locator("a.badge-card").filter(
        has=mel.locator(".badge-card__name", has_text="First post")
    )
    expect(first_post).to_contain_text("You have it")
    shot_both(mel, "recognition-badges")
    card.click()
    expect(mel.get_by_role("heading", name="Tomato whisperer", level=1)).to_be_visible()
    holder = mel.locator("li.holder").filter(has_text="Mel Ortiz")
    expect(holder).to_contain_text(REASON)
    expect(holder).to_contain_text("Olivia Owner")
    shot_both(mel, "recognition-badge")

    # The home page shows the spotlight and the highlight to a signed-out visitor too.
    visitor = new_context().new_page()
    visitor.goto(f"{base}/c/{SLUG}/")
    spotlight = visitor.locator("section.spotlight")
    expect(spotlight).to_contain_text("Mel Ortiz")
    expect(spotlight.locator("strong")).to_have_text("everything")
    highlights = visitor.locator("section").filter(
        has=visitor.get_by_role("heading", name="Highlights from members")
    )
    expect(highlights.get_by_role("link", name="Saving tomato seeds: my method")).to_be_visible()
    expect(highlights).to_contain_text("The best seed-saving guide we have.")
    shot_both(visitor, "recognition-home")

    visitor.get_by_role("link", name=re.compile("Leaderboard")).click()
    rows = visitor.locator("li.leaderboard__row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Mel Ortiz")
    expect(rows.first.locator(".leaderboard__points")).to_contain_text("1")
    shot_both(visitor, "recognition-leaderboard")
