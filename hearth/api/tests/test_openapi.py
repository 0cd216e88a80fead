"""The OpenAPI document says what the API really does (every error status it returns, typed
and bounded parameters), and the docs page runs only the install's own scripts."""

from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hearth.analytics.schemas import HealthOut
from hearth.api import services
from hearth.api.schemas import Error
from hearth.communities.models import Visibility
from hearth.testing.factories import actor_for, community_factory

HEALTH = "/api/v1/communities/{slug}/health"
ERROR_REF = "#/components/schemas/Error"


@pytest.fixture
def schema(client, db):
    return client.get("/api/v1/openapi.json").json()


def _operation(schema, path):
    return schema["paths"][path]["get"]


def _parameters(schema, path):
    return {p["name"]: p for p in _operation(schema, path)["parameters"]}


def _response_ref(operation, status: str) -> str:
    return operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]


@pytest.mark.parametrize(
    "path, statuses",
    [
        ("/api/v1/communities/", {"200", "422"}),
        ("/api/v1/communities/{slug}", {"200", "404"}),
        (HEALTH, {"200", "401", "403", "404", "422", "429", "503"}),
    ],
)
def test_every_operation_declares_the_errors_it_returns(schema, path, statuses):
    operation = _operation(schema, path)
    assert set(operation["responses"]) == statuses
    for status in statuses - {"200"}:
        assert _response_ref(operation, status) == ERROR_REF


def test_error_bodies_are_declared(schema):
    components = schema["components"]["schemas"]
    assert components["Error"]["properties"]["error"]["$ref"] == "#/components/schemas/ErrorDetail"
    detail = components["ErrorDetail"]["properties"]
    assert detail["code"]["type"] == "string" and detail["message"]["type"] == "string"
    fields = detail["fields"]
    assert fields["type"] == "object" and fields["additionalProperties"]["type"] == "array"


def test_validated_parameters_have_real_types_and_bounds(schema):
    page = _parameters(schema, "/api/v1/communities/")
    assert page["page"]["schema"]["type"] == "integer"
    assert page["page"]["schema"]["minimum"] == 1 and page["page"]["schema"]["maximum"] >= 1
    (size,) = [s for s in page["page_size"]["schema"]["anyOf"] if s["type"] == "integer"]
    assert size["minimum"] == 1 and size["maximum"] == 100
    health = _parameters(schema, HEALTH)
    for name in ("start", "end"):
        assert {"type": "string", "format": "date"} in health[name]["schema"]["anyOf"]
    days = schema["components"]["schemas"]["WindowDays"]
    assert days["type"] == "integer" and days["enum"] == [7, 28, 90]


def test_the_health_body_is_declared(schema):
    assert _response_ref(_operation(schema, HEALTH), "200") == "#/components/schemas/HealthOut"


# What the API returns matches what the document declares ------------------------------------


@pytest.fixture
def api_key(community, owner):
    return services.api_key_create(actor=actor_for(owner, community), name="Probe")[1]


def _requests(community, api_key):
    """(path, query, key, expected status, body model): every status of every operation.
    ninja already validates each 200 body against its declared schema as it answers."""
    secret = community_factory(visibility=Visibility.PRIVATE, slug="secret")
    health = HEALTH.format(slug=community.slug)
    return [
        ("/api/v1/communities/", {}, None, 200, None),
        ("/api/v1/communities/", {"page": "0"}, None, 422, Error),
        ("/api/v1/communities/", {"page": "abc"}, None, 422, Error),
        ("/api/v1/communities/", {"page": str(10**20)}, None, 422, Error),
        ("/api/v1/communities/", {"page_size": "1000"}, None, 422, Error),
        (f"/api/v1/communities/{community.slug}", {}, None, 200, None),
        (f"/api/v1/communities/{secret.slug}", {}, None, 404, Error),
        (health, {}, api_key, 200, HealthOut),
        (health, {"days": "7"}, api_key, 200, HealthOut),
        (health, {}, None, 401, Error),
        (health, {}, "hth_nope_nope", 401, Error),
        (HEALTH.format(slug=secret.slug), {}, api_key, 404, Error),
        (health, {"days": "5"}, api_key, 422, Error),
        (health, {"start": "2025-02-30", "end": "2025-03-01"}, api_key, 422, Error),
        (health, {"start": "2025-03-10", "end": "2025-03-01"}, api_key, 422, Error),
    ]


def test_every_response_is_declared_and_matches_its_schema(client, community, api_key):
    schema = client.get("/api/v1/openapi.json").json()
    templates = {"communities": "/api/v1/communities/{slug}", "health": HEALTH}
    for path, query, key, status, model in _requests(community, api_key):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
        response = client.get(path, query, **headers)
        assert response.status_code == status, (path, query)
        template = path
        if path.endswith("/health"):
            template = templates["health"]
        elif path != "/api/v1/communities/":
            template = templates["communities"]
        assert str(status) in _operation(schema, template)["responses"], (path, status)
        if model is not None:
            model.model_validate(response.json())


_values = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(str),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    page=st.dictionaries(st.sampled_from(["page", "page_size"]), _values, max_size=2),
    health=st.dictionaries(st.sampled_from(["start", "end", "days"]), _values, max_size=3),
)
def test_any_parameter_gets_a_declared_answer_never_a_500(client, schema, api_key, page, health):
    """A small schemathesis: whatever the query, the status is one the document declares
    and an error body has the declared shape."""
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_key}"}
    for path, query, headers, template in (
        ("/api/v1/communities/", page, {}, "/api/v1/communities/"),
        (HEALTH.format(slug="garden"), health, auth, HEALTH),
    ):
        response = client.get(path, query, **headers)
        assert str(response.status_code) in _operation(schema, template)["responses"], query
        if response.status_code == 422:
            Error.model_validate(response.json())


# The docs page -------------------------------------------------------------------------------


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.urls += [attrs[a] for a in ("src", "href") if attrs.get(a)]
        if tag == "script" and not attrs.get("src"):
            self.inline_scripts += 1


def test_the_docs_page_loads_only_the_installs_own_files(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assets = _Assets()
    assets.feed(response.content.decode())
    assert assets.urls and all(u.startswith("/") and not u.startswith("//") for u in assets.urls)
    assert assets.inline_scripts == 0  # a CSP without 'unsafe-inline' allows the page
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in assets.urls
    assert "/static/hearth/api-docs.js" in assets.urls
    for url in assets.urls:
        assert finders.find(url.removeprefix("/static/")), url
