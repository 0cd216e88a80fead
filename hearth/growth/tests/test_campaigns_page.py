"""The staff's campaigns page: a campaign link and the funnel per campaign (the browser
journey in tests/browser/test_growth.py walks the whole way)."""

import pytest

from hearth.growth.models import Arrival
from hearth.testing.factories import user_factory

pytestmark = pytest.mark.django_db
URL = "/c/garden/manage/campaigns/"


def test_makes_a_link_and_shows_the_funnel(client, community, admin):
    Arrival.objects.create(community=community, user=user_factory(), source="instagram")
    client.force_login(admin)
    response = client.get(URL, {"source": " instagram ", "campaign": "spring"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "/c/garden/welcome?source=instagram&amp;utm_campaign=spring" in body
    assert 'data-source="instagram"' in body


@pytest.mark.parametrize("who, status", [("moderator", 403), ("member", 403), ("admin", 200)])
def test_owners_and_admins_only(client, personas, who, status):
    client.force_login(personas[who])
    assert client.get(URL).status_code == status
