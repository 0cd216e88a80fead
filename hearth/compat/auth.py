"""``Api-Key`` / ``Api-Username`` authentication, as Discourse does it.

* No ``Api-Key`` header: the request is whoever the session says (a visitor when signed
  out), and a write must carry the session's CSRF token like any form.
* An ``Api-Key``: it must be a well-formed, known, unrevoked key of *this* community whose
  creator still may use it (``hearth.api.policy.key_actor``); otherwise the request is
  refused (403, as Discourse refuses a bad key), never quietly downgraded to a visitor. Then
  ``Api-Username`` picks the member it acts as (:mod:`hearth.compat.policy`), and the key's
  scopes narrow what it may do (checked by the views). Such requests skip CSRF: they carry
  no cookie a browser would add on its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.api.models import ApiKey, KeyKind
from hearth.api.policy import key_actor
from hearth.api.services import key_matches, split_key
from hearth.communities.models import Community, Membership
from hearth.compat import policy
from hearth.core.actor import Actor
from hearth.core.db import best_effort

# Write "last used" at most this often per key, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


class KeyRefused(Exception):
    """The presented key or username cannot be used here (answered 403 invalid_access)."""


@dataclass(frozen=True)
class KeyAuth:
    key: ApiKey
    actor: Actor


def presented_key(request) -> str | None:
    """The ``Api-Key`` header, or None when the request sent none."""
    value = request.headers.get("Api-Key")
    return None if value is None else value.strip()


def authenticate(request, community: Community) -> KeyAuth:
    """The key's actor for this request, or :class:`KeyRefused`."""
    presented = presented_key(request) or ""
    parts = split_key(presented)
    key = ApiKey.objects.filter(prefix=parts[0]).first() if parts else None
    if key is None or not key_matches(key, presented) or key.community_id != community.pk:
        raise KeyRefused(_("The API key is invalid."))
    actor = key_actor(key)
    if actor is None:
        raise KeyRefused(_("The API key was revoked or can no longer be used."))
    username = (request.headers.get("Api-Username") or "").strip()
    actor = _acting_as(actor, username, community_key=key.kind == KeyKind.COMMUNITY)
    _record_use(key)
    return KeyAuth(key=key, actor=actor)


def _acting_as(actor: Actor, username: str, *, community_key: bool) -> Actor:
    if not username or username.lower() == actor.user.username.lower():
        return actor
    membership = (
        Membership.objects.filter(community=actor.community, user__username__iexact=username)
        .select_related("user", "community")
        .first()
    )
    if membership is None and username.lower() == policy.SYSTEM_USERNAME:
        return actor
    if reason := policy.act_as_denial(actor, membership, community_key=community_key):
        raise KeyRefused(reason)
    if membership.user_id == actor.user.pk:
        return actor
    return Actor(user=membership.user, community=membership.community, membership=membership)


def _record_use(key: ApiKey) -> None:
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_PRECISION:
        with best_effort("API key last use"):
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
