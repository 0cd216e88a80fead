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
    page.locator("form.form--auth").get_by_role("button", name=re.compile("sign up", re.I)).click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form.form--auth").get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


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
