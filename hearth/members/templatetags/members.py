"""``{% load members %}{% members_like_you %}``: the "members like you" card, for the
community home. Renders nothing for visitors who are not members (and runs no query).

Its ~12 queries are the home's costliest panel, so the HTML is kept per member for a few
minutes (hearth.core.panel_cache), until a membership, a profile or a category of the
community changes."""

from django import template
from django.template.loader import render_to_string

from hearth.core import panel_cache
from hearth.members import like_you, policy

register = template.Library()


@register.simple_tag(takes_context=True)
def members_like_you(context):
    request = context.get("request")
    actor = getattr(request, "actor", None)
    community = getattr(request, "community", None)
    if actor is None or community is None or not policy.can_see_suggestions(actor):
        return ""

    def render():
        return render_to_string(
            "members/_members_like_you.html",
            {"community": community, "suggestions": like_you.members_like_you(actor, community)},
        )

    return panel_cache.panel_html("like-you", community.pk, f"user-{actor.user.pk}", render)
