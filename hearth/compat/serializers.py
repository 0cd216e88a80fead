"""Hearth objects in Discourse's JSON shapes.

Fields Discourse clients read are filled from Hearth's data; fields Hearth has no notion of
(views, bookmarks, tags, groups, badges, likes, wikis) are present with the neutral value a
fresh Discourse site would send, so clients that index them do not fail. See
docs/developers/discourse-compat.md for what differs."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils.html import escape, strip_tags

from hearth.communities.models import Membership, Role
from hearth.core.actor import Actor
from hearth.discussions import policy
from hearth.discussions.models import Category, Post, ReadAccess, Topic

REGULAR_POST = 1  # Discourse's post_type for an ordinary post
DELETED_TEXT = "<p>This post was deleted.</p>"


def iso(value: datetime | None) -> str | None:
    """Discourse's timestamps: UTC, milliseconds, a trailing Z."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def avatar_template(request, user) -> str:
    """Discourse clients replace ``{size}``; Hearth keeps one size, so there is none."""
    if user is None or not user.avatar:
        return ""
    return request.build_absolute_uri(user.avatar.url)


def basic_user(request, user, membership: Membership | None = None) -> dict:
    data = {
        "id": user.pk,
        "username": user.username,
        "name": user.display_name or None,
        "avatar_template": avatar_template(request, user),
    }
    if membership is not None:
        data.update(_standing(membership))
    return data


def _standing(membership: Membership | None) -> dict:
    if membership is None:
        return {"trust_level": 0, "admin": False, "moderator": False, "staff": False}
    return {
        "trust_level": membership.trust_level,
        "admin": membership.role in (Role.OWNER, Role.ADMIN),
        "moderator": membership.role == Role.MODERATOR,
        "staff": membership.is_staff,
    }


def _has_accepted_answer(topic: Topic) -> bool:
    try:
        question = topic.question
    except ObjectDoesNotExist:
        return False
    return question.accepted_answer_id is not None


def topic_summary(topic: Topic) -> dict:
    """A row of ``topic_list.topics`` (and of search results)."""
    posters = []
    if topic.author_id:
        posters.append(
            {
                "extras": "latest" if topic.last_poster_id == topic.author_id else None,
                "description": "Original Poster",
                "user_id": topic.author_id,
                "primary_group_id": None,
                "flair_group_id": None,
            }
        )
    if topic.last_poster_id and topic.last_poster_id != topic.author_id:
        posters.append(
            {
                "extras": "latest",
                "description": "Most Recent Poster",
                "user_id": topic.last_poster_id,
                "primary_group_id": None,
                "flair_group_id": None,
            }
        )
    last_read = getattr(topic, "last_read", None)
    return {
        "id": topic.pk,
        "title": topic.title,
        "fancy_title": escape(topic.title),
        "slug": topic.slug,
        "posts_count": topic.post_count,
        "reply_count": max(topic.post_count - 1, 0),
        "highest_post_number": topic.highest_post_number,
        "image_url": None,
        "created_at": iso(topic.created_at),
        "last_posted_at": iso(topic.last_posted_at),
        "bumped": True,
        "bumped_at": iso(topic.last_posted_at),
        "archetype": "regular",
        "unseen": bool(getattr(topic, "is_new", False)),
        "last_read_post_number": last_read,
        "unread_posts": getattr(topic, "unread", 0),
        "pinned": topic.is_pinned,
        "unpinned": None,
        "visible": True,
        "closed": topic.is_closed,
        "archived": topic.is_archived,
        "notification_level": None,
        "bookmarked": False,
        "liked": False,
        "tags": [],
        "tags_descriptions": {},
        "views": 0,
        "like_count": 0,
        "has_summary": False,
        "last_poster_username": topic.last_poster.username if topic.last_poster else None,
        "category_id": topic.category_id,
        "pinned_globally": False,
        "featured_link": None,
        "has_accepted_answer": _has_accepted_answer(topic),
        "posters": posters,
    }


def topic_list(request, topics: list[Topic], *, more_url: str | None, can_create: bool) -> dict:
    users = {}
    for topic in topics:
        for user in (topic.author, topic.last_poster):
            if user is not None:
                users[user.pk] = basic_user(request, user)
    return {
        "users": list(users.values()),
        "primary_groups": [],
        "flair_groups": [],
        "topic_list": {
            "can_create_topic": can_create,
            "more_topics_url": more_url,
            "per_page": 30,
            "top_tags": [],
            "topics": [topic_summary(t) for t in topics],
        },
    }


