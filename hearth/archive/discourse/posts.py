"""Discourse topics and their posts as Hearth's, with what the posting services would
have kept beside them: mentions, read marks, watches and the events of the log."""

from __future__ import annotations

from django.urls import reverse
from django.utils.text import slugify

from hearth.archive.common import progress
from hearth.archive.discourse import accounts, categories, events, uploads
from hearth.archive.discourse.bulk import set_column
from hearth.archive.discourse.convert import convert_body, deleted_at, get
from hearth.archive.discourse.dump import parse_bool, parse_int, parse_time
from hearth.archive.discourse.state import State

POST_TYPES = ("1", "2")  # regular, moderator action (3 small action, 4 whisper: left out)
MAX_MENTIONS = 20


def import_topics(state: State) -> None:
    definition_topics = (
        {
            parse_int(r["topic_id"])
            for r in state.db.execute("SELECT topic_id FROM categories WHERE topic_id IS NOT NULL")
        }
        if state.has_column("categories", "topic_id")
        else set()
    )
    total = state.db.execute("SELECT COUNT(*) FROM topics").fetchone()[0]
    bar = progress(total=total, desc="topics", unit="topic", enabled=state.show)
    rows = state.db.execute("SELECT * FROM topics ORDER BY created_at, CAST(id AS INTEGER)")
    for row in rows:
        bar.update(1)
        d_id = parse_int(row["id"])
        if row["archetype"] != "regular":
            state.summary.skip("private messages")
            continue
        if row["deleted_at"] is not None:
            state.summary.skip("deleted topics")
            continue
        if d_id in definition_topics:
            state.summary.skip('"About the category" topics')
            continue
        _import_topic(state, row, d_id)
    bar.close()


def _import_topic(state: State, row, d_id: int) -> None:
    from hearth.core.markdown import clean_text
    from hearth.discussions.models import Attachment, Post, Topic

    category_id = parse_int(row["category_id"])
    category = state.categories.get(category_id) or categories.fallback(state)
    posts = [
        p
        for p in state.db.execute(
            "SELECT * FROM posts WHERE topic_id = ? ORDER BY CAST(post_number AS INTEGER)",
            (row["id"],),  # as stored (text), so the index serves it
        )
        if (get(p, "post_type") or "1") in POST_TYPES and (p["raw"] or "").strip()
    ]
    if not posts or parse_int(posts[0]["post_number"]) != 1:
        state.summary.skip("topics without their first post")
        return
    first = posts[0]
    title = " ".join(clean_text(row["title"] or "").split())[:255] or f"Topic {d_id}"
    created = parse_time(row["created_at"]) or parse_time(first["created_at"])
    author = accounts.user(state, parse_int(first["user_id"]))
    first_deleted = deleted_at(first)
    topic = Topic.objects.create(
        community=state.community,
        category=category,
        title=title,
        slug=slugify(title)[:80].strip("-") or "topic",
        author_id=author,
        created_at=created,
        last_posted_at=created,
        last_poster_id=author,
        is_pinned=get(row, "pinned_at") is not None,
        is_closed=parse_bool(get(row, "closed")),
        is_archived=parse_bool(get(row, "archived")),
        deleted_at=first_deleted,
        highest_post_number=max(parse_int(p["post_number"]) for p in posts),
    )
    state.summary.topics += 1
    objects, meta, attachments = [], [], []
    for p in posts:
        author_id = accounts.user(state, parse_int(p["user_id"]))
        body, stored = uploads.bring_along(state, convert_body(p["raw"]))
        attachments.append(stored)
        deleted = deleted_at(p) or (first_deleted if p is first else None)
        mentioned = _mentions(state, body, author_id)
        objects.append(
            Post(
                community=state.community,
                topic=topic,
                number=parse_int(p["post_number"]),
                author_id=author_id,
                body=body,
                html=_render(state, body, author_id),
                created_at=parse_time(p["created_at"]) or created,
                deleted_at=deleted,
            )
        )
        meta.append((p, mentioned))
    Post.objects.bulk_create(objects)
    for post, stored in zip(objects, attachments, strict=True):
        if stored:
            Attachment.objects.filter(pk__in=stored).update(post=post)
    by_number = {post.number: post for post in objects}
    replies = []
    for post, (p, _mentioned) in zip(objects, meta, strict=True):
        target = by_number.get(parse_int(get(p, "reply_to_post_number")))
        if target is not None and target.number < post.number:
            post.reply_to = target
            replies.append((post.pk, target.pk))
    set_column(Post, "reply_to", replies)
    _post_records(state, topic, category, objects, meta)


