"""Two people edit one post at once: the one who saves second sees the saved version next to
their own text, merges, and saves; nothing either wrote is lost."""

import os

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from django.urls import reverse  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from hearth.discussions.models import Post  # noqa: E402
from hearth.testing.factories import PASSWORD  # noqa: E402

from .conftest import DESKTOP, PHONE, shot  # noqa: E402
from .pages import sign_in  # noqa: E402

pytestmark = pytest.mark.browser

SIZES = {
    "1280": {"viewport": DESKTOP},
    "390": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
}


@pytest.mark.parametrize("size", ["1280", "390"])
def test_the_second_save_shows_both_texts_to_merge(
    live_server, new_context, community, member, moderator, topic, size
):
    post = Post.objects.get(topic=topic, number=1)
    url = live_server.url + reverse("discussions:post-edit", args=["garden", post.pk])

    author = new_context(**SIZES[size]).new_page()
    sign_in(author, live_server.url, member.username, PASSWORD)
    author.goto(url)
    author_text = author.get_by_label("Message")
    author_text.fill("First post, with the details I promised.")

    # Meanwhile a moderator opens the same post and saves a fix first.
    mod = new_context().new_page()
    sign_in(mod, live_server.url, moderator.username, PASSWORD)
    mod.goto(url)
    mod.get_by_label("Message").fill("First post (link fixed by a moderator).")
    mod.get_by_role("button", name="Save changes").click()
    expect(mod.get_by_text("link fixed by a moderator")).to_be_visible()

    author.get_by_role("button", name="Save changes").click()
    alert = author.get_by_role("alert").filter(has_text="Someone else saved this post")
    expect(alert).to_be_visible()
    expect(author.get_by_test_id("conflict-current")).to_have_text(
        "First post (link fixed by a moderator)."
    )
    expect(author_text).to_have_value("First post, with the details I promised.")
    width = SIZES[size]["viewport"]["width"]
    assert author.evaluate("document.documentElement.scrollWidth") <= width
    shot(author, "post-edit-conflict")
    post.refresh_from_db()
    assert post.body == "First post (link fixed by a moderator)."

    author_text.fill("First post (link fixed by a moderator), with the details I promised.")
    author.get_by_role("button", name="Save changes").click()
    expect(author.get_by_text("with the details I promised")).to_be_visible()
    post.refresh_from_db()
    assert post.body == "First post (link fixed by a moderator), with the details I promised."
    assert post.edit_count == 2
