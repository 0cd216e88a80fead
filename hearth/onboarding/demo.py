"""Demo data for welcoming newcomers: a welcome message, a pinned guide, a four-step
checklist (some members have finished it) and a few welcomers, written through the
services."""

from __future__ import annotations

import random

from hearth.accounts.models import User
from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.discussions import services as discussion_services
from hearth.discussions.models import Category
from hearth.onboarding import services

WELCOME = """Welcome to **{name}**, we're glad you're here!

A few things to get you started:

- Read the pinned guide, *Start here*: it explains how things work.
- Say hello in **Introductions**: what you shoot, with what, and what you'd like to learn.
- Ask anything. There are no silly questions, and someone usually answers within the hour.

See you in the discussions!"""

GUIDE_TITLE = "Start here: how {name} works"
GUIDE = """This is a community of people helping each other, not a support desk.

1. **Search first**, then ask: your question may already have an answer.
2. **Questions** get accepted answers; mark the one that solved it for you.
3. **Ideas** are where product suggestions go; vote for the ones you want.
4. Be kind to newcomers: we were all new once. Opt in as a *welcomer* to greet first posts.

Staff are marked with a badge next to their name: ping them with @ if something's wrong."""

WELCOMERS = 5
GUIDE_READ_SHARE = 0.6


def populate(
    community: Community, staff_user: User, people: list[User], rng: random.Random
) -> None:
    """``staff_user`` is an owner or admin of ``community``; ``people`` are its members."""
    staff = Actor.for_user(staff_user, community)
    services.welcome_message_save(
        actor=staff,
        body=WELCOME.format(name=community.name),
        show_on_first_visit=True,
        send_as_message=True,
        sender=staff_user,
    )
    guide = discussion_services.topic_create(
        actor=staff,
        category=Category.objects.get(community=community, slug="general"),
        title=GUIDE_TITLE.format(name=community.name),
        body=GUIDE,
    )
    discussion_services.topic_set_state(actor=staff, topic=guide, pinned=True)
    services.checklist_item_add(actor=staff, kind="profile")
    if services.introductions_category(community) is not None:
        services.checklist_item_add(actor=staff, kind="introduce")
    services.checklist_item_add(actor=staff, kind="read_guide", topic=guide)
    services.checklist_item_add(actor=staff, kind="reply")

    members = [Actor.for_user(user, community) for user in people]
    members = [actor for actor in members if actor.is_member]
    for actor in rng.sample(members, k=min(WELCOMERS, len(members))):
        services.welcomer_opt_in(actor=actor)
    for actor in members:
        if rng.random() < GUIDE_READ_SHARE:
            discussion_services.topic_mark_read(actor=actor, topic=guide, number=1)
            services.checklist_record_completion(community=community, user=actor.user)
