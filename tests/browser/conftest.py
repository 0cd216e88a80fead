"""Browser fixtures: one headless Debian Chromium per session, a fresh desktop context per
test, phone contexts on demand and a screenshot helper.

Playwright's sync API keeps an asyncio loop running in the test thread for as long as the
browser lives, so Django must allow ORM calls from it (DJANGO_ALLOW_ASYNC_UNSAFE). The flag
is set only while that loop runs, not when this conftest is imported: an import-time flag
reaches every test in the process, hides Django's async-safety checks from the unit tests
and leaks into subprocesses (``check --deploy`` then fails with async.W001). Browser tests
are ordered last so no other test in a worker runs after the loop has started."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 10_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def pytest_collection_modifyitems(config, items):
    """Run the browser journeys after every other test (stable sort keeps the rest)."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM)


@pytest.fixture(scope="session")
def browser():
    if not chromium_available():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


def _configure(context):
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def new_context(browser):
    """new_context(**options) -> a desktop context closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        context = _configure(browser.new_context(**options))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone_context(new_context):
    """phone_context(**options) -> a 390x844 touch context (e.g. storage_state=...)."""

    def make(**options):
        return new_context(viewport=PHONE, is_mobile=True, has_touch=True, **options)

    return make


@pytest.fixture
def page(new_context, live_server):
    return new_context().new_page()


def shot(page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/screenshots/<name>-<width>.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    path = SCREENSHOT_DIR / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def shot_both(phone_context):
    """shot_both(page, name): screenshot page at its width, then the same URL (same
    session cookies) in a phone context. Returns the phone page for further checks."""

    def take(page, name: str, prepare=None):
        shot(page, name)
        phone = phone_context(storage_state=page.context.storage_state()).new_page()
        phone.goto(page.url)
        if prepare is not None:
            prepare(phone)
        shot(phone, name)
        phone.close()

    return take