def post(
    request,
    actor: Actor,
    post: Post,
    *,
    standing: dict[int, Membership],
    include_raw: bool = False,
) -> dict:
    """One post as Discourse's ``post_stream.posts[]`` and ``/posts/<id>.json`` send it. A
    deleted post keeps its place; its text is shown to staff only, as on the pages."""
    topic = post.topic
    author = post.author
    shows_text = not post.is_deleted or actor.is_staff
    data = {
        "id": post.pk,
        "name": (author.display_name or None) if author else None,
        "username": author.username if author else None,
        "avatar_template": avatar_template(request, author),
        "created_at": iso(post.created_at),
        "cooked": post.html if shows_text else DELETED_TEXT,
        "post_number": post.number,
        "post_type": REGULAR_POST,
        "updated_at": iso(post.edited_at or post.created_at),
        "reply_count": 0,
        "reply_to_post_number": post.reply_to.number if post.reply_to_id else None,
        "quote_count": 0,
        "incoming_link_count": 0,
        "reads": 0,
        "readers_count": 0,
        "score": 0,
        "yours": actor.user is not None and post.author_id == actor.user.pk,
        "topic_id": topic.pk,
        "topic_slug": topic.slug,
        "topic_title": topic.title,
        "category_id": topic.category_id,
        "display_username": (author.display_name or None) if author else None,
        "primary_group_name": None,
        "flair_name": None,
        "version": post.edit_count + 1,
        "can_edit": policy.can_edit_post(actor, post),
        "can_delete": policy.can_delete_post(actor, post),
        "can_recover": policy.can_restore_post(actor, post),
        "can_wiki": False,
        "read": True,
        "user_title": None,
        "bookmarked": False,
        "actions_summary": [],
        "reactions": [
            {"id": kind, "type": "emoji", "count": count}
            for kind, _emoji, count in post.reaction_list
        ],
        "user_id": post.author_id,
        "hidden": post.is_in_review,
        "deleted_at": iso(post.deleted_at),
        "user_deleted": False,
        "edit_reason": None,
        "can_view_edit_history": True,
        "wiki": False,
        **_standing(standing.get(post.author_id)),
    }
    if include_raw:
        data["raw"] = post.body if shows_text else ""
    return data


def topic_detail(
    request,
    actor: Actor,
    topic: Topic,
    *,
    posts: list[Post],
    stream: list[int],
    standing: dict[int, Membership],
    include_raw: bool,
) -> dict:
    participants = {}
    for item in posts:
        if item.author is not None and item.author_id not in participants:
            participants[item.author_id] = {
                **basic_user(request, item.author, standing.get(item.author_id)),
                "post_count": sum(1 for p in posts if p.author_id == item.author_id),
            }
    created_by = basic_user(request, topic.author) if topic.author else None
    last_poster = basic_user(request, topic.last_poster) if topic.last_poster else None
    return {
        "post_stream": {
            "posts": [
                post(request, actor, item, standing=standing, include_raw=include_raw)
                for item in posts
            ],
            "stream": stream,
        },
        "timeline_lookup": [],
        "suggested_topics": [],
        "tags": [],
        "tags_descriptions": {},
        "id": topic.pk,
        "title": topic.title,
        "fancy_title": escape(topic.title),
        "posts_count": topic.post_count,
        "created_at": iso(topic.created_at),
        "views": 0,
        "reply_count": max(topic.post_count - 1, 0),
        "like_count": 0,
        "last_posted_at": iso(topic.last_posted_at),
        "visible": True,
        "closed": topic.is_closed,
        "archived": topic.is_archived,
        "has_summary": False,
        "archetype": "regular",
        "slug": topic.slug,
        "category_id": topic.category_id,
        "word_count": None,
        "deleted_at": iso(topic.deleted_at),
        "user_id": topic.author_id,
        "featured_link": None,
        "pinned_globally": False,
        "pinned_at": None,
        "pinned_until": None,
        "image_url": None,
        "slow_mode_seconds": 0,
        "draft": None,
        "draft_key": f"topic_{topic.pk}",
        "draft_sequence": 0,
        "unpinned": None,
        "pinned": topic.is_pinned,
        "current_post_number": posts[0].number if posts else 1,
        "highest_post_number": topic.highest_post_number,
        "deleted_by": None,
        "has_deleted": False,
        "actions_summary": [],
        "chunk_size": len(posts),
        "bookmarked": False,
        "topic_timer": None,
        "message_bus_last_id": 0,
        "participant_count": len(participants),
        "show_read_indicator": False,
        "thumbnails": None,
        "slow_mode_enabled_until": None,
        "has_accepted_answer": _has_accepted_answer(topic),
        "details": {
            "can_edit": policy.can_edit_topic_details(actor, topic),
            "can_create_post": policy.can_reply(actor, topic),
            "can_reply_as_new_topic": policy.can_start_topic(actor, topic.category),
            "notification_level": 1,
            "participants": list(participants.values()),
            "created_by": created_by,
            "last_poster": last_poster,
        },
    }


