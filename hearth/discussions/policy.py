"""Every permission decision about categories, topics and posts.

Reading is decided by category (who may read it, and, for a group's category, whether the
group is open to the reader) on top of the community's own visibility. That decision is
written once, in :func:`readable_categories_filter` (a ``Q`` for lists) and its per-object
twin :func:`can_read_category`; search, feeds, notifications, the sitemap, the API and
analytics use them (or ``visible_categories`` / ``visible_topics`` built on them) so they can
never show more than the pages do."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from hearth.communities import policy as community_policy
from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.discussions.models import (
    Attachment,
    Category,
    Post,
    PostAccess,
    ReadAccess,
    ReviewState,
    Topic,
)
from hearth.groups.models import GroupMembership, MembershipStatus, Visibility
from hearth.trust import policy as trust_policy


def _ensure(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDenied(reason)


def _in_community(actor: Actor, obj) -> bool:
    return actor.community is not None and obj.community_id == actor.community.pk


def readable_access_levels(actor: Actor) -> list[str]:
    """The category read levels this actor may read (their community already visible). In
    a private community "everyone" means its members: pending applicants, banned and
    suspended members may open it to be told where they stand, and read nothing."""
    if actor.community is not None and not community_policy.sees_inside(actor, actor.community):
        return []
    levels = [ReadAccess.EVERYONE]
    if actor.is_member or actor.is_platform_staff:
        levels.append(ReadAccess.MEMBERS)
    if actor.is_staff or actor.is_platform_staff:
        levels.append(ReadAccess.STAFF)
    if actor.is_admin or actor.is_platform_staff:
        levels.append(ReadAccess.ADMINS)
    return levels


def sees_every_group(actor: Actor) -> bool:
    """Community staff (for moderation) and platform staff read every group's categories."""
    return actor.is_staff or actor.is_platform_staff


def _member_group_ids(actor: Actor):
    """The groups whose categories the actor reads as a member: active group memberships of
    an active community member (a subquery, so it costs no query of its own)."""
    return GroupMembership.objects.filter(
        community=actor.community, user=actor.user, status=MembershipStatus.MEMBER
    ).values("group_id")


def readable_categories_filter(actor: Actor, prefix: str = "") -> Q:
    """THE reading rule for lists, as a ``Q`` on categories (``prefix`` reaches them from
    another model, e.g. ``"topic__category__"``): the category's read level is one the
    actor holds, and it belongs to no group, to a public group, or to a group the actor is
    a member of (staff see every group's, to moderate). The community's own visibility is
    the caller's (``visible_categories`` checks it)."""
    condition = Q(**{f"{prefix}read_access__in": readable_access_levels(actor)})
    if sees_every_group(actor):
        return condition
    groups = Q(**{f"{prefix}group__isnull": True}) | Q(
        **{f"{prefix}group__visibility": Visibility.PUBLIC}
    )
    if actor.is_member:
        groups |= Q(**{f"{prefix}group_id__in": _member_group_ids(actor)})
    return condition & groups


def readable_filter_key(actor: Actor) -> tuple:
    """What :func:`readable_categories_filter` depends on besides the user: actors of one
    user with equal keys get equal filters (search builds one condition per key). A
    member's groups are those of the actor's community, so that community is in the key."""
    groups_of = actor.community.pk if actor.is_member and not sees_every_group(actor) else None
    return (tuple(readable_access_levels(actor)), sees_every_group(actor), groups_of)


def readable_audience_key(actor: Actor) -> str:
    """Equal for two actors exactly when :func:`readable_categories_filter` reads the same
    categories for both, so HTML built from what one reads may be shared with the other:
    the read levels, and the private or secret groups whose categories the actor reads as
    a member (one query, for members only)."""
    levels = "-".join(sorted(readable_access_levels(actor)))
    if sees_every_group(actor):
        return f"{levels}:every-group"
    if not actor.is_member:
        return f"{levels}:public-groups"
    groups = sorted(
        _member_group_ids(actor)
        .exclude(group__visibility=Visibility.PUBLIC)
        .values_list("group_id", flat=True)
    )
    return f"{levels}:groups-{'.'.join(map(str, groups))}"


def readable_by_every_member_filter(prefix: str = "") -> Q:
    """Categories every member of the community may read (onboarding guides, welcome
    topics): open to members, in no group or a public one."""
    return Q(**{f"{prefix}read_access__in": (ReadAccess.EVERYONE, ReadAccess.MEMBERS)}) & (
        Q(**{f"{prefix}group__isnull": True})
        | Q(**{f"{prefix}group__visibility": Visibility.PUBLIC})
    )


