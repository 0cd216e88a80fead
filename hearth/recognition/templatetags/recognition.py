"""``{% member_badges membership %}`` for profiles and ``{% recognition_panels %}`` (the
spotlight and featured content) for the community home."""

from django import template

from hearth.recognition import policy, selectors

register = template.Library()


@register.inclusion_tag("recognition/_member_badges.html", takes_context=True)
def member_badges(context, membership):
    """The badges a member holds, as chips linking to each badge's page (one query)."""
    if membership is None:
        return {"grants": []}
    community = context.get("community")
    if community is None or community.pk != membership.community_id:
        community = membership.community
    return {"grants": selectors.member_badges(membership), "community": community}


@register.inclusion_tag("recognition/_panels.html", takes_context=True)
def recognition_panels(context):
    """The home page's "Member spotlight" and "Highlights from members" cards (two
    queries), with links to the badges and the leaderboard."""
    request = context["request"]
    community, actor = request.community, request.actor
    return {
        "community": community,
        "spotlight": selectors.current_spotlight(community),
        "features": selectors.featured_for(actor, community),
        "can_manage_highlights": policy.can_manage_highlights(actor),
    }
