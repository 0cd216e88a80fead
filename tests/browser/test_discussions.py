"""Discussion journeys in headless Chromium: starting a topic with an @mention picked from
the autocomplete, reacting (htmx) and replying to a post, coming back to an unread count and
the first unread post, searching, and replying and reacting without JavaScript."""

import os
import re

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from django.urls import NoReverseMatch, reverse  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from hearth.communities.models import Community  # noqa: E402
from hearth.discussions import services  # noqa: E402
from hearth.discussions.models import Category, Mention, Post, Reaction, Topic  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    actor_for,
    community_factory,
    membership_factory,
    user_factory,
)

from .conftest import shot  # noqa: E402
from .pages import (  # noqa: E402
    open_mentions,
    post,
    react,
    reaction_button,
    sign_in,
    topic_row,
    type_mention,
)

pytestmark = pytest.mark.browser

TITLE = "Overwintering dahlia tubers"
BODY = "Mine rotted in the shed last year. Does vermiculite help, or is peat better?"
THUMBS = "👍"


def search_page_exists() -> bool:
    try:
        reverse("search:community", args=["x"])
    except NoReverseMatch:
        return False
    return True


@pytest.fixture
def garden(db):
    """Garden Club with two plain members, Ada (author) and Bruno (reader)."""
    owner = user_factory(username="olivia")
    community = community_factory(owner=owner, slug="garden", name="Garden Club")
    ada = membership_factory(community, user=user_factory(username="ada"), trust_level=1).user
    bruno = membership_factory(community, user=user_factory(username="bruno"), trust_level=1).user
    # membership_factory writes rows directly; keep the denormalised count true for the shots.
    Community.objects.filter(pk=community.pk).update(member_count=3)
    community.refresh_from_db()
    return community, ada, bruno


def start_topic(community, author, *, title=TITLE, body=BODY):
    general = Category.objects.get(community=community, slug="general")
    return services.topic_create(
        actor=actor_for(author, community), category=general, title=title, body=body
    )


def topic_path(topic) -> str:
    return reverse("discussions:topic", args=[topic.community.slug, topic.slug, topic.pk])


def test_member_starts_topic_with_mention_from_autocomplete(live_server, page, shot_both, garden):
    base = live_server.url
    community, ada, bruno = garden
    sign_in(page, base, "ada", PASSWORD)

    page.goto(f"{base}/c/garden/")
    page.get_by_role("link", name="New topic").click()
    expect(page).to_have_url(f"{base}/c/garden/new-topic")
    expect(page.get_by_role("heading", name="Start a new topic", level=1)).to_be_visible()

    def fill_with_menu_open(p):
        p.get_by_label("Category").select_option(label="General")
        p.get_by_label("Title").fill(TITLE)
        p.get_by_label("Message").fill("Any tips, ")
        open_mentions(p, p.get_by_label("Message"), "bru")

    # The editor with the mention menu open, at both widths.
    fill_with_menu_open(page)
    shot_both(page, "topic-new", prepare=fill_with_menu_open)

    body = page.get_by_label("Message")
    body.fill("Any tips, ")
    type_mention(page, body, "bru", "bruno", "Bruno")
    expect(body).to_have_value("Any tips, @bruno ")
    body.press_sequentially(BODY)

    page.get_by_role("button", name="Post topic").click()
    expect(page).to_have_url(re.compile(r"/c/garden/t/overwintering-dahlia-tubers/\d+/$"))
    topic = Topic.objects.get(community=community, title=TITLE)
    expect(page).to_have_url(f"{base}{topic_path(topic)}")
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    mention = post(page, 1).locator(".post__body").get_by_role("link", name="@bruno")
    expect(mention).to_have_attribute("href", "/c/garden/u/bruno/")
    assert topic.author == ada
    assert topic.category.slug == "general"
    first = Post.objects.get(topic=topic, number=1)
    assert list(Mention.objects.filter(post=first).values_list("user", flat=True)) == [bruno.pk]