def readable_by_every_member(category: Category) -> bool:
    return category.read_access in (ReadAccess.EVERYONE, ReadAccess.MEMBERS) and (
        category.group_id is None or category.group.visibility == Visibility.PUBLIC
    )


def readable_by_every_visitor(category: Category) -> bool:
    """Whether a signed-out visitor of a visible community may read the category."""
    return category.read_access == ReadAccess.EVERYONE and (
        category.group_id is None or category.group.visibility == Visibility.PUBLIC
    )


def _group_allows(actor: Actor, category: Category) -> bool:
    if category.group_id is None or sees_every_group(actor):
        return True
    if category.group.visibility == Visibility.PUBLIC:
        return True
    return (
        actor.is_member
        and GroupMembership.objects.filter(
            community=category.community_id,
            group_id=category.group_id,
            user=actor.user,
            status=MembershipStatus.MEMBER,
        ).exists()
    )


def sees_posts_in_review(actor: Actor) -> bool:
    return actor.is_staff or actor.is_platform_staff


def in_review_filter(actor: Actor, prefix: str = "") -> Q:
    """The rows (posts, or topics through their first post) the actor may see by review
    state: published ones, and their own held or flag-hidden ones; staff see all. Every list
    of posts or topics applies it, so a post in review is out of sight everywhere at once."""
    if sees_posts_in_review(actor):
        return Q()
    condition = Q(**{f"{prefix}review_state": ReviewState.PUBLISHED})
    if actor.user is not None:
        condition |= Q(**{f"{prefix}author": actor.user})
    return condition


def _sees_in_review(actor: Actor, obj: Post | Topic) -> bool:
    return (
        obj.review_state == ReviewState.PUBLISHED
        or sees_posts_in_review(actor)
        or (actor.user is not None and actor.user.pk == obj.author_id)
    )


def can_see_post(actor: Actor, post: Post) -> bool:
    """The post itself (its topic already readable): hidden while in review from everyone
    but its author and staff."""
    return _sees_in_review(actor, post)


def visible_categories(actor: Actor, community: Community) -> QuerySet[Category]:
    if not community_policy.can_view_community(actor, community):
        return Category.objects.none()
    return Category.objects.filter(readable_categories_filter(actor), community=community)


def visible_topics(actor: Actor, community: Community) -> QuerySet[Topic]:
    return Topic.objects.filter(
        in_review_filter(actor),
        community=community,
        category__in=visible_categories(actor, community),
        deleted_at__isnull=True,
    )


def can_read_category(actor: Actor, category: Category) -> bool:
    return (
        _in_community(actor, category)
        and community_policy.can_view_community(actor, actor.community)
        and category.read_access in readable_access_levels(actor)
        and _group_allows(actor, category)
    )


def can_read_topic(actor: Actor, topic: Topic) -> bool:
    """Deleted topics stay readable to staff, who may restore them; a merged topic's
    address stays valid for everyone, as a pointer to where its posts went."""
    if not _in_community(actor, topic) or not can_read_category(actor, topic.category):
        return False
    if not _sees_in_review(actor, topic):
        return False
    return topic.deleted_at is None or actor.is_staff or topic.merged_into_id is not None


def can_read_attachment(actor: Actor, attachment: Attachment) -> bool:
    """Whoever may read the post an upload came with may fetch it: a deleted post's files
    only staff, who may still read (and restore) its text."""
    post = attachment.post
    if (
        post is None
        or not _in_community(actor, attachment)
        or not can_read_topic(actor, post.topic)
    ):
        return False
    return not post.is_deleted or actor.is_staff


def start_topic_denial(actor: Actor, category: Category) -> str | None:
    if not can_read_category(actor, category):
        return _("That category does not exist.")
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if category.post_access == PostAccess.STAFF and not actor.is_staff:
        return _("Only staff can start topics in %(name)s.") % {"name": category.name}
    if category.group_id is not None:
        from hearth.groups.policy import post_in_group_denial

        return post_in_group_denial(actor, category.group)
    return None


def move_topic_to_denial(actor: Actor, category: Category) -> str | None:
    """Where a topic may be moved (the mover may already edit its details): staff into any
    category they read; others only where they could start it (a group's category, a
    staff-only one, are not theirs to fill)."""
    if not can_read_category(actor, category):
        return _("Choose a category of this community.")
    if actor.is_staff:
        return None
    return start_topic_denial(actor, category)


def can_start_topic(actor: Actor, category: Category) -> bool:
    return start_topic_denial(actor, category) is None


def ensure_start_topic(actor: Actor, category: Category) -> None:
    _ensure(start_topic_denial(actor, category))


