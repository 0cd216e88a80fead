"""Who may see the benefits of a community, and who may change the estimate's assumptions.

Seeing the tab, its drill-downs, its export, its API and the weekly email's benefits
section is ``analytics.policy``'s business-figures permission: owners, admins, and
moderators given the analytics permission. Anyone else gets a 404. Changing the two
numbers behind the estimate (and its currency) is for owners and admins: a moderator who
may see the figures gets a 403 with the reason."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from hearth.analytics.policy import (
    can_view_business_figures,
    ensure_view_business_figures,
    view_business_figures_denial,
)
from hearth.core.actor import Actor

__all__ = [
    "can_change_settings",
    "can_view_business_figures",
    "change_settings_denial",
    "ensure_change_settings",
    "ensure_view_business_figures",
]


def change_settings_denial(actor: Actor) -> str | None:
    denial = view_business_figures_denial(actor)
    if denial is not None:
        return denial
    if not actor.is_admin:
        return _("Only the owner and admins can change the estimate's assumptions.")
    return None


def can_change_settings(actor: Actor) -> bool:
    return change_settings_denial(actor) is None


def ensure_change_settings(actor: Actor) -> None:
    """404 for whoever may not see the figures at all; 403 for staff who may see them but
    not change them."""
    ensure_view_business_figures(actor)
    denial = change_settings_denial(actor)
    if denial is not None:
        raise PermissionDenied(denial)