def _post_records(state: State, topic, category, objects, meta) -> None:
    from hearth.discussions.models import Mention

    state.db.executemany(
        "INSERT INTO post_map VALUES (?, ?, ?, ?)",
        [
            (parse_int(p["id"]), post.pk, post.author_id, topic.pk)
            for post, (p, _m) in zip(objects, meta, strict=True)
            if post.deleted_at is None
        ],
    )
    mentions = []
    for post, (_p, mentioned) in zip(objects, meta, strict=True):
        state.summary.posts += 1
        if post.deleted_at is not None:
            state.summary.posts_deleted += 1
            continue
        if post.author_id is None:
            continue  # the system account's posts: nobody's interaction
        if post.number == 1:
            events.record(
                state, post.created_at, "topic.create", post.author_id, None,
                "discussions.post", post.pk, {"topic": topic.pk, "kind": category.kind},
            )  # fmt: skip
        else:
            to = post.reply_to
            target = to.author_id if to is not None else topic.author_id
            events.record(
                state, post.created_at, "post.reply", post.author_id,
                target if target != post.author_id else None, "discussions.post", post.pk,
                {"topic": topic.pk, "reply_to": to.pk if to is not None else None,
                 "number": post.number, "kind": category.kind},
            )  # fmt: skip
        for user_id in mentioned:
            mentions.append(Mention(community=state.community, post=post, user_id=user_id))
            events.record(
                state, post.created_at, "post.mention", post.author_id, user_id,
                "discussions.post", post.pk, {"topic": topic.pk},
            )  # fmt: skip
    Mention.objects.bulk_create(mentions)
    _participants(state, topic, objects)


def _participants(state: State, topic, objects) -> None:
    """What the posting services keep for each author: they have read the topic up to
    their last post in it, and follow it (its starter watching, repliers tracking)."""
    from hearth.discussions.models import TopicRead, Watch, WatchLevel

    last: dict[int, object] = {}
    for post in objects:
        if post.author_id is not None and post.deleted_at is None:
            last[post.author_id] = post
    TopicRead.objects.bulk_create(
        TopicRead(
            community=state.community, topic=topic, user_id=user_id,
            last_read_number=post.number, updated_at=post.created_at,
        )
        for user_id, post in last.items()
    )  # fmt: skip
    Watch.objects.bulk_create(
        Watch(
            community=state.community, topic=topic, user_id=user_id,
            level=WatchLevel.WATCHING if user_id == topic.author_id else WatchLevel.TRACKING,
        )
        for user_id in last
    )  # fmt: skip


def _mentions(state: State, body: str, author_id: int | None) -> list[int]:
    """Hearth ids of the imported members an @name in the body names."""
    from hearth.core.markdown import mentioned_names

    out = []
    for name in mentioned_names(body)[:MAX_MENTIONS]:
        user_id = _user_by_name(state, name)
        if user_id is not None and user_id != author_id and user_id not in out:
            out.append(user_id)
    return out


def _user_by_name(state: State, name: str) -> int | None:
    if state.by_name is None:
        rows = state.db.execute("SELECT id, username FROM users")
        state.by_name = {
            r["username"].lower(): state.users[int(r["id"])]
            for r in rows
            if r["id"] is not None and int(r["id"]) in state.users
        }
    return state.by_name.get(name.lower())


def _render(state: State, body: str, author_id: int | None) -> str:
    from hearth.core.markdown import render_markdown

    slug = state.community.slug

    def mention_url(name: str) -> str | None:
        hearth_name = state.usernames.get(name.lower().rstrip("."))
        if hearth_name is None:
            return None
        if hearth_name not in state.profile_urls:
            state.profile_urls[hearth_name] = reverse(
                "communities:profile", args=[slug, hearth_name]
            )
        return state.profile_urls[hearth_name]

    trust = state.trust.get(author_id, 0) if author_id is not None else 0
    return render_markdown(body, mention_url=mention_url, nofollow=trust < 2)
