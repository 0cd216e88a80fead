from django.conf import settings

from hearth.analytics.policy import can_view_health
from hearth.communities.policy import can_view_staff_pages
from hearth.moderation.policy import can_view_review_queue


def hearth(request):
    actor = getattr(request, "actor", None)
    return {
        "community": getattr(request, "community", None),
        "actor": actor,
        # The community navigation's Manage tab, on every community page.
        "can_view_staff_pages": actor is not None and can_view_staff_pages(actor),
        # The community navigation's Health tab (the health dashboard).
        "can_view_health": actor is not None and can_view_health(actor),
        # The Review tab: staff and trust level 4 leaders.
        "can_view_review_queue": actor is not None and can_view_review_queue(actor),
        "site_url": settings.SITE_URL,
    }
