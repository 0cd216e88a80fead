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
