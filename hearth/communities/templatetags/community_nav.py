"""``{% load community_nav %}{% community_nav_links "tab" %}``: the community's section
links (``hearth.communities.nav``), as the tab row ("tab") or the phone menu
("menu__item"); the links are worked out once per request for both."""

from django import template

from hearth.communities import nav

register = template.Library()


@register.inclusion_tag("communities/_nav_links.html", takes_context=True)
def community_nav_links(context, cls: str) -> dict:
    request, community = context["request"], context["community"]
    return {
        "cls": cls,
        "links": nav.links(request, community, context.get("actor")),
        "request": request,
        "community": community,
        "can_view_review_queue": context.get("can_view_review_queue"),
        "can_view_staff_pages": context.get("can_view_staff_pages"),
        "can_view_health": context.get("can_view_health"),
    }
