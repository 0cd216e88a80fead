"""``/api/v1/communities/{slug}/benefits/…``: the support-deflection figures with their
estimate, and the estimate's assumptions. Reading needs the ``analytics`` scope and
writing the ``admin`` scope; the actor must be allowed the business figures (owners,
admins, moderators with the analytics permission: anyone else gets 404), and changing
the assumptions is for owners and admins (403)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Query, Router

from hearth.analytics.forms import parse_window, utc_today
from hearth.analytics.schemas import WindowQuery
from hearth.api.access import community_actor
from hearth.api.auth import API_AUTH
from hearth.api.models import Scope
from hearth.api.schemas import READ_ERRORS, WRITE_ERRORS, errors
from hearth.benefits import deflection, display, policy, services
from hearth.benefits.models import BenefitSettings
from hearth.benefits.schemas import BenefitSettingsIn, BenefitSettingsOut, DeflectionOut

router = Router(tags=["benefits"], auth=API_AUTH)


def _settings_out(row: BenefitSettings) -> dict:
    return {
        "ticket_share_percent": float(row.ticket_share_percent),
        "ticket_cost": float(row.ticket_cost),
        "currency": row.currency,
        "is_default": row.is_default,
    }


@router.get("/{slug}/benefits/deflection", response={200: DeflectionOut, **errors(*READ_ERRORS)})
def benefits_deflection(request, slug: str, window: Query[WindowQuery]):
    """Support deflection in the window ``start``..``end`` (UTC dates, both included; at
    most 366 days, not in the future) or the last ``days`` (default 28): questions solved,
    by members, answer views, and the **estimate** of tickets avoided and cost saved from
    the community's assumptions (definitions: docs/community-health.md)."""
    community, actor = community_actor(request, slug, Scope.ANALYTICS)
    policy.ensure_view_business_figures(actor)
    params = {name: str(value) for name, value in window.model_dump().items() if value is not None}
    chosen, form, _custom = parse_window(params, utc_today())
    if form.errors:
        raise ValidationError(form.messages)
    figures = deflection.deflection(community, chosen)
    estimate = deflection.estimate(figures, deflection.settings_for(community))
    return display.api_payload(figures, estimate)


@router.get("/{slug}/benefits/settings", response={200: BenefitSettingsOut, **errors(*READ_ERRORS)})
def benefits_settings(request, slug: str):
    """The estimate's assumptions (the defaults until someone saves them)."""
    community, actor = community_actor(request, slug, Scope.ANALYTICS)
    policy.ensure_view_business_figures(actor)
    return _settings_out(deflection.settings_for(community))


@router.put(
    "/{slug}/benefits/settings", response={200: BenefitSettingsOut, **errors(*WRITE_ERRORS)}
)
def benefits_settings_update(request, slug: str, payload: BenefitSettingsIn):
    """Change the estimate's assumptions: a share from 0 to 100 (percent, two decimals at
    most), a cost from 0 to 1,000,000 (two decimals at most) and an ISO 4217 currency.
    Owners and admins; the key needs the ``admin`` scope. Bad input answers 422 with a
    message per field."""
    _community, actor = community_actor(request, slug, Scope.ADMIN)
    row = services.benefit_settings_update(
        actor=actor,
        ticket_share_percent=payload.ticket_share_percent,
        ticket_cost=payload.ticket_cost,
        currency=payload.currency,
    )
    return _settings_out(row)
