"""Direct messages: conversations between active members of one community.

Reads never touch Markdown (messages are rendered once on write), and the inbox and the
unread badge read only ``Participant`` rows: each participant row carries the
conversation's last activity and the participant's unread count, kept by the services, so
the inbox is one indexed range scan and the badge one small partial-index query."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core.models import CommunityOwned

MAX_SUBJECT_CHARS = 120


class Conversation(CommunityOwned):
    subject = models.CharField(_("subject"), max_length=MAX_SUBJECT_CHARS, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_message_at = models.DateTimeField(default=timezone.now)
    message_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            # The new-conversations-per-day cap counts these.
            models.Index(fields=["community", "created_by", "created_at"], name="dm_started_by"),
        ]

    def __str__(self) -> str:
        return f"conversation {self.pk} in {self.community_id}"


class ParticipantQuerySet(models.QuerySet):
    """Updates and bulk inserts retire the kept unread totals of the members they touch
    (``hearth.conversations.unread``)."""

    def update(self, **kwargs):
        from hearth.conversations import unread

        users = list(self.order_by().values_list("user_id", flat=True).distinct())
        updated = super().update(**kwargs)
        unread.forget(users)
        return updated

    def bulk_create(self, objs, *args, **kwargs):
        from hearth.conversations import unread

        created = super().bulk_create(objs, *args, **kwargs)
        unread.forget(p.user_id for p in created)
        return created


class Participant(CommunityOwned):
    """A member's place in a conversation: read state and, denormalised from the
    conversation, the time of its last message (for the inbox order)."""

    objects = ParticipantQuerySet.as_manager()

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(null=True, blank=True)
    unread_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="dm_participant_unique")
        ]
        indexes = [
            models.Index(
                fields=["community", "user", "-last_message_at"],
                condition=Q(left_at__isnull=True),
                name="dm_inbox",
            ),
            models.Index(
                fields=["community", "user"],
                condition=Q(left_at__isnull=True, unread_count__gt=0),
                name="dm_unread",
            ),
        ]

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class Message(CommunityOwned):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["conversation", "-created_at", "-id"], name="dm_messages"),
            # The messages-per-day cap counts these.
            models.Index(fields=["community", "author", "created_at"], name="dm_sent_by"),
        ]


class Block(CommunityOwned):
    """``blocker`` does not want messages from ``blocked`` in this community."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "blocker", "blocked"], name="dm_block_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["community", "blocked", "blocker"], name="dm_blocked_by"),
        ]


class MessagingPreference(CommunityOwned):
    """A member's direct-message settings in one community (absent means the defaults)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    accepts_messages = models.BooleanField(
        _("other members can start conversations with me"), default=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="dm_preference_unique")
        ]


class ConversationReport(CommunityOwned):
    """A participant sends a conversation to the moderators. Staff may then read it, up to
    the time of the report."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(_("note"), blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["community", "-created_at"], name="dm_reports"),
            models.Index(
                fields=["community", "-created_at"],
                condition=Q(resolved_at__isnull=True),
                name="dm_reports_open",
            ),
            models.Index(fields=["conversation", "-created_at"], name="dm_reports_of"),
        ]

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
