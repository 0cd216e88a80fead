"""The bell's unread count, kept in the cache per member.

Every signed-in page shows the bell, and counting the notifications a member may see builds
a visibility condition per community (``policy.visible_notifications``): about 7 ms of a
signed-in page's CPU, on every page. The count is kept instead, under versions covering
everything the count depends on (``hearth.core.versions``):

- **the member's own version**, bumped at every save or delete of their notifications,
  memberships, group memberships, blocks and account, and by the services that mark
  notifications read (a queryset update sends no signal);
- **a visibility version per community**, bumped by every change or delete of a topic,
  post, category, group or the community (not by new ones, which change no existing
  notification's visibility): a topic deleted, moved to a private category or held for
  review changes who sees its notifications.

A count computed under versions since retired is never served. ``.update()`` calls
elsewhere send no signal; the count also expires after ``KEEP_SECONDS``, which bounds that.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from hearth.communities.models import Membership
from hearth.core import versions
from hearth.notifications import policy

KEEP_SECONDS = 60
# Models whose changes decide who sees a community's notifications.
VISIBILITY_WATCHED = (
    "discussions.Topic",
    "discussions.Post",
    "discussions.Category",
    "groups.Group",
    "communities.Community",
)
# Models whose rows decide a member's count, with the field naming the member.
WATCHED = (
    ("notifications.Notification", "recipient_id"),
    ("communities.Membership", "user_id"),
    ("groups.GroupMembership", "user_id"),
    ("conversations.Block", "blocker_id"),
    ("accounts.User", "pk"),
)


def _version_key(user_id: int) -> str:
    return f"hearth:bell:v:{user_id}"


def _visibility_key(community_id: int) -> str:
    return f"hearth:bell:cv:{community_id}"


def bump(user_id: int | None) -> None:
    """The member's kept count is stale from now on (and again at the commit)."""
    if user_id is not None:
        versions.bump_now_and_on_commit(_version_key(user_id))


def unread_count(user) -> int:
    """The unread notifications the user may see, in all their communities: from the cache
    while every version it was counted under holds (no query), else counted (two queries;
    one when nothing is unread)."""
    communities_key, count_key = f"hearth:bell:c:{user.pk}", f"hearth:bell:n:{user.pk}"
    user_version, kept = versions.current_with(_version_key(user.pk), [communities_key, count_key])
    if user_version is None:  # no cache (Redis down): count
        return _count(user)
    communities = kept.get(communities_key)
    if communities is None or communities[0] != user_version:
        ids = sorted(Membership.objects.filter(user=user).values_list("community_id", flat=True))
        communities = (user_version, ids)
        cache.set(communities_key, communities, KEEP_SECONDS)
    content = versions.current_many([_visibility_key(pk) for pk in communities[1]])
    if None in content:
        return _count(user)
    stamp = hashlib.sha256(":".join([user_version, *content]).encode()).hexdigest()
    count = kept.get(count_key)
    if count is not None and count[0] == stamp:
        return count[1]
    unread = _count(user)
    cache.set(count_key, (stamp, unread), KEEP_SECONDS)
    return unread


def _count(user) -> int:
    return policy.visible_notifications(user, unread_only=True).count()


_member_field: dict = {}


def _on_write(sender, instance, **kwargs) -> None:
    bump(getattr(instance, _member_field[sender]))


def _on_visibility_write(sender, instance, created=False, **kwargs) -> None:
    if created:
        return
    community_id = instance.pk if sender._meta.label == "communities.Community" else None
    community_id = community_id or getattr(instance, "community_id", None)
    if community_id is not None:
        versions.bump_now_and_on_commit(_visibility_key(community_id))


def connect() -> None:
    """Subscribe the bumps (from NotificationsConfig.ready)."""
    from django.apps import apps

    for label in VISIBILITY_WATCHED:
        model = apps.get_model(label)
        uid = f"hearth.notifications.bell:visibility:{label}"
        post_save.connect(_on_visibility_write, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_on_visibility_write, sender=model, dispatch_uid=uid + ":delete")

    for label, field in WATCHED:
        model = apps.get_model(label)
        _member_field[model] = field
        uid = f"hearth.notifications.bell:{label}"
        post_save.connect(_on_write, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_on_write, sender=model, dispatch_uid=uid + ":delete")
