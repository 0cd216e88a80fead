"""A member takes their data and leaves: asks for a copy from the account settings, sees
it ready (the worker's task runs at once in tests), downloads the zip; another member
deletes their account through the confirmation page, on a phone."""

import io
import json
import os
import zipfile

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from hearth.accounts.models import User  # noqa: E402
from hearth.discussions import services as discussions  # noqa: E402
from hearth.discussions.models import Category  # noqa: E402
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


def _garden():
    community = community_factory(
        owner=user_factory(username="olivia"), slug="garden", name="Garden Club"
    )
    mel = membership_factory(community, user=user_factory(username="mel")).user
    general = Category.objects.get(community=community, slug="general")
    discussions.topic_create(
        actor=actor_for(mel, community),
        category=general,
        title="Tomatoes in August",
        body="Patience is the secret.",
    )
    return community, mel


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_download_my_data(new_context, phone_context, live_server):
    _garden()
    base = live_server.url
    page = new_context().new_page()
    sign_in(page, base, "mel", PASSWORD)
    page.goto(f"{base}/accounts/profile/")
    page.get_by_role("link", name="Your data: download or delete your account").click()
    expect(page.get_by_role("heading", name="Your data", level=1)).to_be_visible()
    page.get_by_role("button", name="Ask for a copy of your data").click()
    expect(page.get_by_text("Your data is ready.")).to_be_visible()
    shot(page, "privacy-export-ready")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download your data").click()
    download = info.value
    assert download.suggested_filename.startswith("hearth-data-")
    with open(download.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    posts = json.loads(archive.read("posts.json"))
    assert posts[0]["body"] == "Patience is the secret."
    assert "README.txt" in archive.namelist()

    phone = phone_context(storage_state=page.context.storage_state()).new_page()
    phone.goto(f"{base}/accounts/privacy/")
    expect(phone.get_by_role("link", name="Download your data")).to_be_visible()
    _no_sideways_scroll(phone)
    shot(phone, "privacy-export-ready")


def test_delete_my_account_through_the_confirmation(new_context, phone_context, live_server):
    _garden()
    base = live_server.url
    desktop = new_context().new_page()
    sign_in(desktop, base, "mel", PASSWORD)
    desktop.goto(f"{base}/accounts/privacy/delete/")
    expect(desktop.get_by_role("heading", name="What happens")).to_be_visible()
    shot(desktop, "privacy-delete")

    page = phone_context(storage_state=desktop.context.storage_state()).new_page()
    page.goto(f"{base}/accounts/privacy/")
    page.get_by_role("link", name="Delete your account…").click()
    expect(page.get_by_role("heading", name="Delete your account", level=1)).to_be_visible()
    _no_sideways_scroll(page)
    # A wrong password first: told next to the field, nothing deleted.
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_label("I understand that this cannot be undone.").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("That is not your password.")).to_be_visible()
    shot(page, "privacy-delete-wrong-password")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("I understand that this cannot be undone.").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    shot(page, "privacy-deleted")
    mel = User.objects.get(username__startswith="deleted-")
    assert mel.is_deleted and mel.email == ""
    # The topic stays, by "A former member" (the community's default).
    page.goto(f"{base}/c/garden/")
    page.get_by_role("link", name="Tomatoes in August").first.click()
    expect(page.get_by_text("A former member").first).to_be_visible()
    shot(page, "privacy-former-member-topic")
    # The desktop session ended with the account.
    desktop.goto(f"{base}/accounts/privacy/")
    expect(desktop).to_have_url(f"{base}/accounts/login/?next=/accounts/privacy/")


def test_the_community_chooses_what_happens_to_posts(new_context, shot_both, live_server):
    _garden()
    base = live_server.url
    page = new_context().new_page()
    sign_in(page, base, "olivia", PASSWORD)
    page.goto(f"{base}/c/garden/manage/settings/")
    expect(page.get_by_role("heading", name="When a member deletes their account")).to_be_visible()
    expect(
        page.get_by_role("radio", name="Keep them, shown as written by “A former member”")
    ).to_be_checked()
    page.get_by_role("radio", name="Remove them").check()
    page.get_by_role("button", name="Save privacy settings").click()
    expect(page.get_by_text("Privacy settings saved.")).to_be_visible()
    expect(page.get_by_role("radio", name="Remove them")).to_be_checked()
    shot_both(page, "privacy-community-settings", prepare=_no_sideways_scroll)
