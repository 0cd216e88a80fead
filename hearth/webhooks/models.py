"""Webhook endpoints a community's owners register, and the deliveries made to them.

An endpoint's secret signs every delivery (HMAC-SHA256), so the worker must read it back:
it is stored encrypted (:mod:`hearth.core.encryption`, a key from ``HEARTH_SECRETS_KEY`` or
``SECRET_KEY``), never in clear, and shown to the owner once, when made or rotated."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core import encryption
from hearth.core.models import CommunityOwned

STAFF_LOG_LABELS = {
    "webhook.create": _("Added a webhook"),
    "webhook.update": _("Changed a webhook"),
    "webhook.delete": _("Removed a webhook"),
    "webhook.secret": _("Rotated a webhook's secret"),
    "webhook.disabled": _("A failing webhook was switched off"),
}


class DisabledReason(models.TextChoices):
    NONE = "", _("Active")
    OWNER = "owner", _("Switched off by staff")
    FAILURES = "failures", _("Switched off after repeated failures")


class Endpoint(CommunityOwned):
    url = models.URLField(_("payload URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # The webhook event names (hearth.webhooks.catalogue.EVENT_TYPES) it receives.
    event_types = models.JSONField(default=list)
    # The signing secret as a Fernet token; read and set it in clear as ``secret``.
    encrypted_secret = models.TextField(editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(
        max_length=16, choices=DisabledReason.choices, default=DisabledReason.NONE, blank=True
    )
    disabled_at = models.DateTimeField(null=True, blank=True)
    # Failed attempts in a row, and when the run of failures began (reset by a success).
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    # Only events after this one are delivered: an endpoint never receives the past.
    after_event_id = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["community", "is_active"], name="webhook_endpoint_active")]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url

    @property
    def secret(self) -> str:
        """The signing secret in clear; raises ``encryption.SecretUnreadable`` when no
        configured key opens it."""
        return encryption.decrypt(self.encrypted_secret)

    @secret.setter
    def secret(self, value: str) -> None:
        self.encrypted_secret = encryption.encrypt(value)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(CommunityOwned):
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # Sent as the Hearth-Delivery header: each delivery (and redelivery) has its own.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The interaction event delivered; empty for a test ping.
    event_id = models.BigIntegerField(null=True, blank=True)
    event_type = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # Deliveries of events are retried with back-off; a test ping or a manual redelivery
    # is tried once.
    max_attempts = models.PositiveSmallIntegerField(default=1)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A worker sending it holds it until then, so two workers never send it at once.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    redelivery_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # A batch of the event log replayed after a crash makes no second delivery.
            models.UniqueConstraint(
                fields=["endpoint", "event_id"],
                condition=models.Q(event_id__isnull=False, redelivery_of__isnull=True),
                name="webhook_delivery_once",
            )
        ]
        indexes = [
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log"),
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint_id} ({self.status})"


class Attempt(CommunityOwned):
    """One try at sending a delivery: what came back (or why nothing did)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # The start of the response body, truncated (RESPONSE_SNIPPET characters).
    response_snippet = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-number"]

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class WebhookState(models.Model):
    """The cursor: the last event of the community looked at for webhooks."""

    community = models.OneToOneField(
        "communities.Community", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"webhooks of {self.community_id} up to event {self.last_event_id}"
