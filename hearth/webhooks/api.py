"""``/api/v1/communities/{slug}/webhooks…``: a community's webhook endpoints, their
delivery logs, secrets, test pings and redeliveries.

For the community's owners and admins only (``webhooks.policy``, as for the pages under
Manage → Webhooks), and a key needs the ``admin`` scope. Every write goes through
``webhooks.services``: the same checks of the URL (the SSRF guard in ``targets.py``) and
event types, the same staff-log lines. A secret is in the answer that makes it (create,
rotate) and never again; those answers are ``Cache-Control: no-store``."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import Http404, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from hearth.api.access import community_actor
from hearth.api.auth import API_AUTH
from hearth.api.cursor import CursorQuery, page
from hearth.api.models import Scope
from hearth.api.schemas import READ_ERRORS, WRITE_ERRORS, errors
from hearth.discussions.api import ID, Strict
from hearth.webhooks import catalogue, policy, selectors, services
from hearth.webhooks.models import Delivery, DeliveryStatus, DisabledReason, Endpoint

router = Router(tags=["webhooks"], auth=API_AUTH)

EventType = Literal[tuple(catalogue.EVENT_TYPES)]  # type: ignore[valid-type]
StatusName = Literal[tuple(DeliveryStatus.values)]  # type: ignore[valid-type]
DisabledReasonName = Literal[tuple(DisabledReason.values)]  # type: ignore[valid-type]
URL_FIELD = Field(..., min_length=1, max_length=500, description="Where deliveries are POSTed.")
EVENTS_FIELD = Field(
    ...,
    min_length=1,
    max_length=len(catalogue.EVENT_TYPES),
    description="The event types to send, from the catalogue (docs/developers/webhooks.md).",
)


class EndpointOut(Schema):
    id: int
    url: str
    description: str
    event_types: list[str]
    is_active: bool
    disabled_reason: DisabledReasonName = Field(
        ..., description="Why it is off: `owner` (by staff), `failures`; empty when active."
    )
    disabled_at: datetime | None
    consecutive_failures: int
    last_success_at: datetime | None
    created_at: datetime
    updated_at: datetime


class EndpointCreatedOut(EndpointOut):
    secret: str = Field(..., description="The signing secret: shown in this answer only.")


class EndpointPage(Schema):
    items: list[EndpointOut]
    next_cursor: str | None


class EndpointIn(Strict):
    url: str = URL_FIELD
    event_types: list[EventType] = EVENTS_FIELD
    description: str = Field("", max_length=200)
    is_active: bool = True


class EndpointPatch(Strict):
    """Only the fields sent change."""

    url: str | None = Field(None, min_length=1, max_length=500)
    event_types: list[EventType] | None = Field(
        None, min_length=1, max_length=len(catalogue.EVENT_TYPES)
    )
    description: str | None = Field(None, max_length=200)
    is_active: bool | None = Field(None, description="Switch it on (again, after failures) or off.")


class SecretOut(Schema):
    secret: str = Field(..., description="The new signing secret: shown in this answer only.")


class DeliveryOut(Schema):
    id: int
    uuid: UUID = Field(..., description="Sent as the Hearth-Delivery header.")
    endpoint_id: int
    event_id: int | None = Field(..., description="The event delivered; null for a ping.")
    event_type: str
    status: StatusName
    attempts: int
    max_attempts: int
    last_status_code: int | None = Field(..., description="The receiver's last HTTP status.")
    last_error: str
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    redelivery_of_id: int | None


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None


class DeliveryQuery(CursorQuery):
    status: StatusName | None = Field(None, description="Only deliveries in this status.")


def _manager(request, slug: str):
    """The community and its actor, for an owner or admin with the ``admin`` scope."""
    community, actor = community_actor(request, slug, Scope.ADMIN)
    policy.ensure_manage_webhooks(actor)
    return community, actor


def _no_store(response: HttpResponse) -> None:
    response["Cache-Control"] = "no-store"


@router.get("/{slug}/webhooks", response={200: EndpointPage, **errors(*READ_ERRORS)})
def endpoint_list(request, slug: str, query: Query[CursorQuery]):
    """The community's webhook endpoints, oldest first (cursor-paginated)."""
    community, _actor = _manager(request, slug)
    endpoints = Endpoint.objects.filter(community=community)
    return page(endpoints, ("created_at", "id"), query, scope=f"webhooks:{community.pk}")


@router.post("/{slug}/webhooks", response={201: EndpointCreatedOut, **errors(*WRITE_ERRORS)})
def endpoint_create(request, response: HttpResponse, slug: str, payload: EndpointIn):
    """Add an endpoint. The answer holds its signing secret, which is never shown again.
    A URL on a private, loopback or link-local address (127.0.0.1, 169.254.169.254…) is
    refused (422, ``fields.url``) unless the operator allows private targets."""
    _community, actor = _manager(request, slug)
    endpoint, secret = services.endpoint_create(actor=actor, **payload.model_dump())
    _no_store(response)
    shown = EndpointOut.model_validate(endpoint).model_dump()
    return Status(201, EndpointCreatedOut(**shown, secret=secret))


