"""The health dashboard on a phone (390×844) and what it loads: no sideways scrolling, a
funnel whose every stage shows as a labelled bar, legends that wrap instead of paging,
and only the charts' own ECharts build, fetched when the first chart nears the screen
(never the whole library)."""

import os

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from hearth.analytics.tests.test_dashboard_seed import seed_history  # noqa: E402
from hearth.testing.factories import PASSWORD, community_factory, user_factory  # noqa: E402

from .conftest import shot  # noqa: E402
from .pages import draw_every_chart, sign_in  # noqa: E402

pytestmark = pytest.mark.browser

MIN_BAR_PX = 20

# Each funnel bar's drawn length (px) and its count, per source, from the chart itself.
FUNNEL_BARS = """() => {
    const chart = echarts.getInstanceByDom(document.querySelector("[data-chart=funnel]"));
    const bars = [];
    chart.getModel().eachSeries((series) => {
        const data = series.getData();
        for (let i = 0; i < data.count(); i++) {
            const layout = data.getItemLayout(i);
            bars.push({source: series.name, stage: i, count: data.getRawDataItem(i).count,
                       width: layout ? Math.abs(layout.width) : 0});
        }
    });
    return bars;
}"""

# Legends that page show arrows and "1/2"; a wrapping ("plain") legend does not.
LEGEND_TYPES = """() => [...document.querySelectorAll("[data-chart]")]
    .map((el) => echarts.getInstanceByDom(el)).filter(Boolean)
    .flatMap((chart) => chart.getOption().legend || [])
    .filter((legend) => legend.show !== false).map((legend) => legend.type)"""


@pytest.fixture
def garden(db):
    owner = user_factory(username="olivia", display_name="Olivia Owner")
    community = community_factory(owner=owner, slug="garden", name="Garden Club")
    return seed_history(community, owner)


def test_health_dashboard_on_a_phone(live_server, new_context, phone_context, garden):
    base = live_server.url
    desktop = new_context()
    sign_in(desktop.new_page(), base, "olivia", PASSWORD)
    phone = phone_context(reduced_motion="reduce", storage_state=desktop.storage_state())
    page = phone.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{base}/c/garden/health/")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Community health", level=1)).to_be_visible()
    assert not [url for url in requested if "echarts.min.js" in url]
    # The first screen has no chart, so the charts' script is not fetched yet.
    assert not [url for url in requested if "echarts-health" in url]

    drawn = draw_every_chart(page)
    assert {"activity", "funnel", "graph", "retention"} <= set(drawn)
    fetched = [url for url in requested if "echarts" in url]
    assert len(fetched) == 1 and "/static/hearth/charts/echarts-health" in fetched[0], fetched

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert set(page.evaluate(LEGEND_TYPES)) == {"plain"}

    # Every stage someone reached is a bar long enough to see and read, with its number.
    funnel = page.locator("[data-chart=funnel]")
    funnel.scroll_into_view_if_needed()
    bars = page.evaluate(FUNNEL_BARS)
    reached = [bar for bar in bars if bar["count"]]
    assert len(reached) >= 5, bars
    short = [bar for bar in reached if bar["width"] < MIN_BAR_PX]
    assert not short, short
    for bar in reached:
        expect(funnel.locator("text", has_text=str(bar["count"])).first).to_be_attached()
    assert funnel.bounding_box()["width"] <= 390
    shot(page, "health-phone")

    # The custom range shows its dates as the page writes them.
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_text("Custom range").click()
    page.get_by_label("To", exact=True).fill("2026-11-08")
    expect(page.locator("#window-end-shown")).to_have_text("8 Nov 2026")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "health-phone-range")
