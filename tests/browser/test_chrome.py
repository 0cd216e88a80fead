"""The site chrome at phone and desktop widths: one header row (community menu, brand, bell,
user menu), the staff pages grouped away from visitors, signing out from the user menu, a
new member's compact first screen and a topic's first post on the first phone screen."""

import os
import re

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from django.urls import reverse  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from hearth.communities.models import Community, Role  # noqa: E402
from hearth.discussions import services as discussion_services  # noqa: E402
from hearth.discussions.models import Category  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    actor_for,
    community_factory,
    membership_factory,
    user_factory,
)

from .conftest import DESKTOP, PHONE, shot  # noqa: E402
from .pages import community_link, sign_in, user_menu_button  # noqa: E402

pytestmark = pytest.mark.browser

SLUG = "lumen"
NAME = "Lumen Photography Collective"
TITLE = "Which lens for night street photography?"
BODY = "I shoot mostly after dark in the old town. Is a fast 35 mm enough, or should I go wider?"
SIZES = {"390": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}}
SIZES["1280"] = {"viewport": {"width": 1280, "height": 800}}
STAFF = ("Review", "Manage", "Health")


@pytest.fixture
def lumen(db):
    owner = user_factory(username="dana", display_name="Dana Demo")
    community = community_factory(owner=owner, slug=SLUG, name=NAME, accent_color="#c2410c")
    membership_factory(community, user=user_factory(username="kenji"), role=Role.MODERATOR)
    ada = membership_factory(
        community, user=user_factory(username="ada", display_name="Ada Lovelace"), trust_level=1
    ).user
    Community.objects.filter(pk=community.pk).update(member_count=3)
    community.refresh_from_db()
    general = Category.objects.get(community=community, slug="general")
    topic = discussion_services.topic_create(
        actor=actor_for(ada, community), category=general, title=TITLE, body=BODY
    )
    user_factory(username="nina", display_name="Nina Newcomer")
    return community, topic


def header_height(page) -> float:
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")


def open_as(new_context, base, size, username=None):
    page = new_context(**SIZES[size]).new_page()
    if username:
        sign_in(page, base, username, PASSWORD)
    page.goto(f"{base}/c/{SLUG}/")
    return page


@pytest.mark.parametrize("size", ["390", "1280"])
@pytest.mark.parametrize("who", ["visitor", "ada", "dana"])
def test_header_is_one_row_with_menus(live_server, new_context, lumen, size, who):
    base = live_server.url
    page = open_as(new_context, base, size, None if who == "visitor" else who)
    expect(page.get_by_role("heading", name=NAME, level=1)).to_be_visible()
    # One row: the header is no taller than its 60px row (the brand wraps inside it).
    assert header_height(page) < 70
    brand = page.locator(".site-header .brand__name")
    expect(brand).to_have_text(NAME)
    if size == "390":
        expect(page.locator("nav.community-nav")).to_be_hidden()
    else:
        expect(page.locator("nav.community-nav")).to_be_visible()
        box = page.locator("nav.community-nav").bounding_box()
        assert box["height"] < 50  # the tabs never wrap

    if who == "visitor":
        expect(page.get_by_role("link", name="Sign in")).to_be_visible()
        expect(page.get_by_role("link", name="Sign up")).to_be_visible()
        expect(page.locator("details.user-menu")).to_have_count(0)
    else:
        expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
        expect(user_menu_button(page)).to_be_visible()

    # The section links: staff links only for staff, in the Staff menu / under a label.
    for name in STAFF:
        expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)
    if who == "dana":
        link = community_link(page, "Health")
        expect(link).to_be_visible()
        for name in STAFF:
            expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
        shot(page, f"chrome-staff-menu-{who}")
        page.keyboard.press("Escape")
        expect(page.locator("details[data-menu][open]")).to_have_count(0)
    else:
        if size == "390":
            page.locator("details.nav-menu > summary").click()
            expect(page.locator(".nav-menu__panel").get_by_text("Staff")).to_have_count(0)
            shot(page, f"chrome-nav-menu-{who}")
            page.mouse.click(200, 700)  # outside: the menu closes
            expect(page.locator("details.nav-menu")).not_to_have_attribute("open", "")
        expect(page.locator("details.staff-menu")).to_have_count(0)
    shot(page, f"chrome-home-{who}")

    # Following a link from the menu.
    community_link(page, "Members").click()
    expect(page).to_have_url(f"{base}/c/{SLUG}/members/")
    expect(page.get_by_text(re.compile(r"^3 members"))).to_be_visible()
    if size == "390":
        page.locator("details.nav-menu > summary").click()
        current = page.locator(".nav-menu__panel a[aria-current=page]")
    else:
        current = page.locator("nav.community-nav a[aria-current=page]")
    expect(current).to_have_text("Members")

    if who != "visitor":
        user_menu_button(page).click()
        shot(page, f"chrome-user-menu-{who}")
        page.locator("details.user-menu").get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_staff_menu_works_with_the_keyboard(live_server, new_context, lumen):
    page = open_as(new_context, live_server.url, "1280", "dana")
    summary = page.locator("details.staff-menu > summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Review", exact=True)).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Review", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(summary).to_be_focused()
    expect(page.get_by_role("link", name="Review", exact=True)).to_be_hidden()


