from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from hearth.communities.models import Visibility
from hearth.discussions.models import Category, ReadAccess
from hearth.events import recurrence, services
from hearth.events.models import Event, Rsvp, RsvpStatus
from hearth.members.models import MemberProfile
from hearth.testing.factories import (
    actor_for,
    community_factory,
    image_upload,
    membership_factory,
    user_factory,
)

pytestmark = pytest.mark.django_db


def _form(category, **overrides):
    data = {
        "category": str(category.pk), "title": "Seed swap", "description": "Bring seeds",
        "starts_local": "2031-05-01T18:00", "ends_local": "2031-05-01T20:00",
        "time_zone": "Europe/Berlin", "location": "Hall", "online_url": "", "capacity": "",
        "repeats": "", "repeats_until": "", "exceptions": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_staff_create_an_event_through_the_form(client, owner, general):
    client.force_login(owner)
    assert client.get(reverse("events:new", args=["garden"])).status_code == 200
    response = client.post(
        reverse("events:new", args=["garden"]),
        {**_form(general), "cover": image_upload()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get()
    assert event.cover.name.startswith("events/")
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"ends_local": "2031-05-01T17:00"}, "must end after it starts"),
        ({"time_zone": "Mars/Base"}, "Choose a time zone"),
        ({"capacity": "0"}, "Capacity is at least 1"),
        ({"capacity": "-5"}, "Capacity is at least 1"),
        ({"capacity": "99999999999999999999"}, "Ensure this value"),
        ({"starts_local": "not a date"}, "Enter a valid date"),
        ({"repeats": "weekly"}, "until when"),
        ({"repeats": "hourly"}, "Select a valid choice"),
        ({"exceptions": "2031-13-45"}, "is not a date"),
        ({"online_url": "javascript:alert(1)"}, "https://"),
    ],
)
def test_bad_input_is_shown_next_to_the_field(client, owner, general, overrides, field):
    client.force_login(owner)
    response = client.post(reverse("events:new", args=["garden"]), _form(general, **overrides))
    assert response.status_code == 200
    assert field in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize("who, status", [("member", 403), ("outsider", 403), ("banned", 403)])
def test_who_may_not_create_events(client, personas, general, who, status):
    client.force_login(personas[who])
    assert client.get(reverse("events:new", args=["garden"])).status_code == status
    assert client.post(reverse("events:new", args=["garden"]), _form(general)).status_code == status


def test_anonymous_is_sent_to_sign_in(client, community):
    assert client.get(reverse("events:new", args=["garden"])).status_code == 302


def _event(community, owner, category, **overrides):
    from hearth.events.tests.conftest import event_fields

    return services.event_create(
        actor=actor_for(owner, community), category=category, **event_fields(**overrides)
    )


