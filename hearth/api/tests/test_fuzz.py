"""Schema-driven fuzzing: schemathesis generates requests for every operation of
/api/v1/openapi.json and sends them through the WSGI app in-process, with a valid key that
has every scope. No answer may be a 5xx, and every answer must match the document (status
declared, body matching its schema). Bounded: a few deterministic examples per operation."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from hearth.api import services
from hearth.testing.factories import actor_for

FUZZ = hsettings(
    max_examples=6,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def keep_test_connection():
    """The WSGI app sends request signals that close "old" connections, which on PostgreSQL
    would close the test's own transaction; Django's test client disconnects them too."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_every_operation_answers_as_documented(
    db, topic, owner, community, settings, keep_test_connection
):
    from hearth.wsgi import application

    settings.HEARTH_API_RATE_LIMIT = 0
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    token = services.api_key_create(actor=actor_for(owner, community), name="fuzz")[1]
    # The in-process WSGI client does not undo gzip, which a real HTTP client does.
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    checks = [not_a_server_error, status_code_conformance, response_schema_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case):
            if "slug" in (case.path_parameters or {}):
                case.path_parameters["slug"] = community.slug  # reach the operation itself
            case.call_and_validate(headers=headers, checks=checks)

        run()
