"""The community-health journey in headless Chromium: a manager opens the dashboard of a
community with forty days of history, switches windows, reads the cohort heatmap and the
interaction graph (and opens a member from it), drills into the newcomers nobody answered
and downloads the CSV."""

import csv
import io
import os
import re

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from hearth.analytics.tests.test_dashboard_seed import seed_history  # noqa: E402
from hearth.testing.factories import PASSWORD, community_factory, user_factory  # noqa: E402

from .conftest import shot  # noqa: E402
from .pages import chart_node_point, community_link, draw_every_chart, sign_in  # noqa: E402

pytestmark = pytest.mark.browser


def still(page):
    """Every chart drawn, without animation, so a screenshot shows them finished."""
    page.emulate_media(reduced_motion="reduce")
    page.reload()
    draw_every_chart(page)


@pytest.fixture
def garden(db):
    owner = user_factory(username="olivia", display_name="Olivia Owner")
    community = community_factory(owner=owner, slug="garden", name="Garden Club")
    return seed_history(community, owner)


def chart(page, name):
    return page.locator(f"[data-chart={name}]")


def test_manager_reads_the_health_dashboard(live_server, new_context, shot_both, garden):
    base = live_server.url
    page = new_context(reduced_motion="reduce").new_page()
    sign_in(page, base, "olivia", PASSWORD)

    page.goto(f"{base}/c/garden/")
    community_link(page, "Health").click()
    expect(page.get_by_role("heading", name="Community health", level=1)).to_be_visible()
    cards = page.locator(".health-card")
    expect(cards).to_have_count(6)
    expect(cards.filter(has_text="Newcomers welcomed")).to_contain_text("50%")
    expect(page.locator(".health-attention")).to_contain_text("2 newcomers got no reply")
    chart(page, "activity").scroll_into_view_if_needed()
    expect(chart(page, "activity").locator("svg")).to_be_visible()
    draw_every_chart(page)
    shot_both(page, "health-dashboard", prepare=still)

    # Windows: a preset, then a custom range, then a bad one (a message, not an error).
    page.locator(".segmented").get_by_role("link", name="90 days").click()
    expect(page).to_have_url(re.compile(r"days=90"))
    expect(page.locator(".segmented__item--active")).to_have_text("90 days")
    page.get_by_text("Custom range").click()
    page.get_by_label("From", exact=True).fill("2026-01-10")
    expect(page.locator("#window-start-shown")).to_have_text("10 Jan 2026")
    page.get_by_label("To", exact=True).fill("2026-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("The end date is before the start date.")
    expect(page.get_by_label("From", exact=True)).to_be_visible()  # the range stays open
    page.locator(".segmented").get_by_role("link", name="28 days").click()

    # The cohort heatmap, its numbers, and one cohort's members.
    page.locator(".health-toc").get_by_role("link", name="Retention").click()
    heatmap = chart(page, "retention")
    expect(heatmap.locator("svg")).to_be_visible()
    retention = page.locator("#retention")
    retention.locator("summary").click()
    expect(retention.locator("table")).to_contain_text("Join week")
    shot(page, "health-retention")

    # The interaction graph: staff marked, members clickable through to their profile.
    page.locator(".health-toc").get_by_role("link", name="Graph").click()
    graph = chart(page, "graph")
    expect(graph.locator("svg")).to_be_visible()
    graph.scroll_into_view_if_needed()
    shot(page, "health-graph")
    ben = garden.people["ben"]
    point = chart_node_point(page, "graph", f"m{ben.pk}")
    assert point is not None
    page.mouse.click(point["x"], point["y"])
    expect(page).to_have_url(re.compile(r"/c/garden/u/ben/$"))
    page.go_back()

    # Newcomers nobody answered: go and welcome them.
    page.get_by_role("link", name="Welcome 2 newcomers now").click()
    expect(
        page.get_by_role("heading", name="Newcomers without a reply within 24 hours")
    ).to_be_visible()
    rows = page.locator("li.row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Dan Gardener")).to_contain_text("Anyone growing chillies indoors?")
    shot_both(page, "health-newcomers")
    rows.filter(has_text="Dan Gardener").get_by_role("link", name="Welcome them").click()
    expect(page.get_by_role("heading", name="Anyone growing chillies indoors?")).to_be_visible()
    page.go_back()

    # The CSV of every daily figure.
    page.get_by_role("link", name="← Community health").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert re.fullmatch(
        r"garden-health-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename
    )
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8"))))
    assert rows[0][:4] == [
        "date",
        "active_members",
        "active_members_7_days",
        "active_members_28_days",
    ]
    assert len(rows) == 29


def test_the_computing_page_shows_the_figures_once_the_worker_has_them(
    live_server, new_context, garden, monkeypatch
):
    from hearth.analytics import tasks
    from hearth.analytics.tests.test_dashboard_views import Queue

    queue = Queue(tasks.compute_snapshot)
    monkeypatch.setattr(tasks, "compute_snapshot", queue)
    page = new_context().new_page()
    sign_in(page, live_server.url, "olivia", PASSWORD)
    page.goto(f"{live_server.url}/c/garden/health/")
    expect(page.get_by_role("status")).to_contain_text("These figures are being computed.")
    queue.run()  # the worker computes the window; the page asks again by itself
    expect(page.locator(".health-card")).to_have_count(6, timeout=15_000)
