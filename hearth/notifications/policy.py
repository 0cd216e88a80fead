"""Who may receive and see a notification. Checked when a notification is made, and again
whenever one is listed, counted, opened or emailed: a member never hears about what they
may not read *now* (moved to a private category, deleted, hidden in review, their
membership ended, the actor blocked)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from hearth.communities.models import Membership, MembershipStatus
from hearth.conversations.models import Block
from hearth.core.actor import Actor
from hearth.discussions import policy as discussion_policy
from hearth.notifications.models import Kind, Notification

if TYPE_CHECKING:
    from hearth.accounts.models import User
    from hearth.communities.models import Community
    from hearth.discussions.models import Post, Topic

# About the member themselves, not community content: told even when their membership is
# suspended, banned or declined (the decision is the news), never after they left.
PERSONAL_KINDS = frozenset({Kind.JOIN_DECISION, Kind.MODERATION})


def can_receive(
    membership: Membership | None,
    kind: str,
    *,
    topic: Topic | None = None,
    post: Post | None = None,
    blocked_actor: bool = False,
) -> bool:
    """May the member of ``membership`` hear about this now?"""
    if membership is None or not membership.user.is_active:
        return False
    if membership.status == MembershipStatus.LEFT:
        return False
    if kind in PERSONAL_KINDS:
        return True
    if blocked_actor:
        return False
    actor = Actor(user=membership.user, community=membership.community, membership=membership)
    if not actor.is_member:
        return False
    if topic is not None and (
        topic.deleted_at is not None or not discussion_policy.can_read_topic(actor, topic)
    ):
        return False
    return post is None or (post.deleted_at is None and discussion_policy.can_see_post(actor, post))


def _readable_in(membership: Membership) -> Q:
    """The recipient's notifications in one community that pass :func:`can_receive`."""
    personal = Q(kind__in=PERSONAL_KINDS)
    if membership.status == MembershipStatus.LEFT:
        return Q(pk__in=[])
    actor = Actor(user=membership.user, community=membership.community, membership=membership)
    if not actor.is_member:
        return Q(community_id=membership.community_id) & personal
    content = (
        Q(topic__isnull=True)
        | (
            Q(topic__deleted_at__isnull=True)
            & discussion_policy.readable_categories_filter(actor, "topic__category__")
            & discussion_policy.in_review_filter(actor, "topic__")
        )
    ) & (
        Q(post__isnull=True)
        | (Q(post__deleted_at__isnull=True) & discussion_policy.in_review_filter(actor, "post__"))
    )
    return Q(community_id=membership.community_id) & (personal | content)


def visible_notifications(
    user: User, community: Community | None = None, *, unread_only: bool = False
) -> QuerySet:
    """The user's notifications they may see now, in one community or in all of them. One
    query for the memberships; the rest is a filter on the notifications query.

    ``unread_only``: only the unread ones (the bell's count), and only memberships whose
    community holds one of them build a condition (an EXISTS on the partial unread index,
    inside the memberships query): with nothing unread, no second query and no filter to
    build. Exact, since a notification outside the user's memberships is never visible."""
    if not user.is_active:
        return Notification.objects.none()
    memberships = Membership.objects.filter(user=user).select_related("user", "community")
    if community is not None:
        memberships = memberships.filter(community=community)
    if unread_only:
        memberships = memberships.filter(
            Exists(
                Notification.objects.filter(
                    recipient=user, community=OuterRef("community"), read_at__isnull=True
                )
            )
        )
    readable = Q(pk__in=[])
    found = False
    for membership in memberships:
        readable |= _readable_in(membership)
        found = True
    if unread_only and not found:
        return Notification.objects.none()
    blocked = Block.objects.filter(
        blocker=user, community_id=OuterRef("community_id"), blocked_id=OuterRef("actor_id")
    )
    visible = Notification.objects.filter(readable, recipient=user).exclude(
        Exists(blocked) & ~Q(kind__in=PERSONAL_KINDS)
    )
    return visible.filter(read_at__isnull=True) if unread_only else visible
