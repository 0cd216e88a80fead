"""The API docs page in headless Chromium: Swagger UI starts from the install's own files,
shows every operation, and asks nothing of any other host."""

import os
from urllib.parse import urlsplit

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser


def test_swagger_ui_runs_from_the_install(page, live_server):
    own = urlsplit(live_server.url).netloc
    elsewhere = []
    page.on("request", lambda r: urlsplit(r.url).netloc != own and elsewhere.append(r.url))
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .title")).to_contain_text("Hearth API")
    expect(page.get_by_text("/api/v1/communities/{slug}/health")).to_be_visible()
    assert not errors
    assert not elsewhere, elsewhere