def test_topic_first_post_is_on_the_first_phone_screen(live_server, new_context, lumen):
    community, topic = lumen
    for who in (None, "ada"):
        page = new_context(**SIZES["390"]).new_page()
        if who:
            sign_in(page, live_server.url, who, PASSWORD)
        page.goto(live_server.url + reverse("discussions:topic", args=[SLUG, topic.slug, topic.pk]))
        expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
        first = page.locator("article#post-1")
        box = first.bounding_box()
        assert box["y"] < PHONE["height"] - 120, box  # the post starts on the first screen
        expect(first.get_by_text(BODY[:40])).to_be_in_viewport()
        shot(page, f"chrome-topic-{who or 'visitor'}")


def test_new_member_first_screen(live_server, new_context, lumen):
    base = live_server.url
    page = new_context(**SIZES["390"]).new_page()
    sign_in(page, base, "nina", PASSWORD)
    page.goto(f"{base}/c/{SLUG}/")
    page.get_by_role("link", name="Join this community").click()
    page.get_by_label("I have read the rules and agree to follow them").check()
    page.get_by_role("button", name="Accept the rules and join").click()
    expect(page).to_have_url(f"{base}/c/{SLUG}/")
    # No Leave button on the page: it is in the membership menu.
    expect(page.get_by_role("link", name=re.compile("Leave"))).to_have_count(0)
    menu = page.locator("details.member-menu")
    menu.locator("summary").click()
    leave = menu.get_by_role("link", name=re.compile("Leave this community"))
    expect(leave).to_be_visible()
    shot(page, "chrome-member-menu")
    page.keyboard.press("Escape")
    # The discussions start on the first screen or the one after.
    latest = page.locator("#latest-heading").bounding_box()
    assert latest["y"] < 2 * PHONE["height"], latest
    shot(page, "chrome-new-member")
    leave_url = f"{base}/c/{SLUG}/leave"
    menu.locator("summary").click()
    leave.click()
    expect(page).to_have_url(leave_url)


def test_dark_mode_keeps_text_readable(live_server, new_context, lumen):
    for size in ("390", "1280"):
        page = new_context(color_scheme="dark", **SIZES[size]).new_page()
        sign_in(page, live_server.url, "dana", PASSWORD)
        page.goto(f"{live_server.url}/c/{SLUG}/")
        colours = page.evaluate(
            """() => {
                const css = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
                return {body: css('body', 'backgroundColor'), text: css('body', 'color'),
                        header: css('.site-header', 'backgroundColor'),
                        link: css('.hero__count', 'color')};
            }"""
        )
        assert colours["body"] == "rgb(17, 19, 23)" and colours["header"] == "rgb(26, 29, 35)"
        assert colours["text"] == "rgb(233, 236, 241)"
        shot(page, "chrome-dark-home")


def test_favicon_is_served(live_server, new_context, db):
    page = new_context(viewport=DESKTOP).new_page()
    response = page.goto(f"{live_server.url}/favicon.ico")
    assert response.ok and "svg" in response.headers["content-type"]
