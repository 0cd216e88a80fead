"""The way in: where a person who signed up came from, and bulk email invites.

An :class:`Arrival` is the "signed up" step of the funnel, attributed to the campaign the
person landed from, kept on the account so it survives email confirmation in another
browser and social login. It also remembers the invite, so the person can be brought back
to the join page after confirming their address.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core.models import CommunityOwned


class Arrival(CommunityOwned):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="arrival"
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    campaign = models.CharField(_("campaign"), max_length=100, blank=True)
    invite = models.ForeignKey(
        "communities.Invite", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["community", "created_at"], name="arrival_window")]


class BulkInviteStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    DONE = "done", _("Done")


class BulkInvite(CommunityOwned):
    """One uploaded CSV of email addresses; the worker sends its rows."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=100, default="email")
    campaign = models.CharField(_("campaign"), max_length=100, blank=True)
    message = models.TextField(_("personal message"), blank=True)
    status = models.CharField(
        max_length=16, choices=BulkInviteStatus.choices, default=BulkInviteStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["community", "-created_at"], name="bulkinvite_listing")]

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.processed * 100 // self.total


class RowResult(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Invite sent")
    INVALID = "invalid", _("Not an email address")
    DUPLICATE = "duplicate", _("Duplicate in the file")
    MEMBER = "member", _("Already a member")
    FAILED = "failed", _("Sending failed")


class BulkInviteRow(CommunityOwned):
    batch = models.ForeignKey(BulkInvite, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField()  # the line in the uploaded file, for the report
    email = models.CharField(max_length=254)
    name = models.CharField(max_length=150, blank=True)
    result = models.CharField(max_length=16, choices=RowResult.choices, default=RowResult.PENDING)
    invite = models.ForeignKey(
        "communities.Invite", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["line"]
        indexes = [models.Index(fields=["batch", "result", "line"], name="bulkinviterow_work")]
