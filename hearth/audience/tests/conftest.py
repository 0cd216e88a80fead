import pytest

from hearth.audience.recording import buffer

MIDDLEWARE = "hearth.audience.middleware.PageViewMiddleware"
SESSIONS = "django.contrib.sessions.middleware.SessionMiddleware"
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)


@pytest.fixture(autouse=True)
def _empty_buffer(settings):
    """Each test starts and ends with an empty buffer that only flushes when told to."""
    settings.HEARTH_PAGEVIEW_FLUSH_EVERY = 0
    settings.HEARTH_PAGEVIEW_FLUSH_SECONDS = 0
    buffer.take()
    yield
    buffer.take()


@pytest.fixture
def counting(settings):
    """The page-view middleware installed where settings.py puts it: just before the
    session middleware."""
    stack = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    stack.insert(stack.index(SESSIONS), MIDDLEWARE)
    settings.MIDDLEWARE = stack


@pytest.fixture
def browse(client, counting):
    """GET a page like a browser would."""

    def get(url, **headers):
        headers.setdefault("HTTP_USER_AGENT", BROWSER)
        return client.get(url, **headers)

    return get
