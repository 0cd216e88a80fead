"""``Authorization: Bearer <API key>`` for the API. A key that is malformed, unknown,
revoked, or whose creator is no longer staff of its community is refused (401)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer

from hearth.api import policy, services
from hearth.api.models import ApiKey
from hearth.core.db import best_effort

# Write "last used" at most this often per key, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request, token: str):
        parts = services.split_key(token or "")
        if parts is None:
            return None
        key = ApiKey.objects.filter(prefix=parts[0]).first()
        if key is None or not services.key_matches(key, token):
            return None
        actor = policy.key_actor(key)
        if actor is None:
            return None
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_PRECISION:
            with best_effort("API key last use"):
                ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        request.api_key = key
        request.actor = actor
        return key
