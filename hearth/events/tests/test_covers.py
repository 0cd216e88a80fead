"""Event covers are private uploads, served to who may see the event and 404 to others."""

import pytest
from django.conf import settings
from django.urls import reverse

from hearth.communities.models import Visibility
from hearth.discussions.models import Category, ReadAccess
from hearth.events import services
from hearth.events.tests.conftest import event_fields
from hearth.testing.factories import actor_for, community_factory, image_upload

pytestmark = pytest.mark.django_db


def _cover_url(event):
    return reverse("events:cover", args=[event.community.slug, event.pk, event.cover_name])


def test_an_events_cover_follows_who_may_see_the_event(client, community, owner, member):
    staff_room = Category.objects.create(
        community=community, name="Staff", slug="staff", read_access=ReadAccess.STAFF
    )
    event = services.event_create(
        actor=actor_for(owner, community), category=staff_room, cover=image_upload(),
        **event_fields(),
    )  # fmt: skip
    url = _cover_url(event)
    assert not (settings.MEDIA_ROOT / event.cover.name).exists()

    client.force_login(owner)
    assert client.get(url).status_code == 200
    detail = client.get(reverse("events:detail", args=[community.slug, event.pk]))
    assert url in detail.content.decode()

    client.force_login(member)
    assert client.get(url).status_code == 404
    wrong = reverse("events:cover", args=[community.slug, event.pk, "other.jpg"])
    client.force_login(owner)
    assert client.get(wrong).status_code == 404


def test_a_private_communitys_event_cover_is_404_to_outsiders(client, owner, outsider):
    private = community_factory(owner=owner, slug="secret", visibility=Visibility.PRIVATE)
    general = Category.objects.get(community=private, slug="general")
    event = services.event_create(
        actor=actor_for(owner, private), category=general, cover=image_upload(), **event_fields()
    )
    client.force_login(outsider)
    assert client.get(_cover_url(event)).status_code == 404
    client.logout()
    assert client.get(_cover_url(event)).status_code == 404
