import re

from hearth.communities import policy as community_policy
from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.growth import attribution

_COMMUNITY_PATH = re.compile(r"^/c/([-\w]+)/")


def arrival(request) -> dict:
    """On the account pages (sign-up, sign-in, email confirmation), the community the
    visitor is on their way to, from ``next`` or else the landing page they came from: its
    brand is the page's. A private community's brand shows only to a visitor holding one
    of its invites."""
    if not request.path.startswith("/accounts/") or request.user.is_authenticated:
        return {}
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    match = _COMMUNITY_PATH.match(next_url)
    slug = match.group(1) if match else attribution.last_landed(request.session)
    community = Community.objects.filter(slug=slug).first() if slug else None
    if community is None:
        return {}
    has_invite = bool(attribution.remembered(request.session, slug).invite)
    if not has_invite and not community_policy.can_view_community(
        Actor(user=None, community=community), community
    ):
        return {}
    return {"community": community, "arriving_to": community}