@router.get("/{slug}/webhooks/{endpoint_id}", response={200: EndpointOut, **errors(*READ_ERRORS)})
def endpoint_detail(request, slug: str, endpoint_id: int = ID):
    community, _actor = _manager(request, slug)
    return selectors.endpoint_for(community, endpoint_id)


@router.patch(
    "/{slug}/webhooks/{endpoint_id}", response={200: EndpointOut, **errors(*WRITE_ERRORS)}
)
def endpoint_update(request, slug: str, payload: EndpointPatch, endpoint_id: int = ID):
    """Change an endpoint; switching it on again clears its failures, and it hears of what
    happens from then on."""
    community, actor = _manager(request, slug)
    endpoint = selectors.endpoint_for(community, endpoint_id)
    sent = {name: value for name, value in payload.model_dump().items() if value is not None}
    current = {
        "url": endpoint.url,
        "event_types": endpoint.event_types,
        "description": endpoint.description,
        "is_active": endpoint.is_active,
    }
    return services.endpoint_update(actor=actor, endpoint=endpoint, **{**current, **sent})


@router.delete("/{slug}/webhooks/{endpoint_id}", response={204: None, **errors(*WRITE_ERRORS)})
def endpoint_delete(request, slug: str, endpoint_id: int = ID):
    """Remove an endpoint and its delivery log."""
    community, actor = _manager(request, slug)
    endpoint = selectors.endpoint_for(community, endpoint_id)
    services.endpoint_delete(actor=actor, endpoint=endpoint)
    return Status(204, None)


@router.post(
    "/{slug}/webhooks/{endpoint_id}/secret", response={200: SecretOut, **errors(*WRITE_ERRORS)}
)
def endpoint_rotate_secret(request, response: HttpResponse, slug: str, endpoint_id: int = ID):
    """A new signing secret, in force from the next attempt; the old one stops working.
    The answer is the only place it is shown."""
    community, actor = _manager(request, slug)
    endpoint = selectors.endpoint_for(community, endpoint_id)
    secret = services.endpoint_rotate_secret(actor=actor, endpoint=endpoint)
    _no_store(response)
    return SecretOut(secret=secret)


@router.post(
    "/{slug}/webhooks/{endpoint_id}/ping", response={202: DeliveryOut, **errors(*WRITE_ERRORS)}
)
def endpoint_ping(request, slug: str, endpoint_id: int = ID):
    """Queue a test ``ping`` (tried once); its result shows in the delivery log."""
    community, actor = _manager(request, slug)
    endpoint = selectors.endpoint_for(community, endpoint_id)
    return Status(202, services.endpoint_ping(actor=actor, endpoint=endpoint))


@router.get(
    "/{slug}/webhooks/{endpoint_id}/deliveries",
    response={200: DeliveryPage, **errors(*READ_ERRORS)},
)
def delivery_list(request, slug: str, query: Query[DeliveryQuery], endpoint_id: int = ID):
    """The endpoint's delivery log, newest first (cursor-paginated), with the receiver's
    last status code of each."""
    community, _actor = _manager(request, slug)
    endpoint = selectors.endpoint_for(community, endpoint_id)
    deliveries = selectors.deliveries(endpoint)
    if query.status is not None:
        deliveries = deliveries.filter(status=query.status)
    return page(deliveries, ("-created_at", "-id"), query, scope=f"webhook-log:{endpoint.pk}")


def _delivery_of(community, endpoint_id: int, delivery_id: int) -> Delivery:
    delivery = selectors.delivery_for(community, delivery_id)
    if delivery.endpoint_id != endpoint_id:
        raise Http404
    return delivery


@router.get(
    "/{slug}/webhooks/{endpoint_id}/deliveries/{delivery_id}",
    response={200: DeliveryOut, **errors(*READ_ERRORS)},
)
def delivery_detail(request, slug: str, endpoint_id: int = ID, delivery_id: int = ID):
    community, _actor = _manager(request, slug)
    return _delivery_of(community, endpoint_id, delivery_id)


@router.post(
    "/{slug}/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver",
    response={202: DeliveryOut, **errors(*WRITE_ERRORS)},
)
def delivery_redeliver(request, slug: str, endpoint_id: int = ID, delivery_id: int = ID):
    """Send a delivery's payload again, now, as a new delivery (its own id, tried once).
    Refused (422) while the endpoint is switched off."""
    community, actor = _manager(request, slug)
    delivery = _delivery_of(community, endpoint_id, delivery_id)
    return Status(202, services.delivery_redeliver(actor=actor, delivery=delivery))
