"""The owner's assumptions behind the support-deflection estimate, one row per community.

A community without a row uses the defaults below; the first save creates it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_TICKET_SHARE = Decimal("5")  # percent of solved-answer views
DEFAULT_TICKET_COST = Decimal("15")
DEFAULT_CURRENCY = "USD"
MAX_TICKET_COST = Decimal("1000000")


class BenefitSettings(models.Model):
    community = models.OneToOneField(
        "communities.Community", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    # Of the views of solved answers by people other than the asker, the share that would
    # otherwise have been a support ticket.
    ticket_share_percent = models.DecimalField(
        _("views that would have been a ticket (%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_TICKET_SHARE,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    ticket_cost = models.DecimalField(
        _("cost of one ticket"),
        max_digits=10,
        decimal_places=2,
        default=DEFAULT_TICKET_COST,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_TICKET_COST)],
    )
    currency = models.CharField(_("currency (ISO 4217)"), max_length=3, default=DEFAULT_CURRENCY)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("benefit estimate settings")
        verbose_name_plural = _("benefit estimate settings")

    def __str__(self) -> str:
        return f"benefit settings of {self.community_id}"

    @property
    def is_default(self) -> bool:
        return self._state.adding
