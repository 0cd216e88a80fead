"""``GET /api/v1/communities/{slug}/health``: the dashboard's figures and daily rows as
JSON, for a key with the ``analytics`` scope (``Authorization: Bearer <key>``) or a
staff member's session."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Query, Router

from hearth.analytics import display, snapshots
from hearth.analytics import policy as analytics_policy
from hearth.analytics.forms import parse_window, utc_today
from hearth.analytics.schemas import HealthOut, WindowQuery
from hearth.api.access import community_actor
from hearth.api.auth import API_AUTH
from hearth.api.errors import ApiError
from hearth.api.models import Scope
from hearth.api.schemas import READ_ERRORS, errors

router = Router(tags=["analytics"], auth=API_AUTH)
COMPUTING_RETRY_SECONDS = 5


@router.get(
    "/{slug}/health",
    response={200: HealthOut, **errors(*READ_ERRORS, 503)},
)
def community_health(request, slug: str, window: Query[WindowQuery]):
    """Health figures of the window ``start``..``end`` (UTC dates, both included; at most
    366 days, not in the future) or of the last ``days`` (default 28), with the previous
    window's figures and one row per day (the CSV export's columns). Needs the
    ``analytics`` scope and a staff actor; 404 for a community the key does not belong to;
    503 while the window's figures are being computed (the worker computes them)."""
    community, actor = community_actor(request, slug, Scope.ANALYTICS)
    analytics_policy.ensure_view_health(actor)
    # Types are checked; the form judges the range as a whole, as on the dashboard.
    params = {name: str(value) for name, value in window.model_dump().items() if value is not None}
    chosen, form, _custom = parse_window(params, utc_today())
    if form.errors:
        raise ValidationError(form.messages)  # fields: {"__all__": [...]}
    data = snapshots.dashboard_for(community, chosen)
    if data is None:
        raise ApiError(
            503,
            "The figures are being computed; try again in a few seconds.",
            code="computing",
            headers={"Retry-After": str(COMPUTING_RETRY_SECONDS)},
        )
    return display.api_payload(data)
