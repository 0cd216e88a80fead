"""Reads for the webhook pages: one community's endpoints and deliveries, 404 otherwise."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from hearth.webhooks.models import Delivery, DeliveryStatus, Endpoint


def endpoints(community) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(community=community).annotate(
        failed_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
        pending_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
    )


def endpoint_for(community, endpoint_id: int) -> Endpoint:
    endpoint = Endpoint.objects.filter(community=community, pk=endpoint_id).first()
    if endpoint is None:
        raise Http404
    return endpoint


def deliveries(endpoint: Endpoint) -> QuerySet[Delivery]:
    return endpoint.deliveries.order_by("-created_at", "-id")


def delivery_for(community, delivery_id: int) -> Delivery:
    delivery = (
        Delivery.objects.filter(community=community, pk=delivery_id)
        .select_related("endpoint")
        .first()
    )
    if delivery is None:
        raise Http404
    return delivery
