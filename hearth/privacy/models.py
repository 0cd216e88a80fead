"""A member's own data: the exports they asked for, and what each community does with a
deleted member's posts and messages."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core.models import CommunityOwned
from hearth.core.uploads import private_storage

EXPORT_LIFETIME = timedelta(days=7)


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class DataExport(models.Model):
    """One "download my data" request. The zip lives in the private storage and reaches
    only its owner, through a view, until ``expires_at``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(storage=private_storage, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            # One export at a time: a second request while one is pending finds this one.
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="dataexport_one_pending"
            )
        ]
        indexes = [models.Index(fields=["user", "-requested_at"], name="dataexport_user")]

    def __str__(self) -> str:
        return f"export {self.pk} of {self.user_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == ExportStatus.PENDING

    @property
    def is_downloadable(self) -> bool:
        return (
            self.status == ExportStatus.READY
            and bool(self.file)
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""


class DeletedPosts(models.TextChoices):
    KEEP = "keep", _("Keep them, shown as written by “A former member”")
    REMOVE = "remove", _("Remove them")


class DeletedMessages(models.TextChoices):
    ERASE = "erase", _("Erase the text of the messages they sent")
    KEEP = "keep", _("Keep the messages, shown as sent by “A former member”")


class PrivacySettings(CommunityOwned):
    """What happens in this community to what a member wrote when they delete their
    account. Absent means the defaults (keep posts, erase direct messages)."""

    deleted_posts = models.CharField(
        _("Posts by members who delete their account"),
        max_length=8,
        choices=DeletedPosts.choices,
        default=DeletedPosts.KEEP,
    )
    deleted_messages = models.CharField(
        _("Direct messages they sent"),
        max_length=8,
        choices=DeletedMessages.choices,
        default=DeletedMessages.ERASE,
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community"], name="privacysettings_unique")]
        verbose_name_plural = _("privacy settings")

    def __str__(self) -> str:
        return f"privacy settings of {self.community_id}"
