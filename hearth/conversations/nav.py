"""The Messages tab in the community's section links, with the member's unread count (kept
per member, ``unread``; no tab for non-members)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext

from hearth.communities.nav import NavLink
from hearth.conversations import selectors


def messages_link(request, actor) -> NavLink | None:
    if not actor.is_member:
        return None
    url = reverse("conversations:inbox", args=[actor.community.slug])
    active = request.path.startswith(url)
    return NavLink(
        gettext("Messages"),
        url,
        active=active,
        current=active,
        count=selectors.unread_total(actor),
        count_class="dm-tab-count",
    )
