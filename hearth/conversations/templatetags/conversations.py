"""``{% load conversations %}{% messages_tab %}``: the community nav's Messages tab with the
member's unread count (one query on a partial index, once per request however many navs
show the tab; nothing for non-members)."""

import html

from django import template
from django.urls import reverse
from django.utils.html import strip_tags

from hearth.conversations import selectors

register = template.Library()


@register.inclusion_tag("conversations/_messages_tab.html", takes_context=True)
def messages_tab(context, css_class: str = "tab") -> dict:
    """``css_class`` styles the link: "tab" in the nav row, "menu__item" in the phone menu."""
    actor = context.get("actor")
    community = context.get("community")
    if actor is None or community is None or not actor.is_member:
        return {"show": False}
    url = reverse("conversations:inbox", args=[community.slug])
    request = context.get("request")
    if request is None:
        unread = selectors.unread_total(actor)
    else:
        if not hasattr(request, "_hearth_unread_messages"):
            request._hearth_unread_messages = selectors.unread_total(actor)
        unread = request._hearth_unread_messages
    return {
        "show": True,
        "url": url,
        "active": request is not None and request.path.startswith(url),
        "unread": unread,
        "css_class": css_class,
    }


@register.filter
def message_preview(body_html: str, length: int = 140) -> str:
    """The words of a stored message for the inbox (tags dropped, entities decoded; the
    template escapes the result)."""
    text = " ".join(html.unescape(strip_tags(body_html)).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
