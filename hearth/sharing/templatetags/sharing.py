from django import template

from hearth.core.converters import parse_id
from hearth.sharing.meta import card_for

register = template.Library()


@register.inclusion_tag("sharing/_head_meta.html", takes_context=True)
def share_meta(context, subject, description=""):
    """Description, canonical URL, share card and structured data for a page about
    ``subject`` (a community, category, topic or member profile), or only the given plain
    ``description`` when the page is not public (a crawler cannot reach it to index it)."""
    request = context["request"]
    path = request.path
    page = parse_id(request.GET.get("page", ""))
    if page is not None and page > 1:
        path = f"{path}?page={page}"
    return {
        "card": card_for(subject, path),
        "community": context.get("community"),
        "fallback_description": description,
    }
