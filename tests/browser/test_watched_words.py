"""Watched words in headless Chromium: the owner adds a blocked word on the settings page;
a new member's reply and topic containing it (in disguise) are refused with a message
naming the word, and nothing is posted. Screenshots at 1280 and 390 px."""

import os

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from hearth.discussions import services as discussion_services  # noqa: E402
from hearth.discussions.models import Category, Post  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    actor_for,
    community_factory,
    membership_factory,
    user_factory,
)

from .conftest import shot  # noqa: E402
from .pages import sign_in  # noqa: E402

pytestmark = pytest.mark.browser

SLUG = "allotment"


@pytest.fixture
def allotment(db):
    owner = user_factory(username="olivia", display_name="Olivia Hart")
    community = community_factory(owner=owner, slug=SLUG, name="Allotment Society")
    ada = membership_factory(
        community, user=user_factory(username="ada", display_name="Ada Okafor"), trust_level=1
    ).user
    membership_factory(
        community, user=user_factory(username="nico", display_name="Nico Vale"), trust_level=0
    )
    general = Category.objects.get(community=community, slug="general")
    topic = discussion_services.topic_create(
        actor=actor_for(ada, community),
        category=general,
        title="Seed swap this spring?",
        body="Shall we swap seeds at the April meeting? I have too many courgettes.",
    )
    return community, topic


def test_a_new_members_post_with_a_blocked_word_is_refused_naming_the_word(
    live_server, new_context, phone_context, shot_both, allotment
):
    base = live_server.url
    community, topic = allotment

    olivia = new_context().new_page()
    sign_in(olivia, base, "olivia", PASSWORD)
    olivia.goto(f"{base}/c/{SLUG}/manage/watched-words/")
    olivia.get_by_role("textbox", name="Words").fill("miracle pills\nscam")
    olivia.get_by_label("Block: refuse the post, naming the word").check()
    olivia.get_by_role("button", name="Add").click()
    expect(olivia.locator(".flash")).to_contain_text("2 words saved")
    expect(olivia.locator("#words-block")).to_contain_text("miracle pills")
    shot_both(olivia, "watched-words-settings")

    # The refusal is a POST's answer, so the phone gets its own attempt.
    desktop = new_context().new_page()
    sign_in(desktop, base, "nico", PASSWORD)
    for nico in (desktop, phone_context(storage_state=desktop.context.storage_state()).new_page()):
        nico.goto(f"{base}/c/{SLUG}/t/{topic.slug}/{topic.pk}/")
        # "ѕсаm" is written with Cyrillic letters; the matcher sees through it.
        nico.get_by_label("Your reply").fill("Not a ѕсаm: M1RACLE   p.i.l.l.s for courgettes!")
        nico.get_by_role("button", name="Post reply").click()
        error = nico.locator("#reply .error, .reply-box .error, .flash--error").first
        expect(error).to_contain_text("which are not allowed here")
        expect(error).to_contain_text("“scam”")
        expect(error).to_contain_text("“miracle pills”")
        shot(nico, "watched-words-refused")
    assert not Post.objects.filter(author__username="nico").exists()
