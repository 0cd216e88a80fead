"""The calm topic page at 1280x800 and 390x844: a member reacts through the one "React"
control, opens a post's menu, deletes a post through the confirmation page and saves a
notification level; each post costs at most 4 tab stops in its footer (reactions given,
react, reply, menu)."""

import os
import re

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from hearth.discussions import services  # noqa: E402
from hearth.discussions.models import Post, Reaction, Watch  # noqa: E402
from hearth.testing.factories import PASSWORD, actor_for  # noqa: E402

from .conftest import shot  # noqa: E402
from .pages import open_post_menu, post, react, reaction_button, sign_in  # noqa: E402
from .test_discussions import garden, start_topic, topic_path  # noqa: E402, F401

pytestmark = pytest.mark.browser

FOCUSABLE = "a[href], button, summary, select, input, textarea"


def footer_tab_stops(page, number: int) -> int:
    """Tab stops in a post's footer that a keyboard user meets (visible, not in a closed menu)."""
    return page.evaluate(
        """([number, selector]) => {
          const foot = document.querySelector(`#post-${number} .post__foot`);
          return [...foot.querySelectorAll(selector)].filter((el) => {
            const closed = el.closest("details:not([open])");
            const summary = closed && closed.querySelector("summary");
            if (closed && summary !== el) return false;
            return el.offsetParent !== null && el.tabIndex >= 0;
          }).length;
        }""",
        [number, FOCUSABLE],
    )


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]
)
def test_member_reacts_uses_menu_deletes_and_saves_notifications(
    live_server,
    new_context,
    garden,  # noqa: F811 (the fixture imported from test_discussions)
    viewport,
):
    base = live_server.url
    community, ada, bruno = garden
    topic = start_topic(community, ada)
    ada_actor, bruno_actor = actor_for(ada, community), actor_for(bruno, community)
    services.post_reply(actor=ada_actor, topic=topic, body="Vermiculite, kept just damp.")
    mine = services.post_reply(actor=bruno_actor, topic=topic, body="Oops, wrong topic.")
    services.reaction_toggle(actor=ada_actor, post=mine, kind="heart")
    phone = viewport["width"] < 500
    context = new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    sign_in(page, base, "bruno", PASSWORD)
    url = f"{base}{topic_path(topic)}?page=1"
    page.goto(url)
    name = f"topic-calm-{'phone' if phone else 'desktop'}"

    # At most 4 tab stops per post footer; none of them is Edit or Delete.
    for number in (1, 2, 3):
        assert footer_tab_stops(page, number) <= 4, number
    first = post(page, 1)
    expect(first.get_by_role("button", name="Delete")).to_have_count(0)
    expect(first.locator(".reaction--given")).to_have_count(0)
    # The author's byline stays on one line at both widths.
    head = first.locator(".post__head").bounding_box()
    assert head["height"] <= 48

    # React through the picker (htmx swaps the reactions in place).
    react(first, "👍")
    thumbs = reaction_button(first, "👍")
    expect(thumbs).to_have_attribute("aria-pressed", "true")
    expect(thumbs.locator(".reaction__count")).to_have_text("1")
    expect(page).to_have_url(url)
    assert Reaction.objects.filter(post__topic=topic, post__number=1, user=bruno).exists()
    first.locator(".react-picker > summary").click()
    shot(page, f"{name}-react-picker")
    page.keyboard.press("Escape")

    # Someone else's post: the menu has no Edit or Delete.
    menu = open_post_menu(post(page, 1))
    expect(menu.get_by_role("link", name="Quote")).to_be_visible()
    expect(menu.get_by_role("link", name=re.compile("^(Edit|Delete)"))).to_have_count(0)
    page.keyboard.press("Escape")

    # My own post: Delete asks first, on its own page, then deletes.
    menu = open_post_menu(post(page, 3))
    expect(menu.get_by_role("link", name="Edit", exact=True)).to_be_visible()
    shot(page, f"{name}-post-menu")
    menu.get_by_role("link", name=re.compile("^Delete")).click()
    expect(page.get_by_role("heading", name="Delete this post?", level=1)).to_be_visible()
    shot(page, f"{name}-delete-confirm")
    assert Post.objects.get(pk=mine.pk).deleted_at is None
    page.get_by_role("button", name="Delete post").click()
    expect(page.get_by_text("The post was deleted.")).to_be_visible()
    assert Post.objects.get(pk=mine.pk).deleted_at is not None

    # Notifications: a short select that fits, and its own Save.
    page.goto(url)
    select = page.get_by_label("Notifications")
    expect(select).to_be_visible()
    box, side = select.bounding_box(), page.locator(".topic-side").bounding_box()
    assert box["x"] + box["width"] <= side["x"] + side["width"] + 1
    select.select_option("watching")
    page.locator(".watch-form").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Notification level saved.")).to_be_visible()
    assert Watch.objects.get(user=bruno, topic=topic).level == "watching"
    expect(page.get_by_label("Notifications")).to_have_value("watching")
    shot(page, name)
    page.close()
