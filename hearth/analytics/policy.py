"""Who may see a community's health figures, and nowhere else.

The dashboard, its drill-downs, the CSV export and the JSON API name members and show how
the community behaves, so they are for that community's own staff (owner, admin,
moderator) only. Everyone else, platform staff and staff of other communities included,
gets a 404: the page does not exist for them."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from hearth.core.actor import Actor


def view_health_denial(actor: Actor) -> str | None:
    if actor.community is None or actor.membership is None:
        return _("Only this community's staff can see its health.")
    if actor.membership.community_id != actor.community.pk:
        return _("Only this community's staff can see its health.")
    if not (actor.is_member and actor.is_staff):
        return _("Only this community's staff can see its health.")
    return None


def can_view_health(actor: Actor) -> bool:
    return view_health_denial(actor) is None


def ensure_view_health(actor: Actor) -> None:
    """Absent and forbidden look alike: a denial is a 404, never a 403."""
    if view_health_denial(actor) is not None:
        raise Http404


def view_business_figures_denial(actor: Actor) -> str | None:
    """The business figures (the customer list, the benefits tab, their exports and API)
    hold the organisation's customer data: owners and admins, and moderators the owner has
    given the analytics permission (``Membership.analytics_access``)."""
    denial = view_health_denial(actor)
    if denial is not None:
        return denial
    if not (actor.is_admin or actor.membership.analytics_access):
        return _("Only staff with the analytics permission can see the business figures.")
    return None


def can_view_business_figures(actor: Actor) -> bool:
    return view_business_figures_denial(actor) is None


def ensure_view_business_figures(actor: Actor) -> None:
    if view_business_figures_denial(actor) is not None:
        raise Http404
