"""Flags, the review queue, sanctions and appeals.

A sanction's effect is read by the lower apps from ``Membership.silenced_until`` /
``suspended_until`` (kept by the services here from the current ``Sanction`` rows), so the
policy of every surface decides without a query and a sanction ends when its time passes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core.models import CommunityOwned

DEFAULT_FLAG_WEIGHTS = [1.0, 1.0, 1.5, 2.0, 3.0]  # by trust level 0–4
DEFAULT_FLAG_THRESHOLD = 3.0  # three ordinary members hide a post


def default_flag_weights() -> list[float]:
    return list(DEFAULT_FLAG_WEIGHTS)


class ModerationSettings(CommunityOwned):
    """A community's moderation settings; absent means the defaults."""

    flag_threshold = models.FloatField(
        _("flag score that hides a post"), default=DEFAULT_FLAG_THRESHOLD
    )
    flag_weights = models.JSONField(_("flag weight by trust level"), default=default_flag_weights)
    approve_first_posts = models.BooleanField(_("approve new members' first posts"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community"], name="moderation_settings_unique")
        ]


class FlagReason(models.TextChoices):
    OFF_TOPIC = "off_topic", _("Off-topic")
    INAPPROPRIATE = "inappropriate", _("Inappropriate")
    SPAM = "spam", _("Spam")
    RULE = "rule", _("Breaks a rule")
    OTHER = "other", _("Something else")


class FlagStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    UPHELD = "upheld", _("Upheld: the post was removed")
    NOT_UPHELD = "not_upheld", _("Not upheld: the post stays")
    DISMISSED = "dismissed", _("Dismissed without action")


class Flag(CommunityOwned):
    """One member's flag on a post (or an automatic one: no flagger)."""

    post = models.ForeignKey("discussions.Post", on_delete=models.CASCADE, related_name="+")
    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=FlagReason.choices)
    rule = models.CharField(_("rule"), max_length=300, blank=True)
    detail = models.TextField(_("details"), blank=True)
    weight = models.FloatField(default=1.0)
    status = models.CharField(max_length=16, choices=FlagStatus.choices, default=FlagStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "flagger"],
                condition=Q(flagger__isnull=False),
                name="flag_once_per_member",
            )
        ]
        indexes = [
            models.Index(fields=["community", "flagger", "-created_at"], name="flag_mine"),
            models.Index(fields=["post", "status"], name="flag_post_status"),
        ]

    @property
    def summary(self) -> str:
        label = str(FlagReason(self.reason).label)
        extra = self.rule if self.reason == FlagReason.RULE else self.detail
        return f"{label}: {extra}" if extra else label


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DISMISSED = "dismissed", _("Flags dismissed")


class ReviewSource(models.TextChoices):
    FLAGS = "flags", _("Flagged by members")
    FIRST_POST = "first_post", _("A new member's first post")
    WATCHED_WORD = "watched_word", _("Watched word")
    SPAM_SIGNAL = "spam_signal", _("Spam signal")


class PostReview(CommunityOwned):
    """A post waiting for a staff decision: flagged (hidden or not yet), or held. At most one
    pending per post; flags and holds on the same post gather in it."""

    post = models.ForeignKey("discussions.Post", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=32, default=ReviewSource.FLAGS)
    reason = models.CharField(max_length=500, blank=True)
    score = models.FloatField(default=0)
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(status="pending"),
                name="review_one_pending_per_post",
            )
        ]
        indexes = [
            models.Index(
                fields=["community", "created_at"],
                condition=Q(status="pending"),
                name="review_pending",
            ),
        ]

    @property
    def source_label(self) -> str:
        try:
            return str(ReviewSource(self.source).label)
        except ValueError:
            return self.source


class SanctionKind(models.TextChoices):
    SILENCE = "silence", _("Silence: can read, cannot post, react, message or flag")
    SUSPEND = "suspend", _("Suspend: cannot take part in the community at all")
    BAN = "ban", _("Ban: removed from the community until its end, or until lifted")


