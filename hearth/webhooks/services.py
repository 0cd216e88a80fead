"""Writes for webhooks: endpoints (add, change, remove, rotate the secret), test pings
and manual redeliveries, and recording what a sending attempt got back."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities.services import staff_log_record
from hearth.core.actor import Actor
from hearth.core.models import InteractionEvent
from hearth.webhooks import catalogue, policy, targets
from hearth.webhooks.delivery import Result
from hearth.webhooks.models import (
    Attempt,
    Delivery,
    DeliveryStatus,
    DisabledReason,
    Endpoint,
)

# Seconds to wait before each retry of a failed delivery: 1 min, 5 min, 30 min, 2 h, 12 h.
BACKOFF = (60, 300, 1800, 7200, 43200)
MAX_ATTEMPTS = len(BACKOFF) + 1


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def _clean(*, url: str, event_types: list[str]) -> None:
    errors: dict[str, list[str]] = {}
    try:
        targets.check_url(url)
    except targets.TargetRefused as exc:
        errors["url"] = [str(exc)]
    unknown = [t for t in event_types if t not in catalogue.EVENT_TYPES]
    if not event_types:
        errors["event_types"] = [_("Choose at least one event type.")]
    elif unknown:
        errors["event_types"] = [_("Unknown event type: %(name)s.") % {"name": ", ".join(unknown)}]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def endpoint_create(
    *,
    actor: Actor,
    url: str,
    event_types: list[str],
    description: str = "",
    is_active: bool = True,
) -> tuple[Endpoint, str]:
    """Add an endpoint (switched off by its owner if not ``is_active``); returns it and its
    secret (to show once)."""
    policy.ensure_manage_webhooks(actor)
    url = url.strip()
    _clean(url=url, event_types=event_types)
    community = actor.community
    last = InteractionEvent.objects.filter(community=community).aggregate(m=Max("id"))["m"]
    secret = new_secret()
    endpoint = Endpoint.objects.create(
        community=community, url=url, description=description.strip(),
        event_types=sorted(set(event_types)), secret=secret, created_by=actor.user,
        after_event_id=last or 0, is_active=is_active,
        disabled_reason=DisabledReason.NONE if is_active else DisabledReason.OWNER,
        disabled_at=None if is_active else timezone.now(),
    )  # fmt: skip
    staff_log_record(actor, community, "webhook.create", details={"url": url})
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *,
    actor: Actor,
    endpoint: Endpoint,
    url: str,
    event_types: list[str],
    description: str = "",
    is_active: bool = True,
) -> Endpoint:
    policy.ensure_manage_endpoint(actor, endpoint)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    url = url.strip()
    _clean(url=url, event_types=event_types)
    now = timezone.now()
    changed = [
        name
        for name, value in (
            ("url", url),
            ("description", description.strip()),
            ("event_types", sorted(set(event_types))),
            ("is_active", is_active),
        )  # fmt: skip
        if getattr(endpoint, name) != value
    ]
    endpoint.url, endpoint.description = url, description.strip()
    endpoint.event_types = sorted(set(event_types))
    if is_active and not endpoint.is_active:
        endpoint.is_active = True
        endpoint.disabled_reason, endpoint.disabled_at = DisabledReason.NONE, None
        endpoint.consecutive_failures, endpoint.failing_since = 0, None
        # Switched on again, it hears of what happens from now on.
        last = InteractionEvent.objects.filter(community_id=endpoint.community_id).aggregate(
            m=Max("id")
        )["m"]
        endpoint.after_event_id = max(endpoint.after_event_id, last or 0)
    elif not is_active and endpoint.is_active:
        _switch_off(endpoint, DisabledReason.OWNER, now)
    endpoint.updated_at = now
    endpoint.save()
    if changed:
        staff_log_record(
            actor, actor.community, "webhook.update", details={"url": url, "fields": changed}
        )
    return endpoint


@transaction.atomic
def endpoint_delete(*, actor: Actor, endpoint: Endpoint) -> None:
    policy.ensure_manage_endpoint(actor, endpoint)
    staff_log_record(actor, actor.community, "webhook.delete", details={"url": endpoint.url})
    endpoint.delete()


@transaction.atomic
def endpoint_rotate_secret(*, actor: Actor, endpoint: Endpoint) -> str:
    """A new secret for the endpoint, in force for the next attempt; returns it."""
    policy.ensure_manage_endpoint(actor, endpoint)
    secret = new_secret()
    endpoint.secret = secret
    endpoint.updated_at = timezone.now()
    endpoint.save(update_fields=["encrypted_secret", "updated_at"])
    staff_log_record(actor, actor.community, "webhook.secret", details={"url": endpoint.url})
    return secret


def _ensure_active(endpoint: Endpoint) -> None:
    if not endpoint.is_active:
        raise ValidationError(_("This webhook is switched off. Switch it on first."))


def _send_after_commit(delivery: Delivery) -> None:
    from hearth.webhooks.tasks import send_delivery

    transaction.on_commit(lambda: send_delivery.enqueue(delivery.pk))


@transaction.atomic
def endpoint_ping(*, actor: Actor, endpoint: Endpoint) -> Delivery:
    """Queue a test ping (tried once) to the endpoint."""
    policy.ensure_manage_endpoint(actor, endpoint)
    _ensure_active(endpoint)
    delivery = Delivery.objects.create(
        community_id=endpoint.community_id, endpoint=endpoint, event_type=catalogue.PING,
        payload=catalogue.ping_payload(endpoint), next_attempt_at=timezone.now(),
    )  # fmt: skip
    _send_after_commit(delivery)
    return delivery


@transaction.atomic
def delivery_redeliver(*, actor: Actor, delivery: Delivery) -> Delivery:
    """Send a delivery's payload again, as a new delivery (its own id, tried once)."""
    endpoint = delivery.endpoint
    policy.ensure_manage_endpoint(actor, endpoint)
    _ensure_active(endpoint)
    again = Delivery.objects.create(
        community_id=endpoint.community_id, endpoint=endpoint, event_id=delivery.event_id,
        event_type=delivery.event_type, payload=delivery.payload,
        redelivery_of=delivery.redelivery_of or delivery, next_attempt_at=timezone.now(),
    )  # fmt: skip
    _send_after_commit(again)
    return again


