import pytest

from hearth.audience.recording import buffer

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}


@pytest.fixture(autouse=True)
def _empty_buffer():
    """Page views are flushed only when a test says so."""
    buffer.take()
    yield
    buffer.take()


@pytest.fixture
def browser_client(client):
    """A client that looks like a person's browser, so its page views are counted."""
    client.defaults.update(BROWSER)
    return client
