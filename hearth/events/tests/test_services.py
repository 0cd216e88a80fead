from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from hearth.core.models import InteractionEvent
from hearth.discussions.models import Category, ReadAccess
from hearth.events import recurrence, services
from hearth.events.models import Event, EventSettings, Rsvp, RsvpStatus
from hearth.events.tests.conftest import event_fields
from hearth.testing.factories import actor_for, membership_factory, user_factory

pytestmark = pytest.mark.django_db


def test_staff_create_an_event_with_its_discussion_topic(make_event, community):
    event = make_event()
    assert event.topic.title == "Seed swap"
    assert event.topic.community_id == community.pk
    assert "<strong>seeds</strong>" in event.description_html
    assert event.starts_at.tzinfo is not None
    assert InteractionEvent.objects.filter(verb="event.create", object_id=event.pk).exists()


def test_end_before_start_is_refused(make_event):
    start = datetime(2030, 5, 1, 18, 0)
    with pytest.raises(ValidationError) as exc:
        make_event(starts_local=start, ends_local=start - timedelta(minutes=1))
    assert "ends_local" in exc.value.message_dict
    with pytest.raises(ValidationError):
        make_event(starts_local=start, ends_local=start)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../../etc/passwd", "UTC\n", "Europe"])
def test_unknown_time_zone_is_refused(make_event, zone):
    with pytest.raises(ValidationError) as exc:
        make_event(time_zone=zone)
    assert "time_zone" in exc.value.message_dict
    assert not Event.objects.exists()


@pytest.mark.parametrize("capacity", [0, -1, -1000, 10**9])
def test_capacity_must_be_at_least_one(make_event, capacity):
    with pytest.raises(ValidationError) as exc:
        make_event(capacity=capacity)
    assert "capacity" in exc.value.message_dict


def test_recurring_event_needs_an_end(make_event):
    with pytest.raises(ValidationError) as exc:
        make_event(repeats="weekly", repeats_until=None)
    assert "repeats_until" in exc.value.message_dict
    with pytest.raises(ValidationError):
        make_event(repeats="daily", repeats_until=date(2030, 1, 1))


def test_members_cannot_create_events_unless_the_owner_allows_their_level(
    make_event, community, member, newcomer, outsider, owner
):
    with pytest.raises(PermissionDenied):
        make_event(actor=actor_for(member, community))
    services.settings_update(actor=actor_for(owner, community), create_trust_level=1)
    assert make_event(actor=actor_for(member, community)).created_by == member
    with pytest.raises(PermissionDenied):
        make_event(actor=actor_for(newcomer, community))
    with pytest.raises(PermissionDenied):
        make_event(actor=actor_for(outsider, community))
    assert EventSettings.objects.get(community=community).create_trust_level == 1


def test_only_admins_change_event_settings(community, moderator, member):
    for user in (moderator, member):
        with pytest.raises(PermissionDenied):
            services.settings_update(actor=actor_for(user, community), create_trust_level=0)


def test_weekly_event_across_spring_forward_keeps_the_wall_clock_time(make_event):
    # New York springs forward on 2027-03-14: 02:00 -> 03:00.
    event = make_event(
        starts_local=datetime(2027, 3, 7, 19, 0), ends_local=datetime(2027, 3, 7, 21, 0),
        time_zone="America/New_York", repeats="weekly", repeats_until=date(2027, 3, 28),
    )  # fmt: skip
    utc_hours = [o.starts_at.hour for o in recurrence.occurrences(event)]
    assert utc_hours == [0, 23, 23, 23]  # 19:00 EST = 00:00Z next day; 19:00 EDT = 23:00Z
    local = [o.starts_at.astimezone(recurrence.ZoneInfo("America/New_York")).hour
             for o in recurrence.occurrences(event)]  # fmt: skip
    assert local == [19, 19, 19, 19]


def test_a_time_the_clocks_skip_happens_an_hour_later(make_event):
    event = make_event(
        starts_local=datetime(2027, 3, 7, 2, 30), ends_local=datetime(2027, 3, 7, 3, 30),
        time_zone="America/New_York", repeats="weekly", repeats_until=date(2027, 3, 21),
    )  # fmt: skip
    zone = recurrence.ZoneInfo("America/New_York")
    times = [
        o.starts_at.astimezone(zone).strftime("%d %H:%M") for o in recurrence.occurrences(event)
    ]
    assert times == ["07 02:30", "14 03:30", "21 02:30"]
    spring = recurrence.occurrence_on(event, date(2027, 3, 14))
    assert spring.ends_at - spring.starts_at == timedelta(hours=1)


def test_exceptions_skip_dates_of_a_series(make_event):
    event = make_event(
        starts_local=datetime(2030, 1, 1, 18), ends_local=datetime(2030, 1, 1, 19),
        repeats="weekly", repeats_until=date(2030, 1, 29), exceptions=[date(2030, 1, 15)],
    )  # fmt: skip
    days = [o.day.isoformat() for o in recurrence.occurrences(event)]
    assert days == ["2030-01-01", "2030-01-08", "2030-01-22", "2030-01-29"]
    assert event.last_ends_at == recurrence.occurrences(event)[-1].ends_at


def test_monthly_on_the_31st_skips_short_months(make_event):
    event = make_event(
        starts_local=datetime(2030, 1, 31, 18), ends_local=datetime(2030, 1, 31, 19),
        repeats="monthly", repeats_until=date(2030, 5, 31),
    )  # fmt: skip
    assert [o.day.month for o in recurrence.occurrences(event)] == [1, 3, 5]