# Recording attempts (the worker) -----------------------------------------------------------


def _switch_off(endpoint: Endpoint, reason: str, now) -> None:
    """Caller saves the endpoint. Its waiting deliveries are given up."""
    endpoint.is_active = False
    endpoint.disabled_reason = reason
    endpoint.disabled_at = now
    endpoint.deliveries.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None, claimed_until=None,
        last_error=_("Not sent: the webhook was switched off."),
    )  # fmt: skip


def _too_many_failures(endpoint: Endpoint, now) -> bool:
    days = timedelta(days=settings.HEARTH_WEBHOOKS_DISABLE_AFTER_DAYS)
    return endpoint.consecutive_failures >= settings.HEARTH_WEBHOOKS_DISABLE_AFTER_FAILURES or (
        endpoint.failing_since is not None and endpoint.failing_since <= now - days
    )


@transaction.atomic
def attempt_record(*, delivery_id: int, result: Result) -> Delivery:
    """Log one attempt and decide what follows: done, a retry later, or given up; a failure
    of an event's delivery counts against the endpoint, which is switched off (and the
    staff log says so) after too many in a row or too long failing."""
    now = timezone.now()
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    endpoint = Endpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    delivery.attempts += 1
    Attempt.objects.create(
        community_id=delivery.community_id, delivery=delivery, number=delivery.attempts,
        attempted_at=now, status_code=result.status_code, response_snippet=result.snippet,
        error=result.error[:300], duration_ms=result.duration_ms,
    )  # fmt: skip
    delivery.last_status_code = result.status_code
    delivery.last_error = result.error[:300]
    delivery.claimed_until = None
    if result.ok:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        endpoint.consecutive_failures, endpoint.failing_since = 0, None
        endpoint.last_success_at = now
    else:
        if delivery.attempts < delivery.max_attempts:
            delivery.next_attempt_at = now + timedelta(seconds=BACKOFF[delivery.attempts - 1])
        else:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        counts = not result.local and delivery.redelivery_of_id is None
        if counts and delivery.event_type != catalogue.PING:
            endpoint.consecutive_failures += 1
            endpoint.failing_since = endpoint.failing_since or now
    delivery.save()
    if endpoint.is_active and not result.ok and _too_many_failures(endpoint, now):
        _switch_off(endpoint, DisabledReason.FAILURES, now)
        staff_log_record(
            None, endpoint.community, "webhook.disabled",
            details={"url": endpoint.url, "failures": endpoint.consecutive_failures},
        )  # fmt: skip
        delivery.refresh_from_db()
    endpoint.save()
    return delivery


def delivery_give_up(*, delivery_id: int, reason: str) -> None:
    """A delivery that can no longer be sent (its endpoint is switched off)."""
    Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None, claimed_until=None, last_error=reason
    )
