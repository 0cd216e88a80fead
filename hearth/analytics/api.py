"""``GET /api/v1/communities/{slug}/health``: the dashboard's figures and daily rows as
JSON, for a staff API key (``Authorization: Bearer <key>``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Router

from hearth.analytics import dashboard, display, rollups
from hearth.analytics.forms import parse_window, utc_today
from hearth.api.auth import ApiKeyAuth
from hearth.communities.models import Community
from hearth.core.db import best_effort

router = Router(tags=["analytics"], auth=ApiKeyAuth())


@router.get("/{slug}/health", response=dict)
def community_health(request, slug: str, start: str = "", end: str = "", days: str = ""):
    """Health figures of the window ``start``..``end`` (UTC dates, both included; at most
    366 days, not in the future) or of the last ``days`` (7, 28 or 90; default 28), with
    the previous window's figures and one row per day (the CSV export's columns)."""
    key = request.auth
    community = Community.objects.filter(slug=slug).first()
    if community is None or key.community_id != community.pk:
        raise Http404
    params = {
        name: value for name, value in (("start", start), ("end", end), ("days", days)) if value
    }
    window, form, _custom = parse_window(params, utc_today())
    if form.errors:
        raise ValidationError(form.messages)
    with best_effort("health rollups catch-up"):
        rollups.update(community)
    return display.api_payload(dashboard.dashboard_for(community, window))