def reply_denial(actor: Actor, topic: Topic) -> str | None:
    if not can_read_topic(actor, topic):
        return _("That topic does not exist.")
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if topic.deleted_at is not None:
        return _("This topic was deleted.")
    if topic.is_archived:
        return _("This topic is archived: it is kept for reading only.")
    if topic.is_closed:
        return _("This topic is closed to new replies.")
    return None


def can_reply(actor: Actor, topic: Topic) -> bool:
    return reply_denial(actor, topic) is None


def ensure_reply(actor: Actor, topic: Topic) -> None:
    _ensure(reply_denial(actor, topic))


def edit_post_denial(actor: Actor, post: Post) -> str | None:
    if not can_read_topic(actor, post.topic):
        return _("That post does not exist.")
    return _edit_rule(actor, post)


def _edit_rule(actor: Actor, post: Post) -> str | None:
    """Editing, once the topic is known to be readable (so for every right below)."""
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if post.is_deleted:
        return _("A deleted post cannot be edited.")
    if post.topic.is_archived:
        return _("This topic is archived: it is kept for reading only.")
    if actor.user.pk != post.author_id and not actor.is_staff:
        return _("You can only edit your own posts.")
    return None


def can_edit_post(actor: Actor, post: Post) -> bool:
    return edit_post_denial(actor, post) is None


def ensure_edit_post(actor: Actor, post: Post) -> None:
    _ensure(edit_post_denial(actor, post))


def delete_post_denial(actor: Actor, post: Post) -> str | None:
    if not can_read_topic(actor, post.topic):
        return _("That post does not exist.")
    return _delete_rule(actor, post)


def _delete_rule(actor: Actor, post: Post) -> str | None:
    if post.is_deleted:
        return _("That post is already deleted.")
    if actor.is_staff:
        return None
    if actor.user is None or actor.user.pk != post.author_id or not actor.is_member:
        return _("You can only delete your own posts.")
    if post.number == 1 and post.topic.post_count > 1:
        return _("This topic has replies; ask staff to delete it.")
    return None


def can_delete_post(actor: Actor, post: Post) -> bool:
    return delete_post_denial(actor, post) is None


def ensure_delete_post(actor: Actor, post: Post) -> None:
    _ensure(delete_post_denial(actor, post))


def restore_post_denial(actor: Actor, post: Post) -> str | None:
    if not can_read_topic(actor, post.topic):
        return _("That post does not exist.")
    return _restore_rule(actor, post)


def _restore_rule(actor: Actor, post: Post) -> str | None:
    if not actor.is_staff:
        return _("Only staff can restore deleted posts.")
    if not post.is_deleted:
        return _("That post is not deleted.")
    return None


def can_restore_post(actor: Actor, post: Post) -> bool:
    return restore_post_denial(actor, post) is None


def ensure_restore_post(actor: Actor, post: Post) -> None:
    _ensure(restore_post_denial(actor, post))


def react_denial(actor: Actor, post: Post) -> str | None:
    if not can_read_topic(actor, post.topic):
        return _("That post does not exist.")
    return _react_rule(actor, post)


def _react_rule(actor: Actor, post: Post) -> str | None:
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if post.is_deleted:
        return _("You cannot react to a deleted post.")
    if post.topic.is_archived:
        return _("This topic is archived: it is kept for reading only.")
    if actor.user.pk == post.author_id:
        return _("You cannot react to your own post.")
    return None


def can_react(actor: Actor, post: Post) -> bool:
    return react_denial(actor, post) is None


def ensure_react(actor: Actor, post: Post) -> None:
    _ensure(react_denial(actor, post))


def flag_post_denial(actor: Actor, post: Post) -> str | None:
    """What discussions knows about flagging a post (the moderation app adds the rest: a
    member flags a post once)."""
    if not can_read_topic(actor, post.topic) or not can_see_post(actor, post):
        return _("That post does not exist.")
    return _flag_rule(actor, post)


def _flag_rule(actor: Actor, post: Post) -> str | None:
    if actor.user is None:
        return _("Sign in to flag a post.")
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if post.is_deleted:
        return _("That post was deleted.")
    if actor.user.pk == post.author_id:
        return _("You cannot flag your own post.")
    if post.is_in_review:
        return _("That post is already waiting for the moderators.")
    return None


def can_flag_post(actor: Actor, post: Post) -> bool:
    return flag_post_denial(actor, post) is None


