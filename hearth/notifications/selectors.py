"""Reading notifications and preferences. Every list and count goes through
``policy.visible_notifications``, so what a member may no longer read disappears from the
list, the count and the emails at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import Http404
from django.urls import reverse

from hearth.notifications import bell, policy
from hearth.notifications.models import (
    BUILT_IN_CHANNELS,
    CommunityDefault,
    DigestFrequency,
    DigestSubscription,
    Kind,
    Notification,
    Preference,
)

if TYPE_CHECKING:
    from hearth.accounts.models import User
    from hearth.communities.models import Community

PER_PAGE = 30


def global_channel(kind: str) -> str:
    """The install-wide default (HEARTH_NOTIFICATION_DEFAULTS, else built in)."""
    return settings.HEARTH_NOTIFICATION_DEFAULTS.get(kind) or BUILT_IN_CHANNELS[kind]


def community_channels(community: Community) -> dict[str, str]:
    """Each kind's channel for members who chose nothing: the owner's default, else global."""
    chosen = dict(
        CommunityDefault.objects.filter(community=community).values_list("kind", "channel")
    )
    return {kind: chosen.get(kind) or global_channel(kind) for kind in Kind.values}


def channels_for(community: Community, user_ids: Iterable[int]) -> Callable[[int, str], str]:
    """A lookup ``(user_id, kind) -> channel`` for these members, in two queries."""
    defaults = community_channels(community)
    chosen = {
        (user_id, kind): channel
        for user_id, kind, channel in Preference.objects.filter(
            community=community, user_id__in=list(user_ids)
        ).values_list("user_id", "kind", "channel")
    }
    return lambda user_id, kind: chosen.get((user_id, kind)) or defaults[kind]


def member_channels(user: User, community: Community) -> dict[str, str]:
    lookup = channels_for(community, [user.pk])
    return {kind: lookup(user.pk, kind) for kind in Kind.values}


def digest_subscription(user: User, community: Community) -> DigestSubscription:
    """The member's digest settings (unsaved defaults when they never chose)."""
    return DigestSubscription.objects.filter(user=user, community=community).first() or (
        DigestSubscription(
            user=user,
            community=community,
            frequency=settings.HEARTH_DIGEST_DEFAULT
            if settings.HEARTH_DIGEST_DEFAULT in DigestFrequency.values
            else DigestFrequency.WEEKLY,
        )
    )


def unread_count(user: User, community: Community | None = None) -> int:
    """Unread notifications the user may see, in one community or all (two queries; one
    when nothing is unread; in all of them, kept in the cache: ``bell``)."""
    if user is None or not user.is_authenticated:
        return 0
    if community is None:
        return bell.unread_count(user)
    return policy.visible_notifications(user, community, unread_only=True).count()


def notification_list(user: User, community: Community | None = None):
    """Newest first, with what the list shows joined in (constant queries per page)."""
    return (
        policy.visible_notifications(user, community)
        .select_related("actor", "topic", "post", "community")
        .order_by("-created_at", "-id")
    )


def notification_for(user: User, notification_id: int) -> Notification:
    """The user's own notification, if they may still see it; 404 otherwise (another
    member's notifications look absent)."""
    notification = (
        policy.visible_notifications(user)
        .filter(pk=notification_id)
        .select_related("topic__category", "post__topic__category", "community")
        .first()
    )
    if notification is None:
        raise Http404
    return notification


def target_url(notification: Notification) -> str:
    """Where opening a notification that is not about one post leads (a path)."""
    slug = notification.community.slug
    kind = notification.kind
    if (
        kind in (Kind.EVENT_REMINDER, Kind.EVENT_SEAT, Kind.EVENT_CANCELLED)
        and notification.object_id
    ):
        url = reverse("events:detail", args=[slug, notification.object_id])
        day = notification.data.get("occurrence")
        return f"{url}?on={day}" if day else url
    if kind == Kind.PROPOSAL and notification.object_id:
        return reverse("governance:proposal", args=[slug, notification.object_id])
    if kind == Kind.ELECTION and notification.object_id:
        if notification.object_type == "elections.recall":
            return reverse("elections:recall", args=[slug, notification.object_id])
        return reverse("elections:detail", args=[slug, notification.object_id])
    if notification.topic_id is not None:
        return reverse(
            "discussions:topic", args=[slug, notification.topic.slug, notification.topic_id]
        )
    if kind == Kind.MESSAGE and notification.object_id:
        return reverse("conversations:conversation", args=[slug, notification.object_id])
    if kind == Kind.BADGE and notification.object_id:
        return reverse("recognition:badge", args=[slug, notification.object_id])
    if kind == Kind.MODERATION:
        verb = notification.data.get("verb", "")
        if verb.startswith(("sanction.", "appeal.")):
            return reverse("moderation:sanction", args=[slug])
        if verb == "flag.resolved":
            return reverse("moderation:my-flags", args=[slug])
    return reverse("communities:home", args=[slug])
