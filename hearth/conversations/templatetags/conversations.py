"""``{% load conversations %}``: the inbox's filters."""

import html

from django import template
from django.utils.html import strip_tags

register = template.Library()


@register.filter
def message_preview(body_html: str, length: int = 140) -> str:
    """The words of a stored message for the inbox (tags dropped, entities decoded; the
    template escapes the result)."""
    text = " ".join(html.unescape(strip_tags(body_html)).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
