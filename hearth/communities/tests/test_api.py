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
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert client.get("/api/v1/communities/nope").status_code == 404


def test_openapi_schema(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/communities/{slug}" in schema["paths"]