def test_mention_menu_disappears_once_closed(live_server, page, garden):
    base = live_server.url
    sign_in(page, base, "ada", PASSWORD)
    page.goto(f"{base}/c/garden/new-topic")
    body = page.get_by_label("Message")
    menu = page.locator(".mention-menu")
    expect(menu).to_be_hidden(timeout=1000)  # before any typing
    open_mentions(page, body, "bru")
    body.press("Escape")
    expect(menu).to_have_attribute("hidden", "")
    expect(menu).to_be_hidden(timeout=1000)


def test_reader_sees_new_topic_reacts_and_replies(live_server, page, shot_both, garden):
    base = live_server.url
    community, ada, bruno = garden
    topic = start_topic(community, ada)
    first = Post.objects.get(topic=topic, number=1)

    sign_in(page, base, "bruno", PASSWORD)
    page.goto(f"{base}/c/garden/")
    row = topic_row(page, TITLE)
    expect(row).to_have_class(re.compile(r"\btopic-row--unread\b"))
    expect(row.locator(".badge--accent")).to_have_text("new")

    row.get_by_role("link", name=TITLE).click()
    topic_url = f"{base}{topic_path(topic)}"
    expect(page).to_have_url(topic_url)
    expect(reaction_button(post(page, 1), THUMBS)).to_have_count(0)
    react(post(page, 1), THUMBS)
    # htmx swapped #reactions-<pk> in place: the new button is pressed and counted, and the
    # page did not navigate (the no-JS path would redirect to ...#post-1).
    thumbs = reaction_button(post(page, 1), THUMBS)
    expect(thumbs).to_have_attribute("aria-pressed", "true")
    expect(thumbs.locator(".reaction__count")).to_have_text("1")
    expect(page).to_have_url(topic_url)
    assert Reaction.objects.filter(post=first, user=bruno, kind="thumbsup").exists()

    post(page, 1).get_by_role("link", name="Reply", exact=True).click()
    expect(page.get_by_role("heading", name="Reply to @ada (post 1)")).to_be_visible()
    page.get_by_label("Your reply").fill("Vermiculite worked for me, kept them just damp.")
    page.get_by_role("button", name="Post reply").click()
    expect(page).to_have_url(re.compile(r"\?page=1#post-2$"))
    reply = post(page, 2)
    expect(reply).to_contain_text("Vermiculite worked for me")
    expect(reply.get_by_role("link", name="in reply to @ada")).to_have_attribute("href", "#post-1")
    assert Post.objects.get(topic=topic, number=2).reply_to_id == first.pk

    page.goto(topic_url)
    expect(post(page, 2)).to_be_visible()
    shot_both(page, "topic")

    # A newer topic Bruno has not opened yet, so the home shows read and new rows.
    start_topic(community, ada, title="Slug pellets: yes or no?", body="Asking for a hosta.")
    page.goto(f"{base}/c/garden/")
    expect(topic_row(page, TITLE).locator(".badge--accent")).to_have_count(0)
    expect(topic_row(page, "Slug pellets").locator(".badge--accent")).to_have_text("new")
    shot_both(page, "community-home-topics")


def test_author_returns_to_unread_count_and_first_unread_post(live_server, page, shot_both, garden):
    base = live_server.url
    community, ada, bruno = garden
    topic = start_topic(community, ada)
    # A second, read topic so the list shows both states.
    start_topic(community, ada, title="Slug pellets: yes or no?", body="Asking for a hosta.")
    first = Post.objects.get(topic=topic, number=1)
    bruno_actor = actor_for(bruno, community)
    services.reaction_toggle(actor=bruno_actor, post=first, kind="thumbsup")
    services.post_reply(
        actor=bruno_actor, topic=topic, body="Vermiculite, kept just damp.", reply_to=first
    )

    sign_in(page, base, "ada", PASSWORD)
    page.goto(f"{base}/c/garden/latest")
    row = topic_row(page, TITLE)
    expect(row.locator(".count--unread")).to_have_text(re.compile(r"^\s*1\b"))
    expect(topic_row(page, "Slug pellets").locator(".count--unread")).to_have_count(0)
    shot_both(page, "topic-list")

    row.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(re.compile(r"\?page=1#post-2$"))
    divider = page.get_by_role("separator").filter(has_text="Unread")
    expect(divider).to_be_visible()
    expect(post(page, 2)).to_have_class(re.compile(r"\bpost--first-unread\b"))
    expect(post(page, 2)).to_be_in_viewport()
    shot(page, "topic-unread")

    # Having read it, the count is gone.
    page.goto(f"{base}/c/garden/latest")
    expect(topic_row(page, TITLE).locator(".count--unread")).to_have_count(0)