def _rsvp(event, user, status, day=None):
    day = day or recurrence.occurrences(event)[0].day
    return services.rsvp_set(
        actor=actor_for(user, event.community), event=event, day=day, status=status
    )


def test_capacity_waitlist_and_promotion(make_event, community, member, newcomer):
    event = make_event(capacity=1)
    assert _rsvp(event, member, "going").status == RsvpStatus.GOING
    assert _rsvp(event, newcomer, "going").status == RsvpStatus.WAITLISTED
    _rsvp(event, member, "not_going")
    assert Rsvp.objects.get(event=event, user=newcomer).status == RsvpStatus.GOING
    promoted = InteractionEvent.objects.get(verb="event.promote")
    assert promoted.target_user_id == newcomer.pk


def test_maybe_does_not_take_a_seat(make_event, member, newcomer):
    event = make_event(capacity=1)
    _rsvp(event, member, "maybe")
    assert _rsvp(event, newcomer, "going").status == RsvpStatus.GOING


def test_rsvp_to_a_past_event_is_refused(make_event, member):
    event = make_event()
    with (
        time_machine.travel(event.starts_at + timedelta(minutes=1)),
        pytest.raises(PermissionDenied),
    ):
        _rsvp(event, member, "going")


def test_rsvp_to_a_day_without_an_occurrence_is_refused(make_event, member):
    event = make_event()
    with pytest.raises(ValidationError):
        _rsvp(event, member, "going", day=date(2001, 1, 1))


@pytest.mark.parametrize("who", ["outsider", "banned", "anonymous"])
def test_non_members_cannot_rsvp(make_event, personas, who):
    event = make_event()
    with pytest.raises(PermissionDenied):
        services.rsvp_set(
            actor=actor_for(personas[who], event.community), event=event,
            day=recurrence.occurrences(event)[0].day, status="going",
        )  # fmt: skip


def test_nobody_rsvps_to_an_event_they_cannot_see(make_event, community, owner, member):
    staff_only = Category.objects.create(
        community=community, name="Staff room", slug="staff-room", read_access=ReadAccess.STAFF
    )
    event = make_event(category=staff_only)
    with pytest.raises(PermissionDenied, match="does not exist"):
        _rsvp(event, member, "going")


def test_rsvp_status_must_be_an_answer(make_event, member):
    event = make_event()
    with pytest.raises(ValidationError):
        _rsvp(event, member, "waitlisted")


def test_cancelled_event_takes_no_rsvps(make_event, community, owner, member):
    event = make_event()
    services.event_cancel(actor=actor_for(owner, community), event=event)
    with pytest.raises(PermissionDenied):
        _rsvp(event, member, "going")


def test_only_staff_or_host_edit_and_cancel(make_event, community, member, moderator):
    event = make_event()
    with pytest.raises(PermissionDenied):
        services.event_cancel(actor=actor_for(member, community), event=event)
    services.event_update(
        actor=actor_for(moderator, community), event=event, **event_fields(title="Renamed")
    )
    event.refresh_from_db()
    assert event.title == "Renamed"


def test_attendance_records_an_interaction_per_attendee(make_event, community, owner, member):
    event = make_event()
    _rsvp(event, member, "going")
    day = recurrence.occurrences(event)[0].day
    staff = actor_for(owner, community)
    with pytest.raises(PermissionDenied):  # not started yet
        services.attendance_mark(actor=staff, event=event, day=day, user_ids={member.pk})
    with time_machine.travel(event.ends_at + timedelta(hours=1)):
        with pytest.raises(PermissionDenied):
            services.attendance_mark(
                actor=actor_for(member, community), event=event, day=day, user_ids={member.pk}
            )
        came = {member.pk}
        assert services.attendance_mark(actor=staff, event=event, day=day, user_ids=came) == 1
        assert services.attendance_mark(actor=staff, event=event, day=day, user_ids=came) == 0
    attend = InteractionEvent.objects.get(verb="event.attend")
    assert attend.actor_id == member.pk and attend.data["occurrence"] == day.isoformat()


def test_rsvp_with_many_members_never_exceeds_capacity_sequentially(make_event, community):
    event = make_event(capacity=3)
    users = [membership_factory(community, user=user_factory()).user for _ in range(6)]
    for user in users:
        _rsvp(event, user, "going")
    statuses = list(Rsvp.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count(RsvpStatus.GOING) == 3
    assert statuses.count(RsvpStatus.WAITLISTED) == 3


def test_raising_the_capacity_promotes_the_waitlist(make_event, community, owner, member, newcomer):
    event = make_event(capacity=1)
    _rsvp(event, member, "going")
    _rsvp(event, newcomer, "going")
    services.event_update(actor=actor_for(owner, community), event=event,
                          **event_fields(capacity=2))  # fmt: skip
    assert Rsvp.objects.get(event=event, user=newcomer).status == RsvpStatus.GOING


def test_the_host_earns_event_host_when_members_come(make_event, community, owner, member):
    from hearth.recognition import awards
    from hearth.recognition.models import BadgeGrant

    event = make_event()
    _rsvp(event, member, "going")
    day = recurrence.occurrences(event)[0].day
    with time_machine.travel(event.ends_at + timedelta(hours=1)):
        services.attendance_mark(
            actor=actor_for(owner, community), event=event, day=day, user_ids={member.pk}
        )
    awards.award_automatic(community, {"event-host": {owner.pk, member.pk}})
    holders = set(
        BadgeGrant.objects.filter(badge__code="event-host").values_list("user_id", flat=True)
    )
    assert holders == {owner.pk}
