"""Who is calling the API: an API key (``Authorization: Bearer <key>``) or the site's own
session (for the pages' own calls; writes then need the CSRF token, ``X-CSRFToken``).

A key that is malformed, unknown, revoked, or whose maker may no longer use it (see
:func:`hearth.api.policy.key_actor`) is refused with 401 and a code saying which. Every
authenticated request counts against its key's (or user's) rate limit: over it, 429 with
``Retry-After``."""

from __future__ import annotations

import math
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from hearth.api import policy, services
from hearth.api.models import ApiKey
from hearth.core import ratelimit
from hearth.core.db import best_effort

# Write "last used" at most this often per key, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)
RATE_WINDOW_SECONDS = 60


def rate_limit(request, who: str) -> None:
    """``HEARTH_API_RATE_LIMIT`` requests per minute per key or user (fixed windows)."""
    limit = getattr(settings, "HEARTH_API_RATE_LIMIT", 600)
    if not limit:
        return
    now = time.time()
    window_ends_at = (math.floor(now / RATE_WINDOW_SECONDS) + 1) * RATE_WINDOW_SECONDS
    wait = ratelimit.count(
        f"api:rate:{who}:{int(window_ends_at)}", limit, window_ends_at=window_ends_at
    )
    if wait:
        raise ratelimit.RateLimited(
            _("Too many requests: at most %(n)s a minute. Try again in %(wait)s.")
            % {"n": limit, "wait": ratelimit.wait_text(wait)},
            retry_after=wait,
        )


def _refuse(request, code: str, message: str) -> None:
    request.api_auth_problem = (code, message)


def key_from_token(token: str) -> ApiKey | None:
    """The key a presented token is (revoked or not), or None."""
    parts = services.split_key(token or "")
    if parts is None:
        return None
    key = ApiKey.objects.filter(prefix=parts[0]).first()
    if key is None or not services.key_matches(key, token):
        return None
    return key


class ApiKeyAuth(HttpBearer):
    """``request.auth`` is the key; ``request.api_key`` too, and ``request.actor`` whom it
    acts as (in the key's community)."""

    def authenticate(self, request, token: str):
        key = key_from_token(token)
        if key is None:
            _refuse(request, "invalid_key", _("That API key is not valid."))
            return None
        if key.revoked_at is not None:
            _refuse(request, "revoked_key", _("That API key was revoked."))
            return None
        actor = policy.key_actor(key)
        if actor is None:
            _refuse(
                request,
                "inactive_key",
                _("The key's maker may no longer use it here (left, or no longer staff)."),
            )
            return None
        rate_limit(request, f"key:{key.pk}")
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_PRECISION:
            with best_effort("API key last use"):
                ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        request.api_key = key
        request.actor = actor
        return key


class SiteSessionAuth(SessionAuth):
    """The signed-in member's session, with CSRF for writes (the site's own calls)."""

    def _get_key(self, request):
        # A request with an Authorization header is judged by it alone; one without the
        # session cookie is anonymous (a 401, not a CSRF failure).
        if "authorization" in request.headers:
            return None
        if not request.COOKIES.get(self.param_name):
            return None
        return super()._get_key(request)

    def __call__(self, request):
        key = self._get_key(request)
        if key is None:
            return None
        return self.authenticate(request, key)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        rate_limit(request, f"user:{user.pk}")
        request.api_key = None
        return user


KEY_AUTH = ApiKeyAuth()
# Keys first: a request with a key is judged by its key, never by a cookie it also sends.
API_AUTH = [KEY_AUTH, SiteSessionAuth()]
