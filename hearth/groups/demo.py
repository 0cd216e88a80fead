"""Demo groups: a public one anyone reads ("Berlin photowalks", open), a private but
listed one ("Firmware beta testers", on request, with a request waiting) and a secret one
("Lumen ambassadors", by invitation, with an invitation waiting). All written through the
services, so their events exist as they would for real members; deterministic for a seed."""

from __future__ import annotations

import random

from hearth.accounts.models import User
from hearth.communities import policy as community_policy
from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.discussions import services as discussions
from hearth.groups import services
from hearth.groups.models import JoinPolicy, Visibility

GROUPS = [
    (
        "Berlin photowalks",
        Visibility.PUBLIC,
        JoinPolicy.OPEN,
        "Monthly walks around **Berlin** with a Lumen in hand. Everyone is welcome.",
        [("Next walk: Tempelhofer Feld at golden hour", "Meet at the north entrance, 18:30.")],
    ),
    (
        "Firmware beta testers",
        Visibility.PRIVATE,
        JoinPolicy.REQUEST,
        "Early firmware builds. *What is said here stays here until release.*",
        [
            ("Build 4.2-rc1: autofocus hunting in low light", "Anyone else seeing this?"),
            ("Battery drain with Wi-Fi off", "Lost 20% overnight on 4.2-rc1."),
        ],
    ),
    (
        "Lumen ambassadors",
        Visibility.SECRET,
        JoinPolicy.INVITE,
        "Planning meet-ups and the next photo challenge before they are announced.",
        [("Summer challenge theme shortlist", "Reflections, Night markets, Hands at work.")],
    ),
]


def populate(community: Community, owner: User, people: list[User], rng: random.Random) -> None:
    # Members in good standing only (the moderation demo suspends and silences some).
    able = [u for u in people if community_policy.can_participate(Actor.for_user(u, community))]
    if len(able) < 8:
        return
    chosen = rng.sample(able, k=8)
    owner_actor = Actor.for_user(owner, community)
    for index, (name, visibility, join_policy, description, topics) in enumerate(GROUPS):
        group = services.group_create(
            actor=owner_actor, name=name, visibility=visibility, join_policy=join_policy,
            description=description,
        )  # fmt: skip
        members = chosen[index * 2 : index * 2 + 3]
        for user in members:
            services.group_invite(actor=owner_actor, group=group, username=user.username)
            services.group_join(actor=Actor.for_user(user, community), group=group)
        category = group.categories.get()
        for (title, body), author in zip(topics, members, strict=False):
            discussions.topic_create(
                actor=Actor.for_user(author, community), category=category, title=title, body=body
            )
        if join_policy == JoinPolicy.REQUEST:
            services.group_join(actor=Actor.for_user(chosen[0], community), group=group)
        if join_policy == JoinPolicy.INVITE:
            services.group_invite(actor=owner_actor, group=group, username=chosen[7].username)
