"""Small page-object helpers for the browser journeys. Selectors use the visible texts in
the templates (roles and labels), so a changed label breaks loudly here."""

import re

from playwright.sync_api import Page, expect


def sign_up(page: Page, base: str, username: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password1]").fill(password)
    page.locator("input[name=password2]").fill(password)
    page.locator("form.form--auth").get_by_role("button", name="Create account").click()
    expect(user_menu_button(page)).to_be_visible()


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form.form--auth").get_by_role("button", name="Sign in").click()
    expect(user_menu_button(page)).to_be_visible()


# Header ----------------------------------------------------------------------------------


def user_menu_button(page: Page):
    """The signed-in user's avatar button in the header (its menu holds Sign out)."""
    return page.locator("details.user-menu > summary")


def sign_out(page: Page) -> None:
    user_menu_button(page).click()
    page.locator("details.user-menu").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def community_link(page: Page, name: str):
    """A section link of the community's navigation, opening the menu that holds it: the
    desktop row's Staff menu, or the phone's community menu."""
    row = page.locator("nav.community-nav")
    if row.is_visible():
        link = row.get_by_role("link", name=name)
        if not link.is_visible():
            row.locator("details.staff-menu > summary").click()
        return link
    page.locator("details.nav-menu > summary").click()
    return page.locator(".nav-menu__panel").get_by_role("link", name=name)


def fill_wizard(
    page: Page,
    *,
    name: str,
    slug: str,
    tagline: str,
    rules: str,
    accent: str,
    join_policy: str = "open",
) -> None:
    """Fill the /new wizard without submitting it."""
    page.get_by_label(re.compile(r"^Name\b")).fill(name)
    page.get_by_label("URL slug").fill(slug)
    page.get_by_label("Tagline").fill(tagline)
    # type=color inputs accept fill() with a lowercase #rrggbb value.
    page.get_by_label("Accent colour").fill(accent)
    page.get_by_label(re.compile(r"^Rules\b")).fill(rules)
    page.get_by_role("radio", name=re.compile(rf"^{join_policy}:", re.I)).check()


# Discussions ---------------------------------------------------------------------------


def topic_row(page: Page, title: str):
    """The row of a topic list (community home or /latest) for the given title."""
    return page.locator("li.topic-row").filter(
        has=page.locator("a.topic-row__title", has_text=title)
    )


def post(page: Page, number: int):
    """The <article> of post number N on a topic page."""
    return page.locator(f"article#post-{number}")


def reaction_button(scope, emoji: str):
    """A reaction already given to a post (its pill: emoji and count, pressed when mine)."""
    return scope.locator("button.reaction--given").filter(has_text=emoji)


def react(scope, emoji: str) -> None:
    """Open the post's "React" picker and choose ``emoji``."""
    scope.locator(".react-picker > summary").click()
    scope.locator(".react-picker").get_by_role("button", name=emoji).click()


def open_post_menu(scope):
    """Open a post's "⋯" menu; returns the menu's list."""
    scope.locator(".post-menu > summary").click()
    return scope.locator(".post-menu .menu__list")


def open_mentions(page: Page, textarea, prefix: str):
    """Type "@<prefix>" into an editor and wait for the autocomplete to answer; returns the
    listbox. Waiting on aria-activedescendant (set only when the menu renders results for
    the current token) avoids racing the 150 ms debounce and the fetch."""
    textarea.press_sequentially(f"@{prefix}")
    expect(textarea).to_have_attribute("aria-activedescendant", re.compile(r"-mentions-0$"))
    menu = page.get_by_role("listbox")
    expect(menu).to_be_visible()
    return menu


def type_mention(page: Page, textarea, prefix: str, username: str, display_name: str) -> None:
    """Type "@<prefix>" into an editor, check the autocomplete lists the member first and
    pick it with Enter."""
    menu = open_mentions(page, textarea, prefix)
    option = menu.get_by_role("option").first
    expect(option).to_contain_text(f"@{username}")
    expect(option).to_contain_text(display_name)
    expect(option).to_have_attribute("aria-selected", "true")
    textarea.press("Enter")
    # The script closes the menu by setting [hidden] (whether CSS honours it is checked in
    # test_discussions.test_mention_menu_disappears_once_closed).
    expect(page.locator(".mention-menu")).to_have_attribute("hidden", "")
    expect(textarea).not_to_have_attribute("aria-activedescendant", re.compile(".*"))


