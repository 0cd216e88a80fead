"""Moderation in the demo data, all through the services: a few watched words, a reply held
by one of them, a reply three members flagged (hidden pending review), a reply flagged once
(still visible, in the queue), and a member a moderator suspended after a hidden post, who
appealed. The review queue of the demo community shows each kind of item."""

from __future__ import annotations

import random
from datetime import timedelta

import time_machine
from django.utils import timezone

from hearth.accounts.models import User
from hearth.communities.models import Community, Membership, MembershipStatus, Role
from hearth.core.actor import Actor
from hearth.discussions import policy as discussion_policy
from hearth.discussions import services as discussion_services
from hearth.discussions.models import Post, ReadAccess, Topic
from hearth.moderation import policy as moderation_policy
from hearth.moderation import services, watched_words
from hearth.moderation.models import FlagReason, PostReview, SanctionKind, WatchedAction

WATCHED = [
    (WatchedAction.BLOCK, "buy followers\ncheap likes"),
    (WatchedAction.CENSOR, "crap\nidiot*"),
    (WatchedAction.REQUIRE_APPROVAL, "whatsapp\ndiscount code"),
    (WatchedAction.FLAG, "dm me"),
]
HELD = (
    "Selling my spare 35mm prime, barely used. Message me on WhatsApp and I'll send a "
    "discount code for the Lumen store too."
)
HIDDEN = (
    "Honestly, if you still shoot JPEG you have no business calling yourself a photographer. "
    "Learn the basics before wasting everyone's time here."
)
OFF_TOPIC = "Anyone watching the match tonight? Way more exciting than lens talk."
SUSPENDED_POST = (
    "This is the third time I've asked and nobody here knows anything. Useless forum, "
    "useless camera, useless people."
)
RULE_KIND = "Be kind. Disagree with ideas, never attack people."  # rule 1 of the demo rules
STORY_HOURS = timedelta(hours=7)  # the last step is at 6 hours


def _step(at, minutes: int):
    return time_machine.travel(at + timedelta(minutes=minutes), tick=False)


def _members_by_level(community: Community, people: list[User]) -> list[Membership]:
    """Active members, lowest trust level first (their flags weigh the least), then by
    when they joined: the same order for a seed."""
    return list(
        Membership.objects.filter(
            community=community,
            user__in=people,
            status=MembershipStatus.ACTIVE,
            role=Role.MEMBER,
            trust_level__lt=4,
        )
        .select_related("user")
        .order_by("trust_level", "joined_at", "pk")
    )


def populate(
    community: Community, owner: User, moderator: User, people: list[User], rng: random.Random
) -> None:
    owner_actor = Actor.for_user(owner, community)
    moderator_actor = Actor.for_user(moderator, community)
    for action, words in WATCHED:
        watched_words.watched_words_add(actor=owner_actor, text=words, action=action)
    members = _members_by_level(community, people)
    if len(members) < 7:
        return
    # The story takes the evening before "now" (the caller's today's start), on topics quiet
    # since then: never in the future, never before the topic it replies to.
    start = timezone.now() - STORY_HOURS
    authors, flaggers = members[:3], members[3:]
    flaggers = rng.sample(flaggers, k=min(len(flaggers), 4))
    topics = list(
        Topic.objects.filter(
            community=community,
            deleted_at__isnull=True,
            merged_into__isnull=True,
            is_closed=False,
            category__read_access=ReadAccess.EVERYONE,
            last_posted_at__lt=start,
        )
        .select_related("category")
        .order_by("-last_posted_at", "pk")[:12]
    )
    if not topics:
        return

    def reply(membership: Membership, body: str) -> Post | None:
        actor = Actor(membership.user, community, membership)
        for topic in rng.sample(topics, k=len(topics)):
            if discussion_policy.can_reply(actor, topic):
                return discussion_services.post_reply(actor=actor, topic=topic, body=body)
        return None

    def flag(membership: Membership, post: Post, reason: str, **extra) -> None:
        actor = Actor(membership.user, community, membership)
        # Flags weigh by trust level, so two trusted flaggers can hide the post already:
        # hidden, it is out of the next flagger's sight (trust depends on the day's date).
        post.refresh_from_db()
        if moderation_policy.can_flag_post(actor, post):
            services.flag_create(actor=actor, post=post, reason=reason, **extra)

    # A member's rude reply: three members flag it, it is hidden, a moderator removes it and
    # suspends the author for a week from the queue; the author appeals.
    with _step(start, 10):
        suspended_post = reply(authors[0], SUSPENDED_POST)
    if suspended_post is not None:
        with _step(start, 25):
            for membership in flaggers[:3]:
                flag(membership, suspended_post, FlagReason.RULE, rule=RULE_KIND)
        with _step(start, 60):
            sanction = services.sanction_create(
                actor=moderator_actor,
                membership=authors[0],
                kind=SanctionKind.SUSPEND,
                reason="Insulting other members after a warning. Take a week off.",
                ends_at=timezone.now() + timedelta(days=7),
                review=PostReview.objects.get(post=suspended_post, status="pending"),
            )
        with _step(start, 180):
            services.appeal_create(
                actor=Actor.for_user(authors[0].user, community),
                sanction=sanction,
                text="I was frustrated after a week of failed shots. I'm sorry; it won't "
                "happen again. Could the suspension be shortened?",
            )
    # Hidden by three flags, waiting for a moderator.
    with _step(start, 240):
        hidden = reply(authors[1], HIDDEN)
    if hidden is not None:
        with _step(start, 270):
            for membership in flaggers[:3]:
                flag(membership, hidden, FlagReason.RULE, rule=RULE_KIND)
    # Flagged once: still visible, in the queue.
    with _step(start, 300):
        off_topic = reply(authors[2], OFF_TOPIC)
    if off_topic is not None:
        with _step(start, 320):
            flag(flaggers[3 % len(flaggers)], off_topic, FlagReason.OFF_TOPIC)
    # Held by a "require approval" word.
    with _step(start, 360):
        reply(authors[1], HELD)
