"""Writes of the benefits app: the owner's assumptions behind the deflection estimate."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.benefits import policy
from hearth.benefits.currencies import is_currency
from hearth.benefits.models import MAX_TICKET_COST, BenefitSettings
from hearth.communities.services import staff_log_record
from hearth.core.actor import Actor

FIELDS = ("ticket_share_percent", "ticket_cost", "currency")


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def clean_assumptions(ticket_share_percent, ticket_cost, currency) -> dict:
    """The three inputs checked and normalised, or a ValidationError naming every bad one
    (the form, the API and the service say the same)."""
    problems: dict[str, list[str]] = {}
    share = _decimal(ticket_share_percent)
    if share is None:
        problems["ticket_share_percent"] = [_("Enter the share as a number, such as 5.")]
    elif not Decimal(0) <= share <= Decimal(100):
        problems["ticket_share_percent"] = [_("Enter a share from 0 to 100 percent.")]
    elif share != share.quantize(Decimal("0.01")):
        problems["ticket_share_percent"] = [_("Use at most two decimal places for the share.")]
    cost = _decimal(ticket_cost)
    if cost is None:
        problems["ticket_cost"] = [_("Enter the cost as a number, such as 15.")]
    elif cost < 0:
        problems["ticket_cost"] = [_("The cost of a ticket cannot be negative.")]
    elif cost > MAX_TICKET_COST:
        problems["ticket_cost"] = [
            _("Enter a cost of at most %(n)s.") % {"n": f"{MAX_TICKET_COST:,}"}
        ]
    elif cost != cost.quantize(Decimal("0.01")):
        problems["ticket_cost"] = [_("Use at most two decimal places for the cost.")]
    code = str(currency or "").strip().upper()
    if not is_currency(code):
        problems["currency"] = [
            _("Enter a three-letter ISO 4217 currency code, such as EUR, USD or GBP.")
        ]
    if problems:
        raise ValidationError(problems)
    return {
        "ticket_share_percent": share.quantize(Decimal("0.01")),
        "ticket_cost": cost.quantize(Decimal("0.01")),
        "currency": code,
    }


@transaction.atomic
def benefit_settings_update(
    *, actor: Actor, ticket_share_percent, ticket_cost, currency
) -> BenefitSettings:
    """Save the community's assumptions (owners and admins) and log what changed."""
    policy.ensure_change_settings(actor)
    values = clean_assumptions(ticket_share_percent, ticket_cost, currency)
    row = BenefitSettings.objects.select_for_update().filter(community=actor.community).first()
    if row is None:
        row = BenefitSettings(community=actor.community)
    changed = {
        name: [str(getattr(row, name)), str(value)]
        for name, value in values.items()
        if getattr(row, name) != value
    }
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = timezone.now()
    row.updated_by = actor.user
    row.save()
    if changed:
        staff_log_record(actor, actor.community, "benefits.settings", details=changed)
    return row