def test_list_month_detail_and_ics_for_visitors(client, community, owner, general):
    event = _event(community, owner, general)
    for url in (
        reverse("events:list", args=["garden"]),
        reverse("events:list", args=["garden"]) + "?show=past",
        reverse("events:month", args=["garden"]),
        reverse("events:month", args=["garden"]) + "?m=2031-02",
        reverse("events:month", args=["garden"]) + "?m=garbage-99",
        reverse("events:detail", args=["garden", event.pk]),
        reverse("communities:home", args=["garden"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    detail = client.get(reverse("events:detail", args=["garden", event.pk])).content.decode()
    assert "Seed swap" in detail and "data-local-time" in detail and "Sign in to RSVP" in detail
    home = client.get(reverse("communities:home", args=["garden"])).content.decode()
    assert "Upcoming events" in home and "Seed swap" in home
    ics = client.get(reverse("events:ics", args=["garden", event.pk]))
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"SUMMARY:Seed swap" in ics.content and b"TZID=Europe/Berlin" in ics.content


def test_a_day_without_an_occurrence_is_404(client, community, owner, general):
    event = _event(community, owner, general)
    url = reverse("events:detail", args=["garden", event.pk])
    assert client.get(url + "?on=2001-01-01").status_code == 404
    assert client.get(url + "?on=nonsense").status_code == 404


def test_private_stays_private(client, owner, outsider, member):
    private = community_factory(owner=owner, slug="secret", visibility=Visibility.PRIVATE)
    general = Category.objects.get(community=private, slug="general")
    event = _event(private, owner, general)
    client.force_login(outsider)
    for url in (
        reverse("events:list", args=["secret"]),
        reverse("events:detail", args=["secret", event.pk]),
        reverse("events:ics", args=["secret", event.pk]),
        reverse("events:feed", args=["secret"]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("events:rsvp", args=["secret", event.pk]), {"on": "2031-01-01", "status": "going"}
    )
    assert response.status_code == 404


def test_events_in_a_staff_category_are_404_to_members_and_absent_from_lists(
    client, community, owner, member
):
    staff_room = Category.objects.create(
        community=community, name="Staff", slug="staff", read_access=ReadAccess.STAFF
    )
    event = _event(community, owner, staff_room, title="Staff retreat")
    client.force_login(member)
    assert client.get(reverse("events:detail", args=["garden", event.pk])).status_code == 404
    listed = client.get(reverse("events:list", args=["garden"])).content.decode()
    assert "Staff retreat" not in listed
    assert b"Staff retreat" not in client.get(reverse("events:feed", args=["garden"])).content
    client.logout()
    assert b"Staff retreat" not in client.get(reverse("events:feed", args=["garden"])).content
    client.force_login(owner)
    assert b"Staff retreat" in client.get(reverse("events:feed", args=["garden"])).content


def test_feed_for_visitors_lists_public_events_only(client, community, owner):
    members_only = Category.objects.create(
        community=community, name="Club", slug="club", read_access=ReadAccess.MEMBERS
    )
    general = Category.objects.get(community=community, slug="general")
    _event(community, owner, general, title="Open day")
    _event(community, owner, members_only, title="Members dinner")
    feed = client.get(reverse("events:feed", args=["garden"])).content
    assert b"Open day" in feed and b"Members dinner" not in feed


def test_rsvp_without_js_and_with_htmx(client, community, owner, general, member, newcomer):
    event = _event(community, owner, general, capacity=1)
    day = recurrence.occurrences(event)[0].key
    url = reverse("events:rsvp", args=["garden", event.pk])
    client.force_login(member)
    response = client.post(url, {"on": day, "status": "going"})
    assert response.status_code == 302
    client.force_login(newcomer)
    response = client.post(url, {"on": day, "status": "going"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "number 1 on the waitlist" in response.content.decode()
    assert Rsvp.objects.get(user=newcomer).status == RsvpStatus.WAITLISTED


@pytest.mark.parametrize(
    "data", [{}, {"on": "x", "status": "going"}, {"on": "2031-01-01", "status": "dancing"}]
)
def test_rsvp_bad_input_is_never_a_500(client, community, owner, general, member, data):
    event = _event(community, owner, general)
    client.force_login(member)
    response = client.post(reverse("events:rsvp", args=["garden", event.pk]), data)
    assert response.status_code in (302, 404)
    assert not Rsvp.objects.exists()


def test_rsvp_to_a_past_event_is_refused_with_a_message(client, community, owner, general, member):
    event = _event(community, owner, general)
    day = recurrence.occurrences(event)[0].key
    client.force_login(member)
    with time_machine.travel(event.ends_at + timedelta(hours=1)):
        response = client.post(
            reverse("events:rsvp", args=["garden", event.pk]), {"on": day, "status": "going"},
            follow=True,
        )  # fmt: skip
    assert "already started" in response.content.decode()
    assert not Rsvp.objects.exists()


def test_attendee_list_hides_private_profiles(client, community, owner, general, member):
    event = _event(community, owner, general)
    shy = membership_factory(community, user=user_factory(username="shy", display_name="Shy Sam"))
    MemberProfile.objects.filter(membership=shy).update(hide_from_directory=True)
    day = recurrence.occurrences(event)[0].day
    for user in (member, shy.user):
        services.rsvp_set(actor=actor_for(user, community), event=event, day=day, status="going")
    client.force_login(member)
    page = client.get(reverse("events:detail", args=["garden", event.pk])).content.decode()
    assert "Mel" in page and "Shy Sam" not in page
    assert "1 member who keeps their profile private" in page
    client.force_login(shy.user)
    page = client.get(reverse("events:detail", args=["garden", event.pk])).content.decode()
    assert "Shy Sam" in page


def test_attendance_page_is_staff_only_after_start(client, community, owner, general, member):
    event = _event(community, owner, general)
    day = recurrence.occurrences(event)[0].key
    services.rsvp_set(actor=actor_for(member, community), event=event,
                      day=recurrence.occurrences(event)[0].day, status="going")  # fmt: skip
    url = reverse("events:attendance", args=["garden", event.pk]) + f"?on={day}"
    client.force_login(owner)
    assert client.get(url).status_code == 403  # not started
    with time_machine.travel(event.ends_at + timedelta(hours=1)):
        assert client.get(url).status_code == 200
        marks = {"on": day, "attended": [str(member.pk), "x", "9" * 40]}
        assert client.post(url, marks).status_code == 302
        client.force_login(member)
        assert client.get(url).status_code == 403
    assert Rsvp.objects.get(user=member).attended_at is not None


def test_edit_and_cancel(client, community, owner, general, member):
    event = _event(community, owner, general)
    client.force_login(member)
    assert client.get(reverse("events:edit", args=["garden", event.pk])).status_code == 403
    assert client.post(reverse("events:cancel", args=["garden", event.pk])).status_code == 403
    client.force_login(owner)
    assert client.get(reverse("events:edit", args=["garden", event.pk])).status_code == 200
    data = _form(general, title="Seed swap (moved)")
    del data["category"]
    assert client.post(reverse("events:edit", args=["garden", event.pk]), data).status_code == 302
    assert client.post(reverse("events:cancel", args=["garden", event.pk])).status_code == 302
    event.refresh_from_db()
    assert event.title == "Seed swap (moved)" and event.is_cancelled


def test_settings_page_is_for_admins(client, community, owner, moderator):
    url = reverse("events:settings", args=["garden"])
    client.force_login(moderator)
    assert client.get(url).status_code == 403
    client.force_login(owner)
    assert client.get(url).status_code == 200
    assert client.post(url, {"create_trust_level": "7"}).status_code == 200
    assert client.post(url, {"create_trust_level": "2"}).status_code == 302


def test_list_query_count_is_flat(
    client, community, owner, general, member, django_assert_max_num_queries
):
    client.force_login(member)
    _event(community, owner, general)
    client.get(reverse("events:list", args=["garden"]))  # the bell's count kept
    with django_assert_max_num_queries(40) as one:
        client.get(reverse("events:list", args=["garden"]))
    for i in range(5):
        _event(community, owner, general, title=f"Event {i}")
    with django_assert_max_num_queries(40) as six:
        client.get(reverse("events:list", args=["garden"]))
    assert len(six.captured_queries) == len(one.captured_queries)
