"""A post's byline, text and reaction buttons rendered once and kept as HTML, so a topic
page renders what is the same for every viewer from the cache and only what depends on the
viewer (the menu's actions, the unread marker, the forms' tokens) with the template. On a
20-post page the per-post templates were most of the page's time (~1,400 variable lookups).

Each fragment's key is a digest of everything its template reads (the post's HTML, its
number, the author's name, avatar and standing, the post it answers, the edit count, the
language), so a changed input is a different key: nothing to invalidate, and entries age
out after ``HEARTH_POST_FRAGMENT_SECONDS`` (a day). The reaction buttons depend on which
reactions the viewer gave and whether they may react: those are part of their key, so an
entry is shared by every viewer in the same state, never kept for one viewer; the form
around them, with its CSRF token, is rendered live. Nothing viewer-specific goes in:
deleted posts and posts in review (whose text only staff or the author see, with
viewer-dependent controls) are always rendered live.

The rows of topic lists are kept the same way (``topic_rows``): a row's key holds what it
shows, the viewer's unread count and idea vote included, so viewers in the same state
share it.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from hearth.core.templatetags.hearth import short_ago
from hearth.discussions.models import REACTIONS as REACTION_KINDS

BYLINE = "discussions/_post_byline.html"
CONTENT = "discussions/_post_content.html"
REACTIONS = "discussions/_reaction_buttons.html"
POST = "discussions/_post.html"
TOPIC_ROW = "discussions/_topic_row.html"
# Stands for the request's CSRF token in a kept post (its reaction form has one).
CSRF_PLACEHOLDER = "\ue010csrf-post\ue011"


def _timeout() -> int:
    return int(getattr(settings, "HEARTH_POST_FRAGMENT_SECONDS", 86_400))


def _enabled() -> bool:
    return bool(getattr(settings, "HEARTH_POST_FRAGMENT_CACHE", True))


def _digest(*parts) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def _byline_inputs(post, community) -> tuple:
    author, m = post.author, getattr(post, "author_membership", None)
    return (
        community.slug,
        post.number,
        post.author_id,
        author.username if author else None,
        author.name if author else None,
        author.avatar.name if author and author.avatar else None,
        author.initials if author else None,
        m.role if m else None,
        m.trust_level if m else None,
    )


def _content_inputs(post) -> tuple:
    reply_to = post.reply_to if post.reply_to_id else None
    reply_author = reply_to.author if reply_to is not None else None
    return (
        post.pk,
        post.html,
        post.is_first_post,
        post.edit_count,
        reply_to.number if reply_to is not None else None,
        reply_author.username if reply_author is not None else None,
    )


def _reaction_inputs(post) -> tuple:
    counts = post.reactions or {}
    return (
        post.pk,
        bool(getattr(post, "can_react", False)),
        tuple(sorted((k, v) for k, v in counts.items() if v)),
        tuple(sorted(getattr(post, "my_reactions", ()) or ())),
        tuple(REACTION_KINDS),
    )


def _cacheable(post) -> bool:
    return not post.is_deleted and not post.is_in_review


def _whole_post_inputs(post, keys: dict, *, first_unread: bool, can_reply: bool) -> tuple:
    """What ``_post.html`` reads beyond its three fragments: the viewer's permissions on the
    post (as booleans: every viewer with the same ones shares the entry), the relative time
    as shown now, the unread marker and whether replies are open."""
    return (
        post.pk,
        post.number,
        post.edit_count,
        keys.get("byline"),
        keys.get("content"),
        keys.get("reactions"),
        bool(post.can_edit),
        bool(post.can_delete),
        bool(post.can_flag),
        bool(post.can_react),
        first_unread,
        can_reply,
        short_ago(post.created_at),
        timezone.get_current_timezone_name(),
    )


def _whole_cacheable(post) -> bool:
    """Posts whose whole article may be kept: no Q&A controls (their forms and votes), no
    staff restore form, nothing in review or deleted."""
    return (
        _cacheable(post)
        and not getattr(post, "is_answer", False)
        and not getattr(post, "is_accepted", False)
        and not getattr(post, "can_accept", False)
        and not getattr(post, "can_restore", False)
    )


def attach(posts, community, *, request=None, last_read=None, can_reply=False) -> None:
    """Set ``post.fragments`` (``byline``, ``content``, ``reactions``) on each post of a
    page, from the cache or rendered now and kept (one ``set_many``). Posts whose text must
    be rendered live get only their byline.

    With ``request`` (and the page's ``last_read`` and whether the viewer may reply), the
    whole article of each plain post is kept too (``post.fragments["post"]``), with a
    placeholder where its form's CSRF token goes, filled with this request's token. The
    articles are read first: a post whose article is kept needs none of its parts, so a
    warm page reads 20 entries instead of 80."""
    if not _enabled() or not posts:
        return
    language = translation.get_language()
    keys = {post.pk: _part_keys(post, community, language) for post in posts}
    whole = {}
    if request is not None:
        for post in posts:
            if _whole_cacheable(post):
                first_unread = bool(last_read) and post.number == last_read + 1
                whole[post.pk] = "hearth:postfrag:p:" + _digest(
                    language,
                    *_whole_post_inputs(
                        post, keys[post.pk], first_unread=first_unread, can_reply=can_reply
                    ),
                    community.slug,
                    POST,
                )
    found = cache.get_many(list(whole.values())) if whole else {}
    needing_parts = [post for post in posts if whole.get(post.pk) not in found]
    parts_wanted = [key for post in needing_parts for key in keys[post.pk].values()]
    if parts_wanted:
        found.update(cache.get_many(parts_wanted))
    missing = {}
    templates = {
        "byline": get_template(BYLINE),
        "content": get_template(CONTENT),
        "reactions": get_template(REACTIONS),
    }
    for post in posts:
        post.fragments = dict.fromkeys(("byline", "content", "reactions", "post"))
    for post in needing_parts:
        for part, key in keys[post.pk].items():
            html = found.get(key)
            if html is None:
                html = templates[part].render(
                    {"post": post, "community": community, "reactions": REACTION_KINDS}
                )
                missing[key] = html
            post.fragments[part] = mark_safe(html)  # noqa: S308 (our own rendered template)
    if whole:
        token = get_token(request)
        template = get_template(POST)
        for post in posts:
            key = whole.get(post.pk)
            if key is None:
                continue
            html = found.get(key)
            if html is None:
                html = template.render(
                    {
                        "post": post,
                        "community": community,
                        "reactions": REACTION_KINDS,
                        "last_read": last_read,
                        "reply_form": can_reply,
                        "csrf_token": CSRF_PLACEHOLDER,
                    }
                )
                missing[key] = html
            post.fragments["post"] = mark_safe(  # noqa: S308 (our own rendered template)
                html.replace(CSRF_PLACEHOLDER, token)
            )
    if missing:
        cache.set_many(missing, _timeout())


def _part_keys(post, community, language: str) -> dict[str, str]:
    """The cache keys of a post's byline and, unless it is rendered live, its text and
    reaction buttons."""
    keys = {
        "byline": "hearth:postfrag:b:" + _digest(language, *_byline_inputs(post, community), BYLINE)
    }
    if _cacheable(post):
        keys["content"] = "hearth:postfrag:c:" + _digest(language, *_content_inputs(post), CONTENT)
        keys["reactions"] = "hearth:postfrag:r:" + _digest(
            language, *_reaction_inputs(post), REACTIONS
        )
    return keys


def _topic_row_inputs(topic, show_category: bool) -> tuple:
    """Everything ``_topic_row.html`` reads: the topic, its category when shown, its
    author and last poster, its question's and idea's state, the viewer's vote and unread
    count, and the relative time as shown now."""
    idea = getattr(topic, "idea", None)
    question = getattr(topic, "question", None)
    category = topic.category if show_category else None
    who = topic.last_poster or topic.author
    return (
        topic.pk, topic.slug, topic.title, topic.is_pinned, topic.is_closed, topic.is_archived,
        topic.post_count, topic.last_posted_at, short_ago(topic.last_posted_at),
        getattr(topic, "unread", 0), getattr(topic, "is_new", False),
        question.accepted_answer_id if question is not None else None,
        (idea.vote_count, idea.status) if idea is not None else None,
        bool(getattr(topic, "my_vote", False)),
        (category.slug, category.name, category.color) if category is not None else None,
        topic.author.name if topic.author else None,
        (who.pk, who.name, who.initials, who.avatar.name if who.avatar else None)
        if who is not None else None,
        timezone.get_current_timezone_name(),
    )  # fmt: skip


def topic_rows(topics, community, *, show_category: bool = False) -> SafeString:
    """A topic list's rows, each from the cache (one ``get_many``) or rendered now and kept
    (one ``set_many``), keyed by a digest of everything the row shows: a list of ten rows
    was most of the signed-in home's rendering. Rows carry no form and no token."""
    topics = list(topics)
    if not topics:
        return mark_safe("")
    template = get_template(TOPIC_ROW)
    if not _enabled():
        return mark_safe(  # noqa: S308 (our own rendered template)
            "".join(_render_row(template, t, community, show_category) for t in topics)
        )
    language = translation.get_language()
    keys = [
        "hearth:topicrow:"
        + _digest(language, community.slug, *_topic_row_inputs(t, show_category), TOPIC_ROW)
        for t in topics
    ]
    found = cache.get_many(keys)
    missing, rows = {}, []
    for topic, key in zip(topics, keys, strict=True):
        html = found.get(key)
        if html is None:
            html = missing[key] = _render_row(template, topic, community, show_category)
        rows.append(html)
    if missing:
        cache.set_many(missing, _timeout())
    return mark_safe("".join(rows))  # noqa: S308 (our own rendered template)


def _render_row(template, topic, community, show_category: bool) -> str:
    return template.render({"t": topic, "community": community, "show_category": show_category})
