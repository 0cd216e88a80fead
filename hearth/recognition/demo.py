"""Recognition in the demo data: a couple of manual badges given with reasons, a member in
the spotlight, featured content, then the automatic badges and reputation computed from
the events the rest of the demo recorded."""

from __future__ import annotations

import random

from hearth.accounts.models import User
from hearth.communities.models import Community, Membership, MembershipStatus
from hearth.core.actor import Actor
from hearth.discussions.models import CategoryKind, Post, ReadAccess, Topic
from hearth.recognition import awards, reputation, services

MANUAL_BADGES = [
    (
        "🌟",
        "Community champion",
        "Goes out of their way to make everyone feel at home.",
        ["Welcomed half the newcomers this spring", "Always the first to say thanks"],
    ),
    # ("Event host" is automatic: hosting an event members came to, see rules.py.)
    (
        "📸",
        "Photo walk guide",
        "Showed members around a favourite spot with a camera.",
        ["Knows every bridge in the old town", "Led the sunrise walk in the dunes"],
    ),
]
SPOTLIGHT = (
    "{name} has answered more questions than anyone this month, always with patience and a "
    "photo to show what they mean. **Thank you** for making this a place people learn in!"
)


def populate(community: Community, staff_user: User, people: list[User], rng: random.Random):
    staff = Actor.for_user(staff_user, community)
    members = list(
        Membership.objects.filter(
            community=community, user__in=people, status=MembershipStatus.ACTIVE
        ).select_related("user")
    )
    if not members:
        return
    for icon, name, description, reasons in MANUAL_BADGES:
        badge = services.badge_create(actor=staff, name=name, description=description, icon=icon)
        for membership, reason in zip(
            rng.sample(members, k=min(2, len(members))), reasons, strict=False
        ):
            services.badge_grant(actor=staff, badge=badge, membership=membership, reason=reason)
    star = rng.choice(members)
    services.spotlight_set(
        actor=staff, membership=star, text=SPOTLIGHT.format(name=star.user.display_name)
    )
    public = Topic.objects.filter(
        community=community,
        deleted_at__isnull=True,
        merged_into__isnull=True,
        category__read_access=ReadAccess.EVERYONE,
    ).select_related("category", "author")
    idea = public.filter(category__kind=CategoryKind.IDEAS).order_by("-idea__vote_count").first()
    if idea is not None:
        services.feature_add(actor=staff, topic=idea, note="The idea members asked for most.")
    busiest = public.exclude(category__kind=CategoryKind.IDEAS).order_by("-post_count").first()
    if busiest is not None:
        reply = (
            Post.objects.filter(topic=busiest, number__gt=1, deleted_at__isnull=True)
            .order_by("-number")
            .first()
        )
        services.feature_add(
            actor=staff, topic=busiest, post=reply, note="A generous, practical answer."
        )
    awards.award_everyone(community)
    reputation.rebuild(community)
