"""Group covers are private uploads: served to who may see the group, 404 to everyone
else (a secret group's cover to outsiders, a stale or made-up file name), never from the
public media folder."""

import pytest
from django.conf import settings
from django.urls import reverse

from hearth.groups import services
from hearth.testing.factories import actor_for, image_upload

pytestmark = pytest.mark.django_db


def _with_cover(group, owner):
    return services.group_update(
        actor=actor_for(owner, group.community), group=group, cover=image_upload()
    )


def _cover_url(group):
    return reverse("groups:cover", args=[group.community.slug, group.slug, group.cover_name])


def test_a_secret_groups_cover_is_for_its_members_only(client, secret_group, gina, gus, member):
    group = _with_cover(secret_group, gina)
    url = _cover_url(group)
    assert not (settings.MEDIA_ROOT / group.cover.name).exists()

    client.force_login(gus)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert "private" in response["Cache-Control"]
    detail = client.get(reverse("groups:detail", args=[group.community.slug, group.slug]))
    assert url in detail.content.decode()

    client.force_login(member)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_a_public_groups_cover_shows_on_the_list_to_visitors(client, public_group, gina):
    group = _with_cover(public_group, gina)
    url = _cover_url(group)
    listing = client.get(reverse("groups:list", args=[group.community.slug]))
    assert url in listing.content.decode()
    assert client.get(url).status_code == 200


def test_a_wrong_or_old_file_name_is_404(client, public_group, gina):
    group = _with_cover(public_group, gina)
    old = _cover_url(group)
    group = _with_cover(group, gina)
    slug = group.community.slug
    assert client.get(old).status_code == 404
    assert client.get(reverse("groups:cover", args=[slug, group.slug, "x.jpg"])).status_code == 404
    assert client.post(_cover_url(group)).status_code == 405


def test_a_group_without_a_cover_has_none(client, public_group):
    url = reverse("groups:cover", args=[public_group.community.slug, public_group.slug, "a.jpg"])
    assert client.get(url).status_code == 404
