"""What may be seen from outside Hearth: by search engines, feed readers, link previews and
other sites' embeds. Every answer is the one the apps' own policies give an anonymous
visitor, whoever makes the request, so a signed-in member's fetch (or a cookie sent into an
iframe) can never put private content into a sitemap, feed, embed or share card."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hearth.communities import policy as community_policy
from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import Category, Post, Topic
from hearth.members import policy as member_policy
from hearth.members.models import MemberProfile


def public_actor(community: Community) -> Actor:
    """The anonymous visitor of this community."""
    return Actor.for_user(None, community)


def is_public(community: Community) -> bool:
    return community_policy.can_view_community(public_actor(community), community)


def public_categories(community: Community) -> QuerySet[Category]:
    return discussion_policy.visible_categories(public_actor(community), community)


def public_topics(community: Community) -> QuerySet[Topic]:
    return discussion_policy.visible_topics(public_actor(community), community)


def public_post_filter(community: Community) -> Q:
    """Posts an anonymous visitor may see by review state (held and flag-hidden ones not)."""
    return discussion_policy.in_review_filter(public_actor(community))


def public_posts(topic: Topic) -> QuerySet[Post]:
    """The posts of a public topic an anonymous visitor sees: published and not deleted."""
    return Post.objects.filter(
        public_post_filter(topic.community), topic=topic, deleted_at__isnull=True
    )


def public_profiles(community: Community) -> QuerySet[MemberProfile]:
    """Profiles listed to anonymous visitors: members who hid from the directory or from
    non-members are left out."""
    return member_policy.listed_profiles(public_actor(community), community)


def is_category_public(category: Category) -> bool:
    return discussion_policy.can_read_category(public_actor(category.community), category)


def is_topic_public(topic: Topic) -> bool:
    """Readable by an anonymous visitor, and a topic of its own (not a deleted topic kept
    as a pointer to the one it was merged into)."""
    return topic.deleted_at is None and discussion_policy.can_read_topic(
        public_actor(topic.community), topic
    )


def is_profile_public(profile: MemberProfile) -> bool:
    return member_policy.can_view_profile(public_actor(profile.community), profile)


def can_manage_embed(actor: Actor) -> bool:
    return community_policy.can_manage_community(actor)


def ensure_manage_embed(actor: Actor) -> None:
    community_policy.ensure_manage_community(actor)