def test_reply_link_survives_a_new_post_arriving_meanwhile(live_server, page, garden):
    base = live_server.url
    community, ada, bruno = garden
    topic = start_topic(community, ada)
    sign_in(page, base, "ada", PASSWORD)
    page.goto(f"{base}{topic_path(topic)}")
    expect(post(page, 1)).to_be_visible()
    # Bruno answers while Ada is reading.
    services.post_reply(actor=actor_for(bruno, community), topic=topic, body="Vermiculite!")

    post(page, 1).get_by_role("link", name="Reply", exact=True).click()
    expect(page.get_by_role("heading", name="Reply to @ada (post 1)")).to_be_visible(timeout=2000)


def test_keyboard_focus_stays_on_reaction_after_htmx_swap(live_server, page, garden):
    base = live_server.url
    community, ada, _bruno = garden
    topic = start_topic(community, ada)
    sign_in(page, base, "bruno", PASSWORD)
    page.goto(f"{base}{topic_path(topic)}")
    post(page, 1).locator(".react-picker > summary").focus()
    page.keyboard.press("Enter")
    post(page, 1).locator(".react-picker").get_by_role("button", name=THUMBS).focus()
    page.keyboard.press("Enter")
    # The picker closed with the swap; focus moved to the new pill, not the page's start.
    thumbs = reaction_button(post(page, 1), THUMBS)
    expect(thumbs).to_have_attribute("aria-pressed", "true")
    expect(thumbs).to_be_focused(timeout=1000)


@pytest.mark.skipif(not search_page_exists(), reason="search:community is not implemented yet")
def test_member_finds_topic_by_a_word_in_its_body(live_server, page, garden):
    base = live_server.url
    community, ada, _bruno = garden
    start_topic(community, ada)
    start_topic(community, ada, title="Slug pellets: yes or no?", body="Asking for a hosta.")

    sign_in(page, base, "ada", PASSWORD)
    page.goto(f"{base}/c/garden/search?q=vermiculite")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    highlighted = page.locator("mark").filter(has_text=re.compile(r"^vermiculite$", re.I))
    expect(highlighted.first).to_be_visible()
    expect(page.get_by_role("link", name="Slug pellets: yes or no?")).to_have_count(0)
    shot(page, "search")


def test_reply_and_reaction_work_without_javascript(live_server, new_context, garden):
    base = live_server.url
    community, ada, bruno = garden
    topic = start_topic(community, ada)
    first = Post.objects.get(topic=topic, number=1)

    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, base, "bruno", PASSWORD)
    topic_url = f"{base}{topic_path(topic)}"
    page.goto(topic_url)

    react(post(page, 1), THUMBS)
    expect(page).to_have_url(f"{topic_url}?page=1#post-1")
    thumbs = reaction_button(post(page, 1), THUMBS)
    expect(thumbs).to_have_attribute("aria-pressed", "true")
    expect(thumbs.locator(".reaction__count")).to_have_text("1")
    assert Post.objects.get(pk=first.pk).reactions == {"thumbsup": 1}

    # Toggle it back off: a second plain POST takes the reaction away.
    thumbs.click()
    expect(page).to_have_url(f"{topic_url}?page=1#post-1")
    thumbs = reaction_button(post(page, 1), THUMBS)
    expect(thumbs).to_have_count(0)
    assert not Reaction.objects.filter(post=first, user=bruno).exists()

    page.get_by_label("Your reply").fill("No JavaScript needed to say hello.")
    page.get_by_role("button", name="Post reply").click()
    expect(page).to_have_url(f"{topic_url}?page=1#post-2")
    expect(post(page, 2)).to_contain_text("No JavaScript needed to say hello.")
    assert Post.objects.get(topic=topic, number=2).author == bruno
