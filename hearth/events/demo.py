"""Events in the demo data: two past meet-ups (with RSVPs and attendance marked) and
upcoming ones (a photo walk with a waitlist, a weekly online night-sky session with a
skipped date, a webinar), each written at its moment by time travel through the services,
so a seed always gives the same story relative to the history."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import time_machine
from django.utils import timezone

from hearth.accounts.models import User
from hearth.communities.models import Community, Membership, MembershipStatus
from hearth.communities.policy import can_participate
from hearth.core.actor import Actor
from hearth.discussions.models import Category
from hearth.events import recurrence, services
from hearth.recognition import awards

ZONE = "Europe/Amsterdam"
PAST = [
    # (days before today, title, description, place, capacity)
    (
        40, "Spring photo walk in the old harbour",
        "Golden hour along the quays. Bring a wide lens and comfortable shoes; we end at "
        "the café on Pier 3 to look at each other's shots.",
        "Old harbour, Pier 1 steps", 15,
    ),
    (
        9, "Sensor cleaning workshop",
        "Hands-on: how to clean your Lumen's sensor safely, with swabs and a loupe. Staff "
        "bring spare kits.",
        "Lumen Store, back room", 8,
    ),
]  # fmt: skip


def _local(day, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def _create(staff: Actor, category: Category, *, start: datetime, hours: float, **fields):
    return services.event_create(
        actor=staff, category=category,
        **{
            "description": "", "location": "", "online_url": "", "capacity": None,
            "repeats": "", "repeats_until": None, "exceptions": [], **fields,
            "starts_local": start, "ends_local": start + timedelta(hours=hours),
            "time_zone": ZONE,
        },
    )  # fmt: skip


def _answer(event, day, members: list[Membership], statuses: list[str]) -> list[User]:
    going = []
    for membership, status in zip(members, statuses, strict=False):
        services.rsvp_set(
            actor=Actor(membership.user, event.community, membership), event=event, day=day,
            status=status,
        )  # fmt: skip
        if status == "going":
            going.append(membership.user)
    return going


def populate(community: Community, owner: User, rng: random.Random) -> None:
    """Call at the demo's "today" (the start of the day, frozen)."""
    today = timezone.now()
    staff = Actor.for_user(owner, community)
    general = Category.objects.get(community=community, slug="general")

    def members_by(moment):
        """Members who had joined by then and may take part now (not suspended)."""
        found = (
            Membership.objects.filter(
                community=community, status=MembershipStatus.ACTIVE, joined_at__lt=moment
            )
            .exclude(user=owner)
            .select_related("user", "community")
            .order_by("joined_at", "pk")
        )
        return [m for m in found if can_participate(Actor(m.user, community, m))]

    # The past events fall inside the history however short it is, and are announced no
    # earlier than the day after the community began.
    length = (today - community.created_at).days
    for days_before, title, description, place, capacity in PAST:
        days_before = min(days_before, int(length * 0.7))
        day = (today - timedelta(days=days_before)).date()
        start = _local(day, 18, 30)
        announced = max(
            today - timedelta(days=days_before + 12), community.created_at + timedelta(days=1)
        )
        with time_machine.travel(announced, tick=False):
            event = _create(staff, general, start=start, hours=2, title=title,
                            description=description, location=place, capacity=capacity)  # fmt: skip
        occurrence = recurrence.occurrences(event)[0]
        with time_machine.travel(occurrence.starts_at - timedelta(days=3), tick=False):
            pool = members_by(timezone.now())
            chosen = rng.sample(pool, k=min(len(pool), capacity + 4))
            statuses = [rng.choice(["going", "going", "going", "maybe"]) for _ in chosen]
            going = _answer(event, occurrence.day, chosen, statuses)
        with time_machine.travel(occurrence.ends_at + timedelta(hours=2), tick=False):
            came = {u.pk for u in going if rng.random() < 0.8}
            services.attendance_mark(actor=staff, event=event, day=occurrence.day, user_ids=came)

    # The host earns "Event host" from the attendance just marked (as the worker would).
    awards.award_automatic(community, {"event-host": {owner.pk}})

    pool = members_by(today)
    walk_day = (today + timedelta(days=4)).date()
    walk = _create(
        staff, general, start=_local(walk_day, 9), hours=3, capacity=6,
        title="Autumn colours walk in the botanical garden",
        description="A slow walk for **macro and leaf** photography. Six places: the "
        "garden limits group sizes. A waitlist opens when it is full.",
        location="Botanical garden, main gate",
    )  # fmt: skip
    chosen = rng.sample(pool, k=min(len(pool), 9))
    _answer(walk, walk_day, chosen, ["going"] * 8 + ["maybe"])

    sky_day = (today + timedelta(days=2)).date()
    sky = _create(
        staff, general, start=_local(sky_day, 21), hours=1.5,
        title="Night-sky session (online)",
        description="Every week we pick a target, share settings and look at results "
        "together. Beginners welcome.",
        online_url="https://meet.example.org/lumen-night-sky", repeats="weekly",
        repeats_until=sky_day + timedelta(weeks=7), exceptions=[sky_day + timedelta(weeks=3)],
    )  # fmt: skip
    chosen = rng.sample(pool, k=min(len(pool), 5))
    _answer(sky, sky_day, chosen, ["going", "going", "maybe", "going", "not_going"])

    qa_day = (today + timedelta(days=10)).date()
    webinar = _create(
        staff, general, start=_local(qa_day, 17), hours=1, capacity=100,
        title="Firmware 3.0 Q&A webinar",
        description="The product team walks through what is new in firmware 3.0 and answers "
        "your questions live.",
        online_url="https://meet.example.org/lumen-firmware-3",
    )  # fmt: skip
    chosen = rng.sample(pool, k=min(len(pool), 7))
    _answer(webinar, qa_day, chosen, ["going"] * 6 + ["maybe"])
