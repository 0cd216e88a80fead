"""``GET /api/v1/communities/{slug}/health``: the dashboard's figures and daily rows as
JSON, for a staff API key (``Authorization: Bearer <key>``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Status

from hearth.analytics import dashboard, display
from hearth.analytics.forms import parse_window, utc_today
from hearth.analytics.schemas import HealthOut, WindowQuery
from hearth.api.auth import ApiKeyAuth
from hearth.api.schemas import Error, InvalidInput
from hearth.communities.models import Community

router = Router(tags=["analytics"], auth=ApiKeyAuth())


@router.get(
    "/{slug}/health",
    response={200: HealthOut, 401: Error, 404: Error, 422: InvalidInput, 503: Error},
)
def community_health(request, slug: str, window: Query[WindowQuery]):
    """Health figures of the window ``start``..``end`` (UTC dates, both included; at most
    366 days, not in the future) or of the last ``days`` (default 28), with the previous
    window's figures and one row per day (the CSV export's columns). 401 without a usable
    staff key, 404 for a community the key does not belong to, 503 while the window's
    figures are being computed (the worker computes them; try again shortly)."""
    key = request.auth
    community = Community.objects.filter(slug=slug).first()
    if community is None or key.community_id != community.pk:
        raise Http404
    # Types are checked; the form judges the range as a whole, as on the dashboard.
    params = {name: str(value) for name, value in window.model_dump().items() if value is not None}
    chosen, form, _custom = parse_window(params, utc_today())
    if form.errors:
        raise ValidationError(form.messages)  # {"detail": {"__all__": [...]}}
    data = dashboard.dashboard_for(community, chosen)
    if data is None:
        return Status(
            503, {"detail": "The figures are being computed; try again in a few seconds."}
        )
    return display.api_payload(data)
