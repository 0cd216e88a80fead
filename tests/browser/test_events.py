"""Events in headless Chromium: staff create an event with one seat; Ada takes it and
Bruno joins the waitlist; Ada cancels and Bruno is promoted; Ada asks again and waits until
staff raise the capacity; the worker's reminder task (run here with the clock moved
forward) then reminds both, a day and an hour before, by notification and email, once."""

import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

import time_machine  # noqa: E402
from django.core import mail  # noqa: E402
from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from hearth.events import reminders  # noqa: E402
from hearth.events.models import Event, Rsvp, RsvpStatus  # noqa: E402
from hearth.notifications import emails, fanout  # noqa: E402
from hearth.notifications.models import Kind, Notification, OutboxEmail  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    community_factory,
    membership_factory,
    user_factory,
)

from .pages import sign_in  # noqa: E402

pytestmark = pytest.mark.browser

SLUG = "walkers"
TITLE = "Evening walk by the river"
ZONE = "Europe/Berlin"


@pytest.fixture
def club(db):
    owner = user_factory(username="olivia", time_zone=ZONE)
    community = community_factory(owner=owner, slug=SLUG, name="River Walkers")
    ada = membership_factory(
        community, user=user_factory(username="ada", time_zone="America/New_York"), trust_level=1
    ).user
    bruno = membership_factory(
        community, user=user_factory(username="bruno", time_zone=ZONE), trust_level=1
    ).user
    return community, owner, ada, bruno


def signed_in(new_context, base, username):
    page = new_context().new_page()
    sign_in(page, base, username, PASSWORD)
    return page


def rsvp_card(page):
    return page.locator("#rsvp")


def _deliver(community):
    fanout.process(community, lag=timedelta(0))
    for row in OutboxEmail.objects.filter(sent_at__isnull=True, dropped_at__isnull=True):
        emails.send_outbox(row.pk)


