"""``{% newcomer_panel %}``: on the community home, the welcome card and checklist progress
for newcomers, and for welcomers how many first posts wait for a welcome."""

from django import template

from hearth.core.db import best_effort
from hearth.onboarding import selectors, services

register = template.Library()

SEEN_KEY = "hearth_welcome_seen"  # session: communities whose welcome message was shown


def _first_sight(request, community_id: int) -> bool:
    """True the first time this session shows the community's welcome message (it opens
    unfolded then, folded afterwards)."""
    session = getattr(request, "session", None)
    if session is None:
        return True
    seen = session.get(SEEN_KEY, [])
    if community_id in seen:
        return False
    session[SEEN_KEY] = [*seen, community_id][-50:]
    return True


@register.inclusion_tag("onboarding/_newcomer_panel.html", takes_context=True)
def newcomer_panel(context) -> dict:
    request = context.get("request")
    actor = getattr(request, "actor", None)
    panel = selectors.newcomer_panel(actor) if actor is not None else None
    if panel is not None and panel["progress"].is_complete:
        # Reading the guide leaves no event, so completion may first be noticed here; once
        # recorded, the checklist leaves the home page.
        with best_effort("checklist completion"):
            services.checklist_record_completion(community=actor.community, user=actor.user)
        panel["just_completed"] = True
    if panel is not None and panel["message"] is not None:
        panel["open_message"] = _first_sight(request, actor.community.pk)
    waiting = 0
    if panel is None and actor is not None and actor.is_member:
        waiting = selectors.waiting_for_welcome(actor)
    return {
        "panel": panel,
        "waiting": waiting,
        "community": getattr(request, "community", None),
        "request": request,
    }
