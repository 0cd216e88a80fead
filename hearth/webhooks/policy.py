"""Who may manage a community's webhooks: its owners and admins (a webhook sends what
they may see, staff-only categories and moderation included). Moderators, members and
visitors may not."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from hearth.core.actor import Actor


def _ensure(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDenied(reason)


def manage_webhooks_denial(actor: Actor) -> str | None:
    if actor.community is None or not actor.is_admin:
        return _("Only the community's owners and admins can manage webhooks.")
    return None


def can_manage_webhooks(actor: Actor) -> bool:
    return manage_webhooks_denial(actor) is None


def ensure_manage_webhooks(actor: Actor) -> None:
    _ensure(manage_webhooks_denial(actor))


def ensure_manage_endpoint(actor: Actor, endpoint) -> None:
    """Tenant first: an endpoint of another community is refused as well as a non-admin."""
    if actor.community is None or endpoint.community_id != actor.community.pk:
        raise PermissionDenied(_("That webhook belongs to another community."))
    ensure_manage_webhooks(actor)
