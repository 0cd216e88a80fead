"""The demo's support deflection: people reading the solved questions of the history
(signed-out visitors, and members other than the asker), from the day each was asked,
more after the answer and fading with age, so the Benefits tab has a story. A stream of
its own keeps the rest of the seeded demo unchanged."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from hearth.audience.recording import PageView, visitor_hash
from hearth.audience.services import page_views_save
from hearth.benefits import services
from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.qa.models import Question

# How often a question is found, in views per day in its first weeks: most get a few, a
# handful become the community's well-known answers.
POPULARITY = [0, 1, 1, 2, 2, 3, 4, 6, 10, 16]


def populate(community: Community, owner, *, start: date, end: date, seed: int) -> None:
    rng = random.Random(f"benefits-{seed}")
    views = []
    questions = Question.objects.filter(community=community).order_by("asked_at", "topic_id")
    for topic_id, asked_at, accepted_at in questions.values_list(
        "topic_id", "asked_at", "accepted_at"
    ):
        popularity = rng.choice(POPULARITY)
        day = max(asked_at.date(), start)
        while day <= end:
            age = (day - asked_at.date()).days
            solved = accepted_at is not None and day >= accepted_at.date()
            rate = popularity * (1.0 if solved else 0.3) / (1 + age / 45)
            for n in range(_draw(rng, rate)):
                identity = f"a:demo-q-{day}-{topic_id}-{n}"
                views.append(
                    PageView(
                        community.pk,
                        day,
                        visitor_hash(community.pk, identity),
                        rng.choice(["google.com", "", "", "bing.com"]) if n == 0 else "",
                        "",
                        "",
                        topic_id,
                        0,
                    )
                )
            day += timedelta(days=1)
    page_views_save(views)
    services.benefit_settings_update(
        actor=Actor.for_user(owner, community),
        ticket_share_percent=Decimal("4"),
        ticket_cost=Decimal("22"),
        currency="EUR",
    )


def _draw(rng: random.Random, rate: float) -> int:
    """A whole number of views with ``rate`` as its mean."""
    whole = int(rate)
    return whole + (1 if rng.random() < rate - whole else 0)
