"""``{% load members %}{% members_like_you %}``: the "members like you" card, for the
community home. Renders nothing for visitors who are not members (and runs no query)."""

from django import template

from hearth.members import policy, selectors

register = template.Library()


@register.inclusion_tag("members/_members_like_you.html", takes_context=True)
def members_like_you(context):
    request = context.get("request")
    actor = getattr(request, "actor", None)
    community = getattr(request, "community", None)
    if actor is None or community is None or not policy.can_see_suggestions(actor):
        return {"hidden": True}
    return {
        "community": community,
        "suggestions": selectors.members_like_you(actor, community),
    }
