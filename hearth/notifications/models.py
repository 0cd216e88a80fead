"""Notifications, each member's preferences for them, and the email outbox.

A :class:`Notification` is made by the worker from the interaction event log (see
``hearth/notifications/fanout.py``); ``group_key`` is unique per recipient, so replaying an
event makes nothing twice and further reactions to one post update one row ("Ana and 4
others reacted")."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core.models import CommunityOwned


class Kind(models.TextChoices):
    MENTION = "mention", _("Someone mentions you")
    REPLY = "reply", _("Someone replies to your post")
    QUOTE = "quote", _("Someone quotes you")
    WATCHED = "watched", _("A reply in a topic or category you watch")
    REACTION = "reaction", _("Reactions to your posts")
    ANSWER = "answer", _("Your question is answered")
    QUESTION_SOLVED = "question_solved", _("An answer to your question is accepted")
    ANSWER_ACCEPTED = "answer_accepted", _("Your answer is accepted")
    IDEA_STATUS = "idea_status", _("An idea you proposed or voted for changes status")
    BADGE = "badge", _("You receive a badge")
    JOIN_DECISION = "join_decision", _("Your request to join is approved or declined")
    MESSAGE = "message", _("A direct message")
    FIRST_POST_REPLY = "first_post_reply", _("A reply to your first post")
    MODERATION = "moderation", _("A moderation decision about you or your flag")
    EVENT_REMINDER = "event_reminder", _("An event you are going to starts soon")
    EVENT_SEAT = "event_seat", _("A seat frees up for an event you are waiting for")
    EVENT_CANCELLED = "event_cancelled", _("An event you answered is cancelled")
    PROPOSAL = "proposal", _("A rules proposal you can vote on opens or is decided")
    ELECTION = "election", _("Elections: a nomination for you, your result, a recall")


class Channel(models.TextChoices):
    APP = "app", _("On the site only")
    EMAIL = "email", _("On the site and by email right away")
    DIGEST = "digest", _("On the site and in the digest")
    OFF = "off", _("Off")


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    OFF = "off", _("Never")


# What a member hears through when neither they nor the community chose otherwise; the
# HEARTH_NOTIFICATION_DEFAULTS setting overrides any of these per kind.
BUILT_IN_CHANNELS = {
    Kind.MENTION: Channel.EMAIL,
    Kind.REPLY: Channel.EMAIL,
    Kind.QUOTE: Channel.EMAIL,
    Kind.WATCHED: Channel.DIGEST,
    Kind.REACTION: Channel.APP,
    Kind.ANSWER: Channel.EMAIL,
    Kind.QUESTION_SOLVED: Channel.APP,
    Kind.ANSWER_ACCEPTED: Channel.EMAIL,
    Kind.IDEA_STATUS: Channel.EMAIL,
    Kind.BADGE: Channel.APP,
    Kind.JOIN_DECISION: Channel.EMAIL,
    Kind.MESSAGE: Channel.EMAIL,
    Kind.FIRST_POST_REPLY: Channel.EMAIL,
    Kind.MODERATION: Channel.EMAIL,
    Kind.EVENT_REMINDER: Channel.EMAIL,
    Kind.EVENT_SEAT: Channel.EMAIL,
    Kind.EVENT_CANCELLED: Channel.EMAIL,
    Kind.PROPOSAL: Channel.EMAIL,
    Kind.ELECTION: Channel.EMAIL,
}


class Notification(CommunityOwned):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.APP)
    # The latest actor; for grouped reactions, ``actor_ids`` holds everyone (oldest first).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_ids = models.JSONField(default=list, blank=True)
    topic = models.ForeignKey(
        "discussions.Topic", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        "discussions.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Anything else it is about (a badge, a conversation, a sanction), by label and id.
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    group_key = models.CharField(max_length=80)
    event_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "group_key"], name="notification_recipient_group"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(
                fields=["recipient", "community"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def others_count(self) -> int:
        return max(0, len(self.actor_ids) - 1)


class NotificationState(models.Model):
    """The cursor: the last event of the community turned into notifications."""

    community = models.OneToOneField(
        "communities.Community", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"notifications of {self.community_id} up to event {self.last_event_id}"


class Preference(CommunityOwned):
    """A member's channel for one kind in one community."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community", "kind"], name="notification_preference_unique"
            )
        ]


class CommunityDefault(CommunityOwned):
    """The channel the owner chose for a kind, for members who did not choose."""

    kind = models.CharField(max_length=24, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "kind"], name="notification_default_unique"
            )
        ]


class DigestSubscription(CommunityOwned):
    """How often a member gets the community's digest, and when the last one went out."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(
        max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)
    # The staff weekly health email, unsubscribed with the same one-click link.
    health_email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="digest_subscription_unique")
        ]


class OutboxKind(models.TextChoices):
    NOTIFICATION = "notification", _("Notification")
    DIGEST = "digest", _("Digest")


class OutboxEmail(CommunityOwned):
    """One email to send: written in the transaction that decides it, sent by a task that
    marks ``sent_at`` after the server accepted it. A worker killed between the two sends it
    again on retry (at least once); one killed before sending loses nothing."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=OutboxKind.choices)
    notification = models.OneToOneField(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="email"
    )
    # For a digest: its period, so one period's digest is written once.
    period_key = models.CharField(max_length=40, blank=True)
    send_after = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    dropped_at = models.DateTimeField(null=True, blank=True)
    drop_reason = models.CharField(max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "community", "period_key"],
                condition=models.Q(kind="digest"),
                name="outbox_digest_once",
            )
        ]
        indexes = [
            models.Index(
                fields=["send_after"],
                condition=models.Q(sent_at__isnull=True, dropped_at__isnull=True),
                name="outbox_due",
            )
        ]

    @property
    def is_done(self) -> bool:
        return self.sent_at is not None or self.dropped_at is not None


class EmailAddressHealth(models.Model):
    """Delivery failures in a row per address; past the limit nothing is sent there until
    the member changes their address, and they are told at their next sign-in."""

    address = models.CharField(max_length=254, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    suppressed_at = models.DateTimeField(null=True, blank=True)
    member_told_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.address


class PeriodicRun(models.Model):
    """One row per periodic job and slot ("digest:daily", "2025-01-31"): whoever inserts it
    runs the job, so several workers or cron hosts run each slot once."""

    job = models.CharField(max_length=40)
    slot = models.CharField(max_length=40)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="periodic_run_once")]

    def __str__(self) -> str:
        return f"{self.job} {self.slot}"