def fill_topic_title(page: Page, title: str) -> None:
    """Type a new topic's title and wait for the similar-topics search it starts: the test
    server shares one SQLite connection between its threads, so a post racing that search
    can break the other's transaction. htmx binds the field on DOMContentLoaded, so a fill
    that comes before the page has loaded would start no search."""
    page.wait_for_load_state()
    with page.expect_response(lambda response: "/similar" in response.url):
        page.get_by_label("Title").fill(title)


def start_topic_via_ui(
    page: Page, base: str, community_slug: str, *, category: str, title: str, body: str
) -> None:
    """From the community home: New topic → choose the category → title/body → Post."""
    page.goto(f"{base}/c/{community_slug}/")
    page.get_by_role("link", name="New topic").click()
    expect(page.get_by_role("heading", name="Start a new topic", level=1)).to_be_visible()
    page.get_by_label("Category").select_option(label=category)
    fill_topic_title(page, title)
    page.get_by_label("Message").fill(body)
    page.get_by_role("button", name="Post topic").click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()


# Q&A and ideas ---------------------------------------------------------------------------


def topic_badges(page: Page):
    """The badges line under the topic title (Solved / Question / Closed ...)."""
    return page.locator("header.topic-head")


def answer_vote(scope):
    """The ▲ up-vote button of an answer (either state)."""
    return scope.get_by_role(
        "button", name=re.compile(r"^(Up-vote this answer|Remove your up-vote)$")
    )


def idea_panel(page: Page):
    return page.locator("section.idea-panel")


def roadmap_column(page: Page, status: str):
    """A roadmap column by status value (planned, in_progress, shipped)."""
    return page.locator(f'section.roadmap__column[aria-labelledby="col-{status}"]')


def roadmap_card(page: Page, status: str, title: str):
    return roadmap_column(page, status).locator("a.roadmap__card").filter(has_text=title)


# Charts ----------------------------------------------------------------------------------


def chart_node_point(page: Page, chart: str, node_id: str) -> dict | None:
    """The viewport point {x, y} of a node (by id) of an ECharts graph series, or None."""
    return page.evaluate(
        """([name, key]) => {
            const el = document.querySelector(`[data-chart=${name}]`);
            const chart = echarts.getInstanceByDom(el);
            const data = chart.getModel().getSeriesByIndex(0).getData();
            for (let i = 0; i < data.count(); i++) {
                if (data.getId(i) === key) {
                    const item = data.getRawDataItem(i);
                    const [x, y] = chart.convertToPixel({seriesIndex: 0}, [item.x, item.y]);
                    const box = el.getBoundingClientRect();
                    return {x: box.left + x, y: box.top + y};
                }
            }
            return null;
        }""",
        [chart, node_id],
    )


def draw_every_chart(page: Page) -> list[str]:
    """Scroll to each chart of the health dashboard in turn (charts are drawn when they
    near the screen), wait until it is drawn, go back to the top; the charts' names."""
    names = []
    charts = page.locator("[data-chart]:not([hidden])")
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        expect(chart.locator("svg")).to_be_attached()
        names.append(chart.get_attribute("data-chart"))
    page.evaluate("window.scrollTo(0, 0)")
    return names


def show_every_tooltip(page: Page) -> list[str]:
    """Ask every chart on the page to show the tooltip of each of its data points in turn
    (what hovering each one does) and return the names of the charts drawn."""
    return page.evaluate(
        """() => {
            const drawn = [];
            document.querySelectorAll("[data-chart]").forEach((el) => {
                const chart = echarts.getInstanceByDom(el);
                if (!chart) return;
                drawn.push(el.dataset.chart);
                chart.getModel().eachSeries((series) => {
                    const tip = (dataIndex, dataType) => chart.dispatchAction(
                        {type: "showTip", seriesIndex: series.seriesIndex, dataIndex, dataType});
                    const data = series.getData();
                    for (let i = 0; i < data.count(); i++) tip(i);
                    if (data.graph) {  // graph and sankey: the edges have tooltips too
                        for (let i = 0; i < data.graph.edgeData.count(); i++) tip(i, "edge");
                    }
                });
                chart.dispatchAction({type: "hideTip"});
            });
            return drawn;
        }"""
    )
