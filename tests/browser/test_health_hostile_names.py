"""Stored XSS on the health dashboard: a member named like an HTML tag, who arrived from a
source named like one, is active enough to appear in every chart. The owner opens the
dashboard and hovers the member's node and every data point of every chart; nothing runs,
the names read as the text they are, and the Content-Security-Policy refuses nothing the
page itself needs."""

import os

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from hearth.analytics.tests.test_dashboard_seed import seed_history  # noqa: E402
from hearth.communities import services as community_services  # noqa: E402
from hearth.discussions import services as discussion_services  # noqa: E402
from hearth.discussions.models import Category  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    actor_for,
    community_factory,
    user_factory,
)

from .conftest import shot  # noqa: E402
from .pages import chart_node_point, draw_every_chart, show_every_tooltip, sign_in  # noqa: E402

pytestmark = pytest.mark.browser

HOSTILE_NAME = '<img src=x onerror="window.__xss=1">'
HOSTILE_SOURCE = '<img src=x onerror="window.__xss=2">'
# Collect CSP violations in the page: Chromium logs "Refused to execute ..." as a browser
# log entry, which Playwright's console events do not carry, so listen for the DOM event.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def mallory(db):
    """A garden whose newest member, with a hostile name and source, talks with ben."""
    owner = user_factory(username="olivia", display_name="Olivia Owner")
    community = community_factory(owner=owner, slug="garden", name="Garden Club")
    history = seed_history(community, owner)
    mallory = user_factory(username="mallory", display_name=HOSTILE_NAME)
    community_services.membership_join(
        actor=actor_for(mallory, community), community=community, accept_rules=True,
        source=HOSTILE_SOURCE,
    )  # fmt: skip
    general = Category.objects.get(community=community, slug="general")
    ben = actor_for(history.people["ben"], community)
    topic = discussion_services.topic_create(
        actor=actor_for(mallory, community), category=general, title="Compost tea recipes",
        body="Who brews compost tea?",
    )  # fmt: skip
    discussion_services.post_reply(actor=ben, topic=topic, body="I do, with nettles.")
    discussion_services.post_reply(
        actor=actor_for(mallory, community), topic=history.topics["ben_t"], body="Lovely!"
    )
    return mallory


def test_hostile_names_on_the_health_dashboard_are_text(
    live_server, new_context, phone_context, mallory
):
    base = live_server.url
    context = new_context(reduced_motion="reduce")
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, base, "olivia", PASSWORD)
    page.goto(f"{base}/c/garden/health/")
    graph = page.locator("[data-chart=graph]")
    draw_every_chart(page)
    expect(graph.locator("svg")).to_be_attached()

    drawn = show_every_tooltip(page)
    assert {"activity", "graph", "funnel", "retention", "flows"} <= set(drawn)

    # The member's own node, hovered with the mouse like the owner would.
    graph.scroll_into_view_if_needed()
    point = chart_node_point(page, "graph", f"m{mallory.pk}")
    assert point is not None, "the hostile member is not in the interaction graph"
    page.mouse.move(point["x"], point["y"])
    tooltip = graph.locator(".health-tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(HOSTILE_NAME)
    shot(page, "health-hostile-graph")

    # The funnel names its sources in the legend (SVG text) and in its tooltip.
    funnel = page.locator("[data-chart=funnel]")
    funnel.scroll_into_view_if_needed()
    expect(funnel).to_contain_text(HOSTILE_SOURCE)
    box = funnel.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(funnel.locator(".health-tooltip")).to_contain_text(HOSTILE_SOURCE)

    # The tables under the charts show the name as text too.
    expect(page.get_by_text(HOSTILE_NAME).first).to_be_attached()
    assert page.evaluate("window.__xss") is None
    assert page.locator('img[src="x"]').count() == 0
    assert dialogs == []
    assert page.evaluate("window.__cspViolations") == []
    shot(page, "health-hostile")

    # On a phone too; a tooltip made wide by a long name does not widen the page.
    small = phone_context(reduced_motion="reduce", storage_state=context.storage_state())
    small.add_init_script(WATCH_CSP)
    phone = small.new_page()
    phone.goto(page.url)
    draw_every_chart(phone)
    expect(phone.locator("[data-chart=graph] svg")).to_be_attached()
    show_every_tooltip(phone)
    assert phone.evaluate("window.__xss") is None
    assert phone.evaluate("window.__cspViolations") == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "health-hostile")
