from django import template
from django.urls import reverse

from hearth.notifications import selectors

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context) -> dict:
    """The bell with the unread count, counted once per request (two small queries, one
    when nothing is unread)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    if not hasattr(request, "_hearth_unread_notifications"):
        request._hearth_unread_notifications = selectors.unread_count(user)
    return {
        "show": True,
        "url": reverse("notifications:list"),
        "count_url": reverse("notifications:unread-count"),
        "unread": request._hearth_unread_notifications,
    }
