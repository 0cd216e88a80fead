"""``{% member_badges membership %}`` for profiles and ``{% recognition_panels %}`` (the
spotlight and featured content) for the community home."""

from django import template
from django.template.loader import render_to_string

from hearth.core import panel_cache
from hearth.discussions import policy as discussion_policy
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


@register.simple_tag(takes_context=True)
def recognition_panels(context):
    """The home page's "Member spotlight" and "Highlights from members" cards (two
    queries), with links to the badges and the leaderboard. The same for every viewer of
    one audience (staff or not, managing highlights or not), so the HTML is kept a few
    minutes (hearth.core.panel_cache) until content or recognition changes."""
    request = context["request"]
    community, actor = request.community, request.actor
    sees_in_review = discussion_policy.sees_posts_in_review(actor)
    can_manage = policy.can_manage_highlights(actor)

    def render():
        return render_to_string(
            "recognition/_panels.html",
            {
                "community": community,
                "spotlight": selectors.current_spotlight(community),
                "features": selectors.home_features(community, sees_in_review=sees_in_review),
                "can_manage_highlights": can_manage,
            },
        )

    audience = f"{'review' if sees_in_review else 'published'}-{'manage' if can_manage else 'read'}"
    return panel_cache.panel_html("recognition", community.pk, audience, render, version="content")
