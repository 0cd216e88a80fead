"""Who may make, revoke and use API keys.

Owners and admins of a community make and revoke its keys. A key acts for its creator, so
it works only while the creator is still an active staff member of the key's community:
demoting, banning or the departure of its creator switches every key they made off."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from hearth.api.models import ApiKey
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


def revoke_api_key_denial(actor: Actor, key: ApiKey) -> str | None:
    if actor.community is None or key.community_id != actor.community.pk:
        return _("That key belongs to another community.")
    if (reason := manage_api_keys_denial(actor)) is not None:
        return reason
    if key.revoked_at is not None:
        return _("That key has already been revoked.")
    return None


def ensure_revoke_api_key(actor: Actor, key: ApiKey) -> None:
    _ensure(revoke_api_key_denial(actor, key))


def key_actor(key: ApiKey) -> Actor | None:
    """The actor a usable key acts as (its creator, in its community), or None when the
    key is revoked or its creator is no longer staff there. One query."""
    if key.revoked_at is not None:
        return None
    membership = (
        Membership.objects.filter(community_id=key.community_id, user_id=key.created_by_id)
        .select_related("user", "community")
        .first()
    )
    if membership is None or not membership.is_staff or not membership.user.is_active:
        return None
    return Actor(user=membership.user, community=membership.community, membership=membership)
