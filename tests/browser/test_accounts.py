"""The way in, as a person meets it: signing up from a community's welcome page in its brand,
signing out, signing in again with "Remember me", and starting a community on a phone."""

import os
import re

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from hearth.communities.models import Community  # noqa: E402
from hearth.testing.factories import PASSWORD, community_factory, user_factory  # noqa: E402

from .conftest import PHONE, shot  # noqa: E402
from .pages import sign_in  # noqa: E402

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
NEW_PASSWORD = "Glaze-and-Fire-42"


def _no_sideways_scroll(page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _ceramics() -> Community:
    community = community_factory(
        owner=user_factory(username="carmen"),
        slug="ceramics",
        name="Ceramics Circle",
        accent_color="#b4532a",
        rules="1. Share your process.\n2. Critique the pot, not the potter.",
    )
    Community.objects.filter(pk=community.pk).update(tagline="Throwing and glazing together.")
    return community


def test_sign_up_from_a_community_then_sign_out_and_in_with_remember_me(
    new_context, phone_context, live_server
):
    base = live_server.url
    _ceramics()
    context = new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{base}/c/ceramics/welcome")
    page.get_by_role("link", name="Join Ceramics Circle").click()

    # The sign-up page is the community's: its name, its accent, "Join" wording.
    expect(page.get_by_role("heading", name="Join Ceramics Circle", level=1)).to_be_visible()
    expect(page).to_have_title("Sign up · Ceramics Circle")
    button = page.get_by_role("button", name="Create account")
    expect(button).to_have_css("background-color", "rgb(180, 83, 42)")
    for label in ("Username", "Email", "Password", "Confirm password"):
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    shot(page, "accounts-signup-community")
    phone = phone_context().new_page()
    phone.goto(page.url)
    expect(phone.get_by_role("heading", name="Join Ceramics Circle", level=1)).to_be_visible()
    _no_sideways_scroll(phone)
    shot(phone, "accounts-signup-community")

    # Mistakes are explained beside the fields, and what was typed is kept.
    page.get_by_label("Username", exact=True).fill("pia")
    page.get_by_label("Email", exact=True).fill("pia-at-example")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm password", exact=True).fill("Glaze-and-Fire-43")
    button.click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(page.get_by_text("You must type the same password each time.")).to_be_visible()
    expect(page.get_by_label("Username", exact=True)).to_have_value("pia")
    expect(page.get_by_label("Email", exact=True)).to_have_attribute("aria-invalid", "true")
    shot(page, "accounts-signup-errors")

    page.get_by_label("Email", exact=True).fill("pia@example.com")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_label("I have read the rules and agree to follow them").check()
    page.get_by_role("button", name="Accept the rules and join").click()
    expect(page.get_by_text("Welcome to Ceramics Circle!")).to_be_visible()

    # Signing out asks first.
    page.goto(f"{base}/accounts/logout/")
    expect(page.get_by_role("heading", name="Sign out?", level=1)).to_be_visible()
    shot(page, "accounts-logout")
    page.locator("form.form--auth").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert not [c for c in context.cookies() if c["name"] == "sessionid"]

    # Back from a community page: its brand again, and "Remember me" keeps the session.
    page.goto(f"{base}/accounts/login/?next=/c/ceramics/")
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.get_by_text("Sign in to continue to Ceramics Circle.")).to_be_visible()
    shot(page, "accounts-login-community")
    page.get_by_label("Username or email").fill("pia@example.com")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Remember me").check()
    page.locator("form.form--auth").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/c/ceramics/$"))
    session = next(c for c in context.cookies() if c["name"] == "sessionid")
    assert session["expires"] > 0  # a lasting cookie, not one that ends with the browser


def test_hearths_own_account_pages_at_both_widths(new_context, phone_context, live_server):
    base = live_server.url
    user_factory(username="walt")
    for context in (new_context(viewport=DESKTOP), phone_context()):
        page = context.new_page()
        for path, heading, name in (
            ("/accounts/login/", "Sign in", "accounts-login"),
            ("/accounts/signup/", "Create your account", "accounts-signup"),
            ("/accounts/password/reset/", "Reset your password", "accounts-password-reset"),
        ):
            page.goto(base + path)
            expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
            _no_sideways_scroll(page)
            shot(page, name)
        # "Remember me" sits on the line of its checkbox.
        page.goto(f"{base}/accounts/login/")
        box = page.get_by_label("Remember me").bounding_box()
        text = page.get_by_text("Remember me", exact=True).bounding_box()
        assert abs((box["y"] + box["height"] / 2) - (text["y"] + text["height"] / 2)) < 6
        page.get_by_label("Username or email").fill("walt")
        page.get_by_label("Password", exact=True).fill("not the password")
        page.locator("form.form--auth").get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_contain_text("not correct")
        shot(page, "accounts-login-error")


def test_the_wizard_fits_a_phone_and_starts_with_rules(new_context, phone_context, live_server):
    base = live_server.url
    user_factory(username="walt")
    desktop = new_context(viewport=DESKTOP).new_page()
    sign_in(desktop, base, "walt", PASSWORD)
    desktop.goto(f"{base}/new")
    rules = desktop.get_by_label(re.compile(r"^Rules\b"))
    expect(rules).to_have_value(re.compile(r"\*\*Be kind\.\*\*"))
    shot(desktop, "accounts-wizard")
    phone = phone_context(storage_state=desktop.context.storage_state()).new_page()
    phone.goto(f"{base}/new")
    expect(phone.get_by_role("heading", name="Start a community", level=1)).to_be_visible()
    assert phone.viewport_size == PHONE
    _no_sideways_scroll(phone)
    logo = phone.get_by_label("Logo").bounding_box()
    assert logo["x"] + logo["width"] <= PHONE["width"]
    shot(phone, "accounts-wizard")

    # The template is the community's rules once created.
    phone.get_by_label(re.compile(r"^Name\b")).fill("Birders")
    phone.get_by_label("URL slug").fill("birders")
    phone.get_by_role("button", name="Create the community").click()
    expect(phone.get_by_text("Birders is live.")).to_be_visible()
    phone.goto(f"{base}/c/birders/rules")
    expect(phone.get_by_text("Respect privacy.")).to_be_visible()
