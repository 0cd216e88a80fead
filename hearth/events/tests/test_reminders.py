"""Reminders a day and an hour before, through the event log and notifications: each
member going gets each reminder once, as a notification and an email."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from hearth.core.models import InteractionEvent
from hearth.discussions.models import Category, ReadAccess
from hearth.events import recurrence, reminders, services
from hearth.events.models import ReminderSent
from hearth.notifications import display, emails, fanout, selectors
from hearth.notifications.models import Kind, Notification, OutboxEmail
from hearth.testing.factories import actor_for

pytestmark = pytest.mark.django_db


def _going(event, *users, status="going"):
    day = recurrence.occurrences(event)[0].day
    for user in users:
        services.rsvp_set(actor=actor_for(user, event.community), event=event, day=day,
                          status=status)  # fmt: skip


def _deliver(community):
    fanout.process(community, lag=timedelta(0))
    for row in OutboxEmail.objects.filter(sent_at__isnull=True, dropped_at__isnull=True):
        emails.send_outbox(row.pk)


def test_day_and_hour_reminders_go_out_once_each(make_event, community, member, newcomer, admin):
    event = make_event()
    _going(event, member, newcomer)
    _going(event, admin, status="not_going")
    start = event.starts_at
    with time_machine.travel(start - timedelta(days=2)):
        assert reminders.send_due() == 0
    with time_machine.travel(start - timedelta(hours=23)):
        assert reminders.send_due() == 1
        assert reminders.send_due() == 0  # a second tick decides nothing again
        _deliver(community)
        _deliver(community)
    with time_machine.travel(start - timedelta(minutes=50)):
        assert reminders.send_due() == 1
        assert reminders.send_due() == 0
        _deliver(community)
    with time_machine.travel(start + timedelta(minutes=5)):
        assert reminders.send_due() == 0
    for user in (member, newcomer):
        rows = Notification.objects.filter(recipient=user, kind=Kind.EVENT_REMINDER)
        assert sorted(n.data["kind"] for n in rows) == ["day", "hour"]
        assert len([m for m in mail.outbox if user.email in m.to]) == 2
        url = selectors.target_url(rows.first())
        assert url.startswith(f"/c/garden/events/{event.pk}/?on=")
    assert not Notification.objects.filter(recipient=admin).exists()
    sentences = {display.sentence(n) for n in Notification.objects.filter(recipient=member)}
    assert sentences == {"“Seed swap” starts within a day", "“Seed swap” starts in an hour"}
    assert ReminderSent.objects.count() == 2


def test_a_missed_day_reminder_is_not_sent_after_the_hour_one_is_due(make_event, member):
    event = make_event()
    _going(event, member)
    with time_machine.travel(event.starts_at - timedelta(minutes=30)):
        assert reminders.send_due() == 1
    assert list(ReminderSent.objects.values_list("kind", flat=True)) == ["hour"]


def test_cancelled_events_send_no_reminders(make_event, community, owner, member):
    event = make_event()
    _going(event, member)
    services.event_cancel(actor=actor_for(owner, community), event=event)
    with time_machine.travel(event.starts_at - timedelta(minutes=30)):
        assert reminders.send_due() == 0


def test_each_occurrence_of_a_series_gets_its_reminders(make_event, community, member):
    event = make_event(repeats="weekly", repeats_until=(
        recurrence.occurrences(make_event())[0].day + timedelta(days=14)))  # fmt: skip
    days = recurrence.occurrences(event)
    assert len(days) == 3
    for occurrence in days[:2]:
        services.rsvp_set(actor=actor_for(member, community), event=event, day=occurrence.day,
                          status="going")  # fmt: skip
        with time_machine.travel(occurrence.starts_at - timedelta(minutes=30)):
            reminders.send_due()
            fanout.process(community, lag=timedelta(0))
    got = Notification.objects.filter(recipient=member, kind=Kind.EVENT_REMINDER)
    assert sorted(n.data["occurrence"] for n in got) == [d.key for d in days[:2]]


def test_no_reminder_to_a_member_who_can_no_longer_read_the_event(make_event, community, member):
    event = make_event()
    _going(event, member)
    staff = Category.objects.create(
        community=community, name="Staff", slug="staff", read_access=ReadAccess.STAFF
    )
    event.topic.category = staff
    event.topic.save()
    with time_machine.travel(event.starts_at - timedelta(minutes=30)):
        reminders.send_due()
        fanout.process(community, lag=timedelta(0))
    assert not Notification.objects.filter(recipient=member).exists()


def test_a_promoted_member_is_told(make_event, community, member, newcomer):
    event = make_event(capacity=1)
    _going(event, member, newcomer)
    _going(event, member, status="not_going")
    fanout.process(community, lag=timedelta(0))
    seat = Notification.objects.get(recipient=newcomer, kind=Kind.EVENT_SEAT)
    assert display.sentence(seat) == "A seat freed up: you are going to “Seed swap”"
    assert InteractionEvent.objects.filter(verb="event.promote").count() == 1


def test_the_scheduler_runs_reminders(make_event, member):
    from hearth.notifications import scheduler

    event = make_event()
    _going(event, member)
    with time_machine.travel(event.starts_at - timedelta(minutes=30)):
        scheduler.run_due()
    assert ReminderSent.objects.filter(event=event, kind="hour").exists()


def test_members_who_answered_are_told_of_a_cancellation(
    make_event, community, owner, member, newcomer, admin
):
    event = make_event(capacity=1)
    _going(event, member, newcomer)  # newcomer waits
    _going(event, admin, status="not_going")
    services.event_cancel(actor=actor_for(owner, community), event=event)
    fanout.process(community, lag=timedelta(0))
    told = Notification.objects.filter(kind=Kind.EVENT_CANCELLED)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["mel", "nico"]
    assert display.sentence(told.first()) == "“Seed swap” is cancelled"
    with time_machine.travel(event.starts_at - timedelta(minutes=30)):
        assert reminders.send_due() == 0
