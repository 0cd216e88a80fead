"""Making and revoking API keys (community keys and member keys, see models). The full key
exists only in the value returned by :func:`api_key_create`; the database keeps its prefix
and a SHA-256 hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.api import policy
from hearth.api.models import KIND_SCOPES, ApiKey, KeyKind
from hearth.communities.services import staff_log_record
from hearth.core.actor import Actor

KEY_PREFIX = "hth"
NAME_MAX = 80


def hash_key(key: str) -> str:
    # Keys carry 256 random bits, so a fast hash is enough (no password stretching).
    return hashlib.sha256(key.encode()).hexdigest()


def split_key(key: str) -> tuple[str, str] | None:
    """("prefix", "secret") of a well-formed key, else None."""
    parts = key.split("_", 2)  # the secret itself may contain "_"
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def key_matches(key: ApiKey, presented: str) -> bool:
    return hmac.compare_digest(key.secret_hash, hash_key(presented))


@transaction.atomic
def api_key_create(
    *, actor: Actor, name: str, kind: str = KeyKind.COMMUNITY, scopes=None
) -> tuple[ApiKey, str]:
    """A new key for the actor's community; returns it with the full key (show it once).

    A community key (owners and admins) acts for the community; a member key (any member)
    acts as its maker. ``scopes`` None gives every scope the kind allows."""
    policy.ensure_create_api_key(actor, kind)
    if kind not in KIND_SCOPES:
        raise ValidationError({"kind": [_("Choose a kind of key.")]})
    chosen = list(KIND_SCOPES[kind]) if scopes is None else policy.clean_scopes(kind, scopes)
    if chosen is None:
        raise ValidationError({"scopes": [_("Choose among the scopes offered.")]})
    if not chosen:
        raise ValidationError({"scopes": [_("Choose at least one scope.")]})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the key a name, e.g. what will use it.")]})
    if len(name) > NAME_MAX:
        raise ValidationError(
            {"name": [_("Keep the name under %(n)s characters.") % {"n": NAME_MAX}]}
        )
    prefix = secrets.token_hex(4)
    full = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        community=actor.community,
        created_by=actor.user,
        name=name,
        kind=kind,
        scopes=chosen,
        prefix=prefix,
        secret_hash=hash_key(full),
    )
    if kind == KeyKind.COMMUNITY:
        staff_log_record(
            actor,
            actor.community,
            "api_key.create",
            details={"key": prefix, "name": name, "scopes": chosen},
        )
    return key, full


@transaction.atomic
def api_key_revoke(*, actor: Actor, key: ApiKey) -> ApiKey:
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    policy.ensure_revoke_api_key(actor, key)
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    if key.kind == KeyKind.COMMUNITY:
        staff_log_record(
            actor, actor.community, "api_key.revoke", details={"key": key.prefix, "name": key.name}
        )
    return key
