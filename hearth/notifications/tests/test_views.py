"""The bell, the list, opening and marking read, preferences: denials first."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hearth.discussions import services as discussions
from hearth.notifications import fanout
from hearth.notifications.models import Kind, Notification, Preference
from hearth.testing.factories import actor_for


def _notify(community, member, admin, topic):
    post = discussions.post_reply(actor=actor_for(admin, community), topic=topic, body="Hi")
    fanout.process(community)
    return Notification.objects.get(recipient=member, post=post), post


def test_another_members_notification_is_404_to_open_and_mark(
    client, community, member, admin, newcomer, topic
):
    notification, _post = _notify(community, member, admin, topic)
    client.force_login(newcomer)
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_opening_marks_read_and_lands_on_the_post(client, community, member, admin, topic):
    notification, post = _notify(community, member, admin, topic)
    client.force_login(member)
    page = client.get(reverse("notifications:list"))
    assert "replied to your first post" in page.content.decode()
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#post-{post.number}")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_all_read(client, community, member, admin, topic):
    _notify(community, member, admin, topic)
    client.force_login(member)
    client.post(reverse("notifications:read-all"))
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()


def test_bell_shows_count_and_topic_page_queries_do_not_grow(
    client, community, member, admin, topic
):
    client.force_login(member)
    url = reverse("discussions:topic", args=[community.slug, topic.slug, topic.pk]) + "?page=1"
    client.get(url)
    with CaptureQueriesContext(connection) as nothing_unread:
        client.get(url)
    _notify(community, member, admin, topic)
    response = client.get(url)
    assert 'data-unread-count="1"' in response.content.decode()
    with CaptureQueriesContext(connection) as before:
        response = client.get(url)
    assert 'data-unread-count="1"' in response.content.decode()
    # The count is kept (hearth.notifications.bell): the bell costs no query once counted.
    assert len(before) <= len(nothing_unread)
    for i in range(50):
        Notification.objects.create(
            community=community, recipient=member, kind=Kind.BADGE, group_key=f"x:{i}",
            event_id=0, data={"badge": "B"},
        )  # fmt: skip
    with CaptureQueriesContext(connection) as counting:
        response = client.get(url)
    assert 'data-unread-count="51"' in response.content.decode()
    # Counting again costs the same whatever the count.
    Notification.objects.filter(recipient=member, kind=Kind.BADGE).first().delete()
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) <= len(counting)


@pytest.mark.django_db
def test_ten_thousand_notifications_paginate_in_constant_queries(client, community, member):
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                community=community,
                recipient=member,
                kind=Kind.BADGE,
                group_key=f"b:{i}",
                event_id=i,
                created_at=now,
                data={"badge": "Gardener"},
            )  # fmt: skip
            for i in range(10_000)
        ],
        batch_size=2000,
    )
    client.force_login(member)
    url = reverse("notifications:list")
    client.get(url)  # the bell's count, kept from here on
    with CaptureQueriesContext(connection) as first:
        response = client.get(url)
    assert response.content.decode().count('class="notification__link"') == 30
    with CaptureQueriesContext(connection) as later:
        client.get(url + "?page=200")
    assert len(first) == len(later)


def test_unknown_preference_values_are_refused(client, community, member):
    client.force_login(member)
    url = reverse("notifications:preferences", args=[community.slug])
    data = {f"kind_{k}": "app" for k in Kind.values} | {"digest": "weekly"}
    response = client.post(url, data | {"kind_reply": "carrier-pigeon"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Preference.objects.exists()
    assert client.post(url, data | {"digest": "hourly"}).status_code == 200
    client.post(url, data)
    assert Preference.objects.filter(user=member, kind=Kind.REPLY, channel="app").exists()


def test_preferences_are_per_member(client, community, member, newcomer):
    client.force_login(newcomer)
    url = reverse("notifications:preferences", args=[community.slug])
    data = {f"kind_{k}": "off" for k in Kind.values} | {"digest": "off"}
    client.post(url, data)
    assert not Preference.objects.filter(user=member).exists()


def test_only_managers_set_community_defaults(client, community, member, owner):
    url = reverse("notifications:community-defaults", args=[community.slug])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(owner)
    data = {f"kind_{k}": "app" for k in Kind.values}
    assert client.post(url, data | {"kind_reply": "bogus"}).status_code == 200
    client.post(url, data | {"kind_reaction": "off"})
    from hearth.notifications.selectors import community_channels

    assert community_channels(community)[Kind.REACTION] == "off"


def test_the_bells_count_is_the_viewers_own(client, community, member):
    from hearth.notifications import selectors

    assert client.get("/notifications/unread.json").status_code == 401
    client.force_login(member)
    response = client.get("/notifications/unread.json")
    assert response.status_code == 200
    assert response.json() == {"unread": selectors.unread_count(member)}
    assert response["Cache-Control"] == "private, no-store"
