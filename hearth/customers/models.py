"""The organisation's customer list, reduced to what the benefits figures need.

A :class:`Customer` row holds a keyed hash of the normalised email (never the address),
when they became a customer, their plan, their revenue to date and when they churned; the
member it matched (verified addresses only) is set by :mod:`hearth.customers.matching`.
Each upload replaces the list; its revenue figures are also kept per customer and date in
:class:`RevenuePoint`, so revenue per month before and after a member joined can be
measured from uploads that straddle the join. :class:`StagedUpload` holds a CSV between
its upload and the staff's confirmation of the column mapping, emails already hashed."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core.models import CommunityOwned

HASH_CHARS = 64  # hex of HMAC-SHA256
MAX_PLAN_CHARS = 100


class ImportSource(models.TextChoices):
    CSV = "csv", _("CSV upload")
    API = "api", _("API")


class CustomerImport(CommunityOwned):
    """One upload of the list: who, when, from what, and how it went."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=8, choices=ImportSource.choices)
    file_name = models.CharField(max_length=255, blank=True)
    as_of = models.DateField(help_text=_("The day the revenue figures are as of."))
    rows_accepted = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    mapping = models.JSONField(default=dict, blank=True)
    # The rejected rows (row, column, message; never a value), the first MAX_STORED_ERRORS.
    errors = models.JSONField(default=list, blank=True)
    replaced_list = models.BooleanField(
        default=True, help_text=_("False when an older export only added revenue history.")
    )

    class Meta:
        indexes = [models.Index(fields=["community", "-created_at"], name="customerimport_recent")]


class Customer(CommunityOwned):
    email_hash = models.CharField(max_length=HASH_CHARS)
    customer_since = models.DateField()
    plan = models.CharField(max_length=MAX_PLAN_CHARS, blank=True)
    revenue = models.DecimalField(max_digits=14, decimal_places=2)
    churned_at = models.DateField(null=True, blank=True)
    matched_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "email_hash"], name="customer_unique"),
            models.CheckConstraint(condition=models.Q(revenue__gte=0), name="customer_revenue"),
        ]
        indexes = [models.Index(fields=["community", "matched_user"], name="customer_matched")]


class RevenuePoint(CommunityOwned):
    """A customer's revenue to date on the day an upload was as of."""

    email_hash = models.CharField(max_length=HASH_CHARS)
    as_of = models.DateField()
    revenue = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "email_hash", "as_of"], name="revenuepoint_unique"
            ),
        ]


class StagedUpload(CommunityOwned):
    """A CSV waiting for its column mapping: the header and the rows, every cell that
    holds an email address replaced by its hash (zlib-compressed JSON). Deleted when
    imported, cancelled, replaced by another upload, or after STAGED_HOURS."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=255, blank=True)
    headers = models.JSONField(default=list)
    preview = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    rows = models.BinaryField()
