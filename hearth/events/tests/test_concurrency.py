"""RSVPs racing for the last seats, on PostgreSQL (SQLite serialises writers anyway)."""

import pytest
from django.db import connection

from hearth.events import recurrence, services
from hearth.events.models import Rsvp, RsvpStatus
from hearth.testing.concurrency import race
from hearth.testing.factories import actor_for, membership_factory, user_factory


@pytest.mark.django_db(transaction=True)
def test_concurrent_rsvps_never_exceed_capacity(make_event, community):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the lock matters on PostgreSQL")
    event = make_event(capacity=3)
    day = recurrence.occurrences(event)[0].day
    users = [membership_factory(community, user=user_factory()).user for _ in range(10)]

    def rsvp(user, status="going"):
        return lambda: services.rsvp_set(
            actor=actor_for(user, community), event=event, day=day, status=status
        )

    assert race([rsvp(u) for u in users]) == []
    going = Rsvp.objects.filter(event=event, status=RsvpStatus.GOING)
    assert going.count() == 3
    assert Rsvp.objects.filter(event=event, status=RsvpStatus.WAITLISTED).count() == 7

    # Everyone going cancels at once while the waitlist asks again: still never over.
    leaving = list(going.values_list("user_id", flat=True))
    by_id = {u.pk: u for u in users}
    racers = [rsvp(by_id[uid], "not_going") for uid in leaving]
    racers += [rsvp(u, "maybe") for u in users if u.pk not in leaving][:3]
    assert race(racers) == []
    assert Rsvp.objects.filter(event=event, status=RsvpStatus.GOING).count() == 3
    assert Rsvp.objects.filter(event=event, status=RsvpStatus.WAITLISTED).count() == 1