def test_capacity_waitlist_promotion_and_reminders(live_server, new_context, shot_both, club):
    community, owner, ada, bruno = club
    base = live_server.url
    start = (timezone.now() + timedelta(days=3)).astimezone(ZoneInfo(ZONE))
    day = start.strftime("%Y-%m-%d")

    # Staff create the event through the form.
    staff = signed_in(new_context, base, "olivia")
    staff.goto(f"{base}/c/{SLUG}/events/")
    expect(staff.get_by_text("No upcoming events.")).to_be_visible()
    staff.get_by_role("link", name="New event").first.click()
    staff.get_by_label("Title").fill(TITLE)
    staff.get_by_label("Description").fill("We meet at the **old bridge** and walk 5 km.")
    staff.get_by_label("Starts").fill(f"{day}T18:30")
    staff.get_by_label("Ends").fill(f"{day}T20:00")
    staff.get_by_label("Time zone").select_option(ZONE)
    staff.get_by_label("Place").fill("Old bridge, north side")
    staff.get_by_label("Capacity").fill("1")
    shot_both(staff, "events-new")
    staff.get_by_role("button", name="Create the event").click()
    expect(staff.get_by_role("heading", name=TITLE)).to_be_visible()
    event = Event.objects.get(title=TITLE)
    assert event.topic.title == TITLE and event.capacity == 1
    event_url = staff.url

    # Ada takes the only seat (htmx swaps the card in place).
    ada_page = signed_in(new_context, base, "ada")
    ada_page.goto(event_url)
    rsvp_card(ada_page).get_by_role("button", name="Going", exact=True).click()
    expect(rsvp_card(ada_page).get_by_text("You are going.")).to_be_visible()
    # Ada reads New York time, with the event's own time beside it.
    expect(ada_page.locator(".event__when")).to_contain_text("Europe/Berlin")

    # Bruno finds it full and joins the waitlist.
    bruno_page = signed_in(new_context, base, "bruno")
    bruno_page.goto(event_url)
    rsvp_card(bruno_page).get_by_role("button", name="Join the waitlist").click()
    expect(bruno_page.get_by_test_id("waitlist-position")).to_contain_text("number 1")
    shot_both(bruno_page, "events-waitlist")

    # Ada cancels: Bruno is promoted at once.
    rsvp_card(ada_page).get_by_role("button", name="Cancel my RSVP").click()
    expect(rsvp_card(ada_page).get_by_text("You are not going.")).to_be_visible()
    bruno_page.reload()
    expect(rsvp_card(bruno_page).get_by_text("You are going.")).to_be_visible()

    # Ada changes her mind, waits, and staff add a seat: she is promoted too.
    ada_page.reload()
    rsvp_card(ada_page).get_by_role("button", name="Join the waitlist").click()
    expect(ada_page.get_by_test_id("waitlist-position")).to_be_visible()
    staff.goto(event_url)
    staff.get_by_role("link", name="Edit").click()
    staff.get_by_label("Capacity").fill("2")
    staff.get_by_role("button", name="Save").click()
    expect(staff.get_by_text("Event saved.")).to_be_visible()
    going = Rsvp.objects.filter(event=event, status=RsvpStatus.GOING)
    assert set(going.values_list("user_id", flat=True)) == {ada.pk, bruno.pk}
    shot_both(staff, "events-detail")

    # The list, the month and the community home show it.
    staff.goto(f"{base}/c/{SLUG}/events/")
    expect(staff.get_by_role("link", name=TITLE)).to_be_visible()
    shot_both(staff, "events-list")
    staff.goto(f"{base}/c/{SLUG}/events/month/?m={start.strftime('%Y-%m')}")
    expect(staff.locator(".month__event", has_text=TITLE)).to_be_visible()
    shot_both(staff, "events-month")
    staff.goto(f"{base}/c/{SLUG}/")
    expect(staff.locator("#events-heading")).to_be_visible()
    expect(staff.locator(".home-events").get_by_role("link", name=TITLE)).to_be_visible()
    shot_both(staff, "events-home")

    # The worker's reminders, with the clock moved forward: once each, to both.
    mail.outbox.clear()
    starts_at = event.starts_at
    for moment in (starts_at - timedelta(hours=23), starts_at - timedelta(minutes=50)):
        with time_machine.travel(moment):
            assert reminders.send_due() == 1
            assert reminders.send_due() == 0
            _deliver(community)
            _deliver(community)
    for user in (ada, bruno):
        kinds = Notification.objects.filter(recipient=user, kind=Kind.EVENT_REMINDER)
        assert sorted(n.data["kind"] for n in kinds) == ["day", "hour"]
        inbox = [m.subject for m in mail.outbox if user.email in m.to]
        assert len([s for s in inbox if "starts" in s]) == 2, inbox
        assert Notification.objects.filter(recipient=user, kind=Kind.EVENT_SEAT).count() == 1
    bruno_page.goto(f"{base}/notifications/")
    expect(bruno_page.get_by_text(f"“{TITLE}” starts in an hour")).to_be_visible()
    expect(bruno_page.get_by_text(f"“{TITLE}” starts within a day")).to_be_visible()
    shot_both(bruno_page, "events-reminders")


def test_visitor_sees_local_time_script_and_no_rsvp(live_server, new_context, club):
    community, owner, ada, bruno = club
    from hearth.discussions.models import Category
    from hearth.events import services
    from hearth.testing.factories import actor_for

    event = services.event_create(
        actor=actor_for(owner, community),
        category=Category.objects.get(community=community, slug="general"),
        title="Open day", description="", starts_local=datetime(2031, 6, 1, 10),
        ends_local=datetime(2031, 6, 1, 12), time_zone=ZONE, location="Park",
        online_url="", capacity=None, repeats="", repeats_until=None, exceptions=[],
    )  # fmt: skip
    page = new_context(timezone_id="Asia/Tokyo").new_page()
    page.goto(f"{live_server.url}/c/{SLUG}/events/{event.pk}/")
    expect(page.locator(".event__when .event-local")).to_contain_text("Asia/Tokyo")
    expect(page.get_by_role("link", name="Sign in to RSVP")).to_be_visible()
