"""Digests: per member per community, daily or weekly, what happened since the last one —
popular topics, answered questions, new ideas, newcomers to welcome, and the member's own
notifications on the digest channel. Only what the member may read; none is sent when
there is nothing new.

:func:`queue` writes one outbox row per subscriber and period (unique, so a period is
queued once); the content is gathered when the email is sent (``digest_message``), so it
reflects what the member may read then."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities.models import Membership, MembershipStatus
from hearth.core.actor import Actor
from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import CategoryKind, Topic
from hearth.notifications import display, emails, policy
from hearth.notifications.models import (
    Channel,
    DigestFrequency,
    DigestSubscription,
    OutboxEmail,
    OutboxKind,
)

PERIOD = {DigestFrequency.DAILY: timedelta(days=1), DigestFrequency.WEEKLY: timedelta(days=7)}
ITEMS = 5


@dataclass
class Digest:
    since: datetime
    popular: list = field(default_factory=list)
    answered: list = field(default_factory=list)
    ideas: list = field(default_factory=list)
    newcomers: list = field(default_factory=list)
    notifications: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.popular or self.answered or self.ideas or self.newcomers or self.notifications
        )


def _default_frequency() -> str:
    value = settings.HEARTH_DIGEST_DEFAULT
    return value if value in DigestFrequency.values else DigestFrequency.WEEKLY


def subscribers(community, frequency: str):
    """Active members with an address whose digest comes at ``frequency``."""
    chosen = DigestSubscription.objects.filter(community=community)
    members = Membership.objects.filter(
        community=community, status=MembershipStatus.ACTIVE, user__is_active=True
    ).exclude(user__email="")
    if frequency == _default_frequency():
        return members.exclude(
            user_id__in=chosen.exclude(frequency=frequency).values("user_id")
        ).values_list("user_id", flat=True)
    return members.filter(
        user_id__in=chosen.filter(frequency=frequency).values("user_id")
    ).values_list("user_id", flat=True)


def queue(frequency: str, period_key: str, *, now: datetime) -> int:
    """Write this period's digest rows for every community; returns how many were new."""
    from hearth.communities.models import Community
    from hearth.notifications.tasks import send_outbox_email

    created_ids = []
    for community in Community.objects.all().iterator():
        for user_id in subscribers(community, frequency).iterator():
            row, created = OutboxEmail.objects.get_or_create(
                kind=OutboxKind.DIGEST, recipient_id=user_id, community=community,
                period_key=period_key, defaults={"send_after": now},
            )  # fmt: skip
            if created:
                created_ids.append(row.pk)
    transaction.on_commit(lambda: [send_outbox_email.enqueue(pk) for pk in created_ids])
    return len(created_ids)


def gather(user, community, *, since: datetime, now: datetime) -> Digest:
    membership = Membership.objects.filter(community=community, user=user).first()
    actor = Actor(user=user, community=community, membership=membership)
    digest = Digest(since=since)
    if not actor.is_member:
        return digest
    topics = discussion_policy.visible_topics(actor, community).select_related("category")
    digest.popular = list(
        topics.filter(last_posted_at__gte=since, post_count__gt=1)
        .exclude(category__kind=CategoryKind.IDEAS)
        .order_by("-post_count", "-last_posted_at")[:ITEMS]
    )
    digest.answered = list(
        topics.filter(question__accepted_at__gte=since).order_by("-question__accepted_at")[:ITEMS]
    )
    digest.ideas = list(
        topics.filter(category__kind=CategoryKind.IDEAS, created_at__gte=since).order_by(
            "-created_at"
        )[:ITEMS]
    )
    digest.newcomers = list(
        Membership.objects.filter(
            community=community, status=MembershipStatus.ACTIVE, joined_at__gte=since
        )
        .exclude(user=user)
        .select_related("user")
        .order_by("-joined_at")[:ITEMS]
    )
    digest.notifications = list(
        policy.visible_notifications(user, community)
        .filter(channel=Channel.DIGEST, read_at__isnull=True, created_at__gte=since)
        .select_related("actor", "topic", "community")
        .order_by("-created_at")[: ITEMS * 2]
    )
    return digest


def _since(row: OutboxEmail, now: datetime) -> datetime:
    frequency = row.period_key.split(":", 1)[0]
    fallback = now - PERIOD.get(frequency, PERIOD[DigestFrequency.WEEKLY])
    last = (
        DigestSubscription.objects.filter(user=row.recipient, community=row.community)
        .values_list("last_sent_at", flat=True)
        .first()
    )
    return max(last, fallback) if last else fallback


def digest_message(row: OutboxEmail):
    """The digest email for this outbox row, or None when there is nothing new."""
    now = timezone.now()
    community, user = row.community, row.recipient
    digest = gather(user, community, since=_since(row, now), now=now)
    if digest.is_empty:
        return None
    slug = community.slug

    def topic_url(topic: Topic) -> str:
        return emails.absolute(reverse("discussions:topic", args=[slug, topic.slug, topic.pk]))

    context = {
        "digest": digest,
        "popular": [(t, topic_url(t)) for t in digest.popular],
        "answered": [(t, topic_url(t)) for t in digest.answered],
        "ideas": [(t, topic_url(t)) for t in digest.ideas],
        "newcomers": [
            (m.user, emails.absolute(reverse("communities:profile", args=[slug, m.user.username])))
            for m in digest.newcomers
        ],
        "notifications": [
            (display.sentence(n), emails.absolute(reverse("notifications:open", args=[n.pk])))
            for n in digest.notifications
        ],
    }
    return emails.branded_message(
        user=user,
        community=community,
        topic=emails.DIGEST,
        subject=_("What's new in %(community)s") % {"community": community.name},
        template="notifications/email/digest",
        context=context,
    )


def mark_sent(row: OutboxEmail) -> None:
    DigestSubscription.objects.update_or_create(
        user=row.recipient,
        community=row.community,
        defaults={"last_sent_at": row.sent_at},
        create_defaults={
            "last_sent_at": row.sent_at,
            "frequency": row.period_key.split(":", 1)[0],
        },
    )
