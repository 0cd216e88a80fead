"""From the interaction event log to deliveries, and from deliveries to the network.

:func:`process` follows a community's event log with the one durable cursor
(``hearth.core.event_cursor.follow`` on :class:`WebhookState`): each batch's deliveries are
made and the cursor advanced in one transaction, so a worker that dies mid-way loses no
event and a replayed batch makes no delivery twice (one per endpoint and event, by a unique
constraint). The rows are sent after the commit, by :func:`send`, one task each; a failed
one waits for its retry time and is picked up by :func:`send_due`."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hearth.analytics.rollups import configured_lag
from hearth.core import encryption, event_cursor
from hearth.core.models import InteractionEvent
from hearth.webhooks import catalogue, delivery, services
from hearth.webhooks.models import Delivery, DeliveryStatus, Endpoint, WebhookState

logger = logging.getLogger(__name__)
BATCH = 500
# A worker sending a delivery holds it this long (the request's timeout is far shorter).
CLAIM = timedelta(minutes=2)
# How many due deliveries one periodic run queues.
DUE_BATCH = 200


def process(community, *, lag: timedelta | None = None) -> int:
    """Turn the community's committed events older than ``lag`` into deliveries; returns
    how many events were looked at."""
    lag = configured_lag() if lag is None else lag
    if not Endpoint.objects.filter(community=community, is_active=True).exists():
        _skip_ahead(community)
        return 0
    return event_cursor.follow(
        community.pk, WebhookState, lambda batch: make_deliveries(community, batch),
        lag=lag, batch_size=BATCH, as_rows=False,
    )  # fmt: skip


def _skip_ahead(community) -> None:
    """No endpoint listens: move the cursor to the end of the log rather than read it
    later (a new endpoint only hears of events after its creation anyway)."""
    with transaction.atomic():
        WebhookState.objects.get_or_create(community=community)
        state = WebhookState.objects.select_for_update().get(community=community)
        # Newest first from the cursor on: on PostgreSQL a backward walk of the primary key
        # that stops at the cursor, however long the log.
        last = (
            InteractionEvent.objects.filter(community=community, id__gt=state.last_event_id)
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
        if last is not None:
            state.last_event_id = last
            state.updated_at = timezone.now()
            state.save(update_fields=["last_event_id", "updated_at"])


def make_deliveries(community, events: list[InteractionEvent]) -> list[Delivery]:
    """One delivery per matching event and active endpoint (caller holds a transaction);
    they are sent after the commit."""
    events = [e for e in events if e.verb in catalogue.VERBS]
    if not events:
        return []
    endpoints = list(Endpoint.objects.filter(community=community, is_active=True))
    made = []
    for event in events:
        event_type = catalogue.EVENT_TYPE_BY_VERB[event.verb]
        listening = [
            e for e in endpoints if event_type in e.event_types and event.pk > e.after_event_id
        ]
        if not listening:
            continue
        event.community = community
        payload = catalogue.event_payload(event)
        for endpoint in listening:
            row, created = Delivery.objects.get_or_create(
                endpoint=endpoint, event_id=event.pk, redelivery_of=None,
                defaults={
                    "community": community, "event_type": event_type, "payload": payload,
                    "max_attempts": services.MAX_ATTEMPTS, "next_attempt_at": timezone.now(),
                },
            )  # fmt: skip
            if created:
                made.append(row)
    if made:
        from hearth.webhooks.tasks import send_delivery

        ids = [row.pk for row in made]
        transaction.on_commit(lambda: [send_delivery.enqueue(pk) for pk in ids])
    return made


def _claim(delivery_id: int) -> bool:
    now = timezone.now()
    return bool(
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM)
    )


def send(delivery_id: int) -> Delivery | None:
    """Make the delivery's next attempt if it is due and no other worker holds it; None
    when there was nothing to do. The request is made outside any transaction."""
    if not _claim(delivery_id):
        return None
    row = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    if not row.endpoint.is_active:
        services.delivery_give_up(
            delivery_id=row.pk, reason="Not sent: the webhook was switched off."
        )
        return None
    try:
        secret = row.endpoint.secret
    except encryption.SecretUnreadable as exc:
        # The operator's key changed: say so in the delivery log, and retry as usual (the
        # old key may be put back as a fallback meanwhile).
        logger.error("Webhook endpoint %s: %s", row.endpoint_id, exc)
        result = delivery.Result(error=str(exc)[:300], local=True)
    else:
        result = delivery.send(
            url=row.endpoint.url, secret=secret, payload=row.payload,
            event_type=row.event_type, delivery_id=str(row.uuid),
        )  # fmt: skip
    try:
        row = services.attempt_record(delivery_id=row.pk, result=result)
    except (Delivery.DoesNotExist, Endpoint.DoesNotExist):
        return None  # the webhook was removed while its delivery was on the way
    if row.status == DeliveryStatus.PENDING and row.next_attempt_at is not None:
        _retry_later(row)
    return row


def _retry_later(row: Delivery) -> None:
    """Queue the retry for its time where the task backend can wait; elsewhere the
    periodic :func:`send_due` finds it."""
    from django_tasks import default_task_backend

    from hearth.webhooks.tasks import send_delivery

    if default_task_backend.supports_defer:
        try:
            send_delivery.using(run_after=row.next_attempt_at).enqueue(row.pk)
        except Exception:
            logger.exception("Could not queue the retry of webhook delivery %s", row.pk)


def due_ids(now=None) -> list[int]:
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now, endpoint__is_active=True
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:DUE_BATCH]
    )


def send_due(now=None) -> int:
    """Queue every delivery whose (re)try time has come: retries, and first tries whose
    task was lost. Sending twice is prevented by the claim."""
    from hearth.webhooks.tasks import send_delivery

    ids = due_ids(now)
    for pk in ids:
        send_delivery.enqueue(pk)
    return len(ids)
