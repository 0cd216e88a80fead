"""Who may make, revoke and use API keys, and what a key may do.

Owners and admins of a community make and revoke its community keys. A community key acts
for its creator, so it works only while the creator is still an active staff member of the
key's community: demoting, banning or the departure of its creator switches every key they
made off. Any member makes and revokes their own member keys, which act as them and stop
working when they leave, are banned or deactivated.

What a key's actor may do is decided by the same policy functions as the pages; a key's
scopes only narrow it (:func:`scope_denial`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from hearth.api.models import KIND_SCOPES, ApiKey, KeyKind
from hearth.communities.models import Membership
from hearth.core.actor import Actor


def _ensure(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDenied(reason)


def manage_api_keys_denial(actor: Actor) -> str | None:
    if not actor.is_admin:
        return _("Only the community's owners and admins can manage API keys.")
    return None


def can_manage_api_keys(actor: Actor) -> bool:
    return manage_api_keys_denial(actor) is None


def ensure_manage_api_keys(actor: Actor) -> None:
    _ensure(manage_api_keys_denial(actor))


def manage_own_api_keys_denial(actor: Actor) -> str | None:
    """Member keys: any active member, for themself."""
    if not actor.is_member:
        return _("Join the community to make API keys.")
    return None


def can_manage_own_api_keys(actor: Actor) -> bool:
    return manage_own_api_keys_denial(actor) is None


def ensure_manage_own_api_keys(actor: Actor) -> None:
    _ensure(manage_own_api_keys_denial(actor))


def create_api_key_denial(actor: Actor, kind: str) -> str | None:
    if kind == KeyKind.MEMBER:
        return manage_own_api_keys_denial(actor)
    return manage_api_keys_denial(actor)


def ensure_create_api_key(actor: Actor, kind: str) -> None:
    _ensure(create_api_key_denial(actor, kind))


def revoke_api_key_denial(actor: Actor, key: ApiKey) -> str | None:
    if actor.community is None or key.community_id != actor.community.pk:
        return _("That key belongs to another community.")
    if key.kind == KeyKind.MEMBER:
        if actor.user is None or key.created_by_id != actor.user.pk:
            return _("You can only revoke your own keys.")
    elif (reason := manage_api_keys_denial(actor)) is not None:
        return reason
    if key.revoked_at is not None:
        return _("That key has already been revoked.")
    return None


def ensure_revoke_api_key(actor: Actor, key: ApiKey) -> None:
    _ensure(revoke_api_key_denial(actor, key))


def key_actor(key: ApiKey) -> Actor | None:
    """The actor a usable key acts as (its creator, in its community), or None when the
    key is revoked, its creator is deactivated, or, for a community key, no longer staff
    there; for a member key, no longer a member (left, banned). One query."""
    if key.revoked_at is not None:
        return None
    membership = (
        Membership.objects.filter(community_id=key.community_id, user_id=key.created_by_id)
        .select_related("user", "community")
        .first()
    )
    if membership is None or not membership.user.is_active:
        return None
    if key.kind == KeyKind.MEMBER:
        if not membership.is_active:
            return None
    elif not membership.is_staff:
        return None
    return Actor(user=membership.user, community=membership.community, membership=membership)


def scope_denial(key: ApiKey | None, scope: str) -> str | None:
    """Whether a request may use ``scope``: a session (``key`` None) has every scope, the
    policy alone decides; a key only those it was given (and its kind allows)."""
    if key is None or key.has_scope(scope):
        return None
    if scope not in KIND_SCOPES.get(key.kind, ()):
        return _("A %(kind)s cannot have the “%(scope)s” scope.") % {
            "kind": key.get_kind_display().lower(),
            "scope": scope,
        }
    return _("This key does not have the “%(scope)s” scope.") % {"scope": scope}


def clean_scopes(kind: str, scopes) -> list[str] | None:
    """The scopes as stored (known, allowed for the kind, in a fixed order), or None when
    one is not allowed."""
    allowed = KIND_SCOPES.get(kind, ())
    chosen = set(scopes or ())
    if not chosen <= set(allowed):
        return None
    return [scope for scope in allowed if scope in chosen]
