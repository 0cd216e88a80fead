import pytest

from hearth.api.pagination import MAX_PAGE
from hearth.communities.models import Visibility
from hearth.testing.factories import community_factory


def test_list_shows_public_only_to_anonymous(client, community, owner):
    community_factory(owner=owner, visibility=Visibility.PRIVATE, slug="secret")
    data = client.get("/api/v1/communities/").json()
    assert [c["slug"] for c in data["items"]] == ["garden"]


def test_list_includes_my_private(client, community, owner):
    community_factory(owner=owner, visibility=Visibility.PRIVATE, slug="secret")
    client.force_login(owner)
    slugs = {c["slug"] for c in client.get("/api/v1/communities/").json()["items"]}
    assert slugs == {"garden", "secret"}


def test_detail_flags_and_private_404(client, community, owner, outsider):
    community_factory(owner=owner, visibility=Visibility.PRIVATE, slug="secret")
    client.force_login(outsider)
    data = client.get("/api/v1/communities/garden").json()
    assert data["can_join"] is True and data["viewer_role"] is None
    assert data["url"] == "/c/garden/"
    response = client.get("/api/v1/communities/secret")
    assert response.status_code == 404 and response.json() == {
        "error": {"code": "not_found", "message": "Not found.", "fields": {}}
    }
    assert client.get("/api/v1/communities/nope").status_code == 404


def test_openapi_schema(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/communities/{slug}" in schema["paths"]


@pytest.mark.parametrize("page", [str(2**62), str(2**63), str(2**64), "0", "-1", "x", "1.5"])
def test_list_refuses_a_page_out_of_bounds_with_json(client, community, page):
    response = client.get(f"/api/v1/communities/?page={page}")
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["page"]


def test_list_past_the_last_page_is_empty(client, community):
    response = client.get(f"/api/v1/communities/?page={MAX_PAGE}&page_size=100")
    assert response.status_code == 200 and response.json()["items"] == []


def test_every_paged_endpoint_bounds_its_page(client, db):
    """A ``page`` query parameter without a maximum would reach the database's OFFSET."""
    schema = client.get("/api/v1/openapi.json").json()
    pages = [
        param["schema"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        for param in operation.get("parameters", [])
        if param["in"] == "query" and param["name"] == "page"
    ]
    assert pages and all(0 < page.get("maximum", 0) <= MAX_PAGE for page in pages)
