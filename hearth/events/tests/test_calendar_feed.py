"""A member's private calendar address: the events the member may see, fetched without a
session; nothing more, nothing for outsiders, and gone the moment it is reset or the
member leaves."""

import pytest
from django.urls import reverse

from hearth.communities import services as community_services
from hearth.communities.models import Visibility
from hearth.discussions.models import Category, ReadAccess
from hearth.events import services
from hearth.events.models import CalendarFeed
from hearth.events.tests.conftest import event_fields
from hearth.testing.factories import actor_for, community_factory, membership_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(community):
    return Category.objects.create(
        community=community, name="Club", slug="club", read_access=ReadAccess.MEMBERS
    )


def _event(community, owner, category, title):
    return services.event_create(
        actor=actor_for(owner, community), category=category, **event_fields(title=title)
    )


def _address(client, community):
    client.post(reverse("events:calendar-address", args=[community.slug]))
    feed = CalendarFeed.objects.get(community=community)
    return reverse("events:private-feed", args=[community.slug, feed.token])


def test_the_private_address_lists_members_only_events_without_a_session(
    client, community, owner, member, general, club
):
    _event(community, owner, general, "Open day")
    _event(community, owner, club, "Members dinner")
    client.force_login(member)
    page = client.get(reverse("events:calendar-address", args=[community.slug]))
    assert b"You have no private calendar address yet." in page.content
    url = _address(client, community)
    page = client.get(reverse("events:calendar-address", args=[community.slug])).content.decode()
    assert url in page

    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "private" in response["Cache-Control"]
    assert b"Members dinner" in response.content and b"Open day" in response.content
    public = client.get(reverse("events:feed", args=[community.slug])).content
    assert b"Members dinner" not in public


def test_asking_twice_keeps_the_address_and_reset_replaces_it(client, community, member):
    client.force_login(member)
    first = _address(client, community)
    assert _address(client, community) == first
    client.post(reverse("events:calendar-address", args=[community.slug]), {"action": "reset"})
    second = reverse("events:private-feed", args=[community.slug, CalendarFeed.objects.get().token])
    assert second != first
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_a_member_who_leaves_gets_public_events_only(
    client, community, owner, member, general, club
):
    _event(community, owner, general, "Open day")
    _event(community, owner, club, "Members dinner")
    client.force_login(member)
    url = _address(client, community)
    community_services.membership_leave(actor=actor_for(member, community))
    client.logout()
    body = client.get(url).content
    assert b"Open day" in body and b"Members dinner" not in body


def test_a_private_community_feed_stops_with_a_ban_and_is_gone_when_the_member_leaves(
    client, owner, member
):
    private = community_factory(owner=owner, slug="inner", visibility=Visibility.PRIVATE)
    general = Category.objects.get(community=private, slug="general")
    membership_factory(private, user=member)
    _event(private, owner, general, "Inner circle")
    client.force_login(member)
    url = _address(client, private)
    client.logout()
    assert b"Inner circle" in client.get(url).content
    community_services.membership_ban(
        actor=actor_for(owner, private),
        membership=member.memberships.get(community=private),
        reason="Rule 1",
    )
    assert b"Inner circle" not in client.get(url).content
    client.force_login(member)
    assert b"Inner circle" not in client.get(reverse("communities:home", args=["inner"])).content
    client.logout()
    community_services.membership_unban(
        actor=actor_for(owner, private), membership=member.memberships.get(community=private)
    )
    community_services.membership_leave(actor=actor_for(member, private))
    assert client.get(url).status_code == 404


def test_unknown_tokens_and_other_communities_are_404(client, community, owner, member):
    other = community_factory(owner=owner, slug="other")
    client.force_login(member)
    url = _address(client, community)
    token = CalendarFeed.objects.get().token
    client.logout()
    assert client.get(reverse("events:private-feed", args=["other", token])).status_code == 404
    made_up = reverse("events:private-feed", args=[other.slug, "x" * 43])
    assert client.get(made_up).status_code == 404
    assert client.get(url.replace(token, "nope")).status_code == 404
    assert client.post(url).status_code == 405


def test_only_members_have_an_address(client, community, outsider):
    page = reverse("events:calendar-address", args=[community.slug])
    response = client.get(page)
    assert response.status_code == 302  # to sign in
    client.force_login(outsider)
    assert client.get(page).status_code == 404
    assert client.post(page).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_the_events_page_offers_members_their_address(client, community, member):
    events = reverse("events:list", args=[community.slug])
    assert reverse("events:feed", args=[community.slug]) in client.get(events).content.decode()
    client.force_login(member)
    body = client.get(events).content.decode()
    assert reverse("events:calendar-address", args=[community.slug]) in body
