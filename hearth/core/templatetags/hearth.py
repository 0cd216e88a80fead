from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ counts|get_item:key }}`` for dict lookups with a variable key."""
    if not isinstance(mapping, dict):
        return None
    return mapping.get(key)


def _iso(value):
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@register.filter
def isotime(value):
    """A ``<time datetime>`` value: ISO 8601 in the viewer's zone, to the second.

    The HTML spec allows no microseconds, which ``|date:'c'`` prints.
    """
    if not isinstance(value, datetime):
        return ""
    return _iso(value)


def short_ago(value, now=None):
    """How long ago, in the fewest characters a list can afford.

    "now", "5m", "3h", "2d", "7w", then a date: "8 Nov", "Nov 2024".
    """
    now = now or timezone.now()
    seconds = max((now - value).total_seconds(), 0)
    if seconds < 60:
        return gettext("now")
    if seconds < 3600:
        return gettext("%(n)dm") % {"n": seconds // 60}
    if seconds < 86400:
        return gettext("%(n)dh") % {"n": seconds // 3600}
    days = seconds // 86400
    if days < 7:
        return gettext("%(n)dd") % {"n": days}
    if days < 84:
        return gettext("%(n)dw") % {"n": days // 7}
    local = timezone.localtime(value)
    if days < 330:
        return date_format(local, "j M")
    return date_format(local, "M Y")


@register.simple_tag
def reltime(value, css_class=""):
    """``<time>``: a short relative time as text, the full date in ``datetime`` and ``title``."""
    if not isinstance(value, datetime):
        return ""
    full = date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return format_html(
        '<time{} datetime="{}" title="{}">{}</time>',
        format_html(' class="{}"', css_class) if css_class else "",
        _iso(value),
        full,
        short_ago(value),
    )