def _permission(actor: Actor, category: Category) -> int | None:
    """Discourse's category permission: 1 create topics, 2 reply, 3 see."""
    if policy.can_start_topic(actor, category):
        return 1
    if actor.is_member:
        return 2
    return 3 if actor.user is not None else None


def category(actor: Actor, category: Category, community_slug: str) -> dict:
    description = category.description or ""
    return {
        "id": category.pk,
        "name": category.name,
        "color": category.color.lstrip("#").upper(),
        "text_color": "FFFFFF",
        "slug": category.slug,
        "topic_count": category.topic_count,
        "post_count": category.post_count,
        "position": category.position,
        "description": escape(description) or None,
        "description_text": description or None,
        "description_excerpt": description or None,
        "topic_url": None,
        "read_restricted": category.read_access != ReadAccess.EVERYONE,
        "permission": _permission(actor, category),
        "notification_level": 1,
        "can_edit": policy.can_manage_categories(actor),
        "topic_template": None,
        "has_children": False,
        "sort_order": None,
        "sort_ascending": None,
        "show_subcategory_list": False,
        "num_featured_topics": 3,
        "default_view": None,
        "subcategory_list_style": "rows_with_featured_topics",
        "default_top_period": "all",
        "default_list_filter": "all",
        "minimum_required_tags": 0,
        "navigate_to_first_post_after_read": False,
        "topics_day": 0,
        "topics_week": 0,
        "topics_month": 0,
        "topics_year": 0,
        "topics_all_time": category.topic_count,
        "subcategory_ids": [],
        "uploaded_logo": None,
        "uploaded_logo_dark": None,
        "uploaded_background": None,
        "parent_category_id": None,
        # Hearth's own: the kind of place (discussion, questions, ideas) and its page.
        "hearth_kind": category.kind,
        "url": reverse("discussions:category", args=[community_slug, category.slug]),
    }


def user(request, actor: Actor, summary) -> dict:
    profile = summary.profile
    membership, account = profile.membership, profile.user
    is_self = actor.user is not None and actor.user.pk == account.pk
    return {
        "id": account.pk,
        "username": account.username,
        "name": account.display_name or None,
        "avatar_template": avatar_template(request, account),
        "last_posted_at": iso(summary.last_posted_at),
        "last_seen_at": iso(profile.last_active_at) if getattr(profile, "pk", None) else None,
        "created_at": iso(membership.joined_at or membership.requested_at),
        "ignored": False,
        "muted": False,
        "can_ignore_user": False,
        "can_mute_user": False,
        "can_send_private_messages": False,
        "can_send_private_message_to_user": False,
        **_standing(membership),
        "title": None,
        "badge_count": 0,
        "post_count": summary.post_count,
        "topic_count": summary.topic_count,
        "profile_view_count": 0,
        "time_read": 0,
        "recent_time_read": 0,
        "primary_group_name": None,
        "flair_name": None,
        "featured_topic": None,
        "bio_raw": profile.bio if is_self else None,
        "bio_cooked": profile.bio_html or None,
        "bio_excerpt": strip_tags(profile.bio_html)[:300] or None,
        "website": None,
        "website_name": None,
        "location": profile.location or None,
        "can_edit": is_self,
        "can_edit_username": False,
        "can_edit_email": False,
        "can_edit_name": False,
        "suspended_till": iso(membership.suspended_until) if actor.is_staff else None,
        "silenced_till": iso(membership.silenced_until) if actor.is_staff else None,
        "invited_by": None,
        "groups": [],
        "featured_user_badge_ids": [],
        "card_badge": None,
        "user_fields": {},
        "profile_hidden": False,
    }
