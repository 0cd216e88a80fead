"""Events over the API: the list and one event, only what the caller may see."""

import pytest

from hearth.api.tests.test_resources import BASE, call, error, key
from hearth.communities.models import Visibility
from hearth.discussions.models import Category, ReadAccess
from hearth.events import recurrence, services
from hearth.testing.factories import actor_for, community_factory

pytestmark = pytest.mark.django_db


def test_list_and_detail(client, community, owner, member, make_event):
    event = make_event(capacity=5)
    services.rsvp_set(actor=actor_for(member, community), event=event,
                      day=recurrence.occurrences(event)[0].day, status="going")  # fmt: skip
    token = key(owner, community)
    items = call(client, "get", f"{BASE}/events", token).json()["items"]
    assert [(i["id"], i["title"], i["occurrence"]["going"]) for i in items] == [
        (event.pk, "Seed swap", 1)
    ]
    assert call(client, "get", f"{BASE}/events?when=past", token).json() == {"items": []}
    detail = call(client, "get", f"{BASE}/events/{event.pk}", token).json()
    assert detail["time_zone"] == "Europe/Berlin" and detail["capacity"] == 5
    assert detail["topic_id"] == event.topic_id


def test_non_members_read_public_events_only(client, community, owner, outsider, make_event):
    client.force_login(outsider)
    club = Category.objects.create(
        community=community, name="Club", slug="club", read_access=ReadAccess.MEMBERS
    )
    public, members_only = make_event(title="Open day"), make_event(title="Dinner", category=club)
    titles = [i["title"] for i in call(client, "get", f"{BASE}/events").json()["items"]]
    assert titles == ["Open day"]
    error(call(client, "get", f"{BASE}/events/{members_only.pk}"), 404)
    assert call(client, "get", f"{BASE}/events/{public.pk}").status_code == 200


def test_private_community_events_are_404(client, owner, outsider):
    community_factory(owner=owner, slug="secret", visibility=Visibility.PRIVATE)
    client.force_login(outsider)
    assert call(client, "get", "/api/v1/communities/secret/events").status_code == 404


@pytest.mark.parametrize("query", ["?limit=0", "?limit=51", "?when=future", "?limit=x"])
def test_bad_queries_are_422(client, community, member, query):
    client.force_login(member)
    error(call(client, "get", f"{BASE}/events{query}"), 422)


def test_unknown_event_is_404(client, community, member):
    client.force_login(member)
    error(call(client, "get", f"{BASE}/events/999999"), 404)
    assert call(client, "get", f"{BASE}/events/0").status_code == 422