class Sanction(CommunityOwned):
    membership = models.ForeignKey(
        "communities.Membership", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=SanctionKind.choices)
    reason = models.TextField(_("reason"))
    starts_at = models.DateTimeField(default=timezone.now)
    # Empty for a ban that lasts until lifted.
    ends_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        "discussions.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["community", "user", "-starts_at"], name="sanction_of_member"),
            models.Index(
                fields=["community", "-starts_at"],
                condition=Q(lifted_at__isnull=True),
                name="sanction_unlifted",
            ),
        ]
        ordering = ["-starts_at", "-id"]

    @property
    def kind_name(self) -> str:
        return {"silence": _("Silence"), "suspend": _("Suspension"), "ban": _("Ban")}[self.kind]

    @property
    def is_current(self) -> bool:
        """In force now: not lifted, not past its end (a ban: while the member is banned)."""
        if self.lifted_at is not None:
            return False
        if self.kind == SanctionKind.BAN:
            return self.membership.is_banned
        return self.ends_at is not None and self.ends_at > timezone.now()


class AppealDecision(models.TextChoices):
    PENDING = "", _("Waiting for a decision")
    UPHELD = "upheld", _("Upheld: the sanction stands")
    LIFTED = "lifted", _("Lifted: the sanction is over")


class Appeal(CommunityOwned):
    """A sanctioned member's one appeal against one sanction."""

    sanction = models.OneToOneField(Sanction, on_delete=models.CASCADE, related_name="appeal")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("your appeal"))
    created_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(
        max_length=16, choices=AppealDecision.choices, default=AppealDecision.PENDING, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["community", "created_at"],
                condition=Q(decided_at__isnull=True),
                name="appeal_pending",
            ),
        ]

    @property
    def is_pending(self) -> bool:
        return self.decided_at is None


# Watched words and posting limits (see hearth/moderation/watched_words.py, ratelimits.py) --


class WatchedAction(models.TextChoices):
    BLOCK = "block", _("Block: refuse the post, naming the word")
    CENSOR = "censor", _("Censor: mask the word when shown")
    REQUIRE_APPROVAL = "require_approval", _("Require approval: hold the post for review")
    FLAG = "flag", _("Flag: post it and flag it for the moderators")


class WatchedWord(CommunityOwned):
    """A word or phrase, with an optional ``*`` at either end, and what happens to posts
    that contain it. Stored as staff typed it (lower-cased); matching normalises it."""

    word = models.CharField(_("word"), max_length=100)
    action = models.CharField(_("action"), max_length=16, choices=WatchedAction.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "word"], name="watched_word_unique")
        ]
        ordering = ["action", "word"]


class FilterSettings(CommunityOwned):
    """A community's default profanity list and posting limits; absent means the defaults
    (Discourse's). ``revision`` moves on every change to the watched words, so each process
    knows when to rebuild its matcher."""

    profanity_action = models.CharField(
        _("default profanity list"),
        max_length=16,
        blank=True,
        default="",
        choices=[("", _("Off"))] + WatchedAction.choices,
    )
    revision = models.PositiveIntegerField(default=0)
    new_topic_seconds = models.PositiveIntegerField(default=120)
    new_reply_seconds = models.PositiveIntegerField(default=30)
    new_first_day_topics = models.PositiveIntegerField(default=3)
    new_first_day_replies = models.PositiveIntegerField(default=10)
    topic_seconds = models.PositiveIntegerField(default=15)
    reply_seconds = models.PositiveIntegerField(default=5)
    duplicate_seconds = models.PositiveIntegerField(default=300)
    max_mentions = models.PositiveIntegerField(default=10)
    flags_per_day = models.PositiveIntegerField(default=20)
    spam_max_links = models.PositiveIntegerField(default=3)
    spam_same_post_topics = models.PositiveIntegerField(default=3)
    spam_max_chars_per_second = models.PositiveIntegerField(default=25)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community"], name="filter_settings_unique")]