def set_post_rights(actor: Actor, topic: Topic, posts: list[Post]) -> None:
    """``can_edit``, ``can_delete``, ``can_restore``, ``can_react`` and ``can_flag`` on a
    page of ``topic``'s posts: the same answers as the ``can_…`` functions above, with
    whether the actor reads the topic asked once for the page instead of five times a post."""
    readable = can_read_topic(actor, topic)
    for post in posts:
        post.can_edit = readable and _edit_rule(actor, post) is None
        post.can_delete = readable and _delete_rule(actor, post) is None
        post.can_restore = readable and _restore_rule(actor, post) is None
        post.can_react = readable and _react_rule(actor, post) is None
        post.can_flag = readable and can_see_post(actor, post) and _flag_rule(actor, post) is None


def moderate_topic_denial(actor: Actor, topic: Topic) -> str | None:
    """Pin, close, archive, move, merge and split: staff and trust level 4."""
    if not can_read_topic(actor, topic):
        return _("That topic does not exist.")
    if actor.is_staff:
        return None
    if not trust_policy.can_moderate_topics(actor):
        return _("Only staff and leaders (trust level 4) can do that.")
    return community_policy.participate_denial(actor)


def can_moderate_topic(actor: Actor, topic: Topic) -> bool:
    return moderate_topic_denial(actor, topic) is None


def ensure_moderate_topic(actor: Actor, topic: Topic) -> None:
    _ensure(moderate_topic_denial(actor, topic))


def edit_topic_details_denial(actor: Actor, topic: Topic) -> str | None:
    """Retitle and recategorise any topic: staff and trust level 3 and up."""
    if not can_read_topic(actor, topic):
        return _("That topic does not exist.")
    if topic.deleted_at is not None:
        return _("This topic was deleted.")
    if actor.is_staff:
        return None
    if not trust_policy.can_edit_topic_details(actor):
        return _("Only staff and regulars (trust level 3) can retitle or recategorise topics.")
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if topic.is_archived:
        return _("This topic is archived: it is kept for reading only.")
    return None


def can_edit_topic_details(actor: Actor, topic: Topic) -> bool:
    return edit_topic_details_denial(actor, topic) is None


def ensure_edit_topic_details(actor: Actor, topic: Topic) -> None:
    _ensure(edit_topic_details_denial(actor, topic))


def attach_image_denial(actor: Actor) -> str | None:
    return trust_policy.upload_denial(actor)


def can_attach_image(actor: Actor) -> bool:
    return attach_image_denial(actor) is None


def post_content_denial(actor: Actor, *, links: int, images: int, mentions: int) -> str | None:
    """A new member's per-post limits on links, images and mentions (trust level 0)."""
    return trust_policy.post_content_denial(actor, links=links, images=images, mentions=mentions)


def can_manage_categories(actor: Actor) -> bool:
    return community_policy.can_manage_community(actor)


def ensure_manage_categories(actor: Actor) -> None:
    community_policy.ensure_manage_community(actor)


def can_track_reading(actor: Actor) -> bool:
    """Unread state and watching are kept for signed-in members."""
    return actor.is_member


# The staff log -------------------------------------------------------------------------
# Lines naming a category by slug, and the detail keys holding it; any line's "topic",
# "into" or "new" is a topic id (discussions, moderation, recognition…).
LOG_CATEGORY_KEYS = {
    "category.create": ("slug",),
    "category.update": ("slug",),
    "topic.move": ("from", "to"),
}
LOG_TOPIC_KEYS = ("topic", "into", "new")


def hide_unreadable_log_details(*, actor: Actor, entries: list) -> None:
    """Registered with the communities staff log: a line naming a category the viewer may
    not read, or a topic in one, keeps its action but not its details (a moderator must not
    learn an admins-only category's slug, or where a topic went). A slug no category has any
    more counts as unreadable. Two queries whatever the page size."""
    from hearth.communities.hooks import hide_details

    community = actor.community
    if community is None or not entries:
        return
    readable = visible_categories(actor, community)
    slugs = set(readable.values_list("slug", flat=True))
    topic_ids = {
        value
        for entry in entries
        for key in LOG_TOPIC_KEYS
        if isinstance(value := (entry.details or {}).get(key), int)
    }
    readable_topics = set(
        Topic.objects.filter(community=community, pk__in=topic_ids, category__in=readable)
        .values_list("pk", flat=True)
    ) if topic_ids else set()  # fmt: skip
    for entry in entries:
        details = entry.details or {}
        named_slugs = [details.get(key) for key in LOG_CATEGORY_KEYS.get(entry.action, ())]
        named_topics = [details[key] for key in LOG_TOPIC_KEYS if isinstance(details.get(key), int)]
        if any(slug not in slugs for slug in named_slugs if slug) or any(
            pk not in readable_topics for pk in named_topics
        ):
            hide_details(entry)
