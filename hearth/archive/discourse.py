"""Importing a Discourse backup into a Hearth community (``hearth import-discourse``).

What is read (see hearth/archive/discourse_dump.py for how): users (with their primary
email and profile bio), categories, regular topics and their posts, likes, and the images
posts and avatars use. What
comes out is an ordinary community, as if its members had posted here:

- **accounts** (name, bio, uploaded avatar): a Discourse account whose email Discourse
  had confirmed is linked to the Hearth account holding that address *verified*; every
  other one gets a new account without a usable password (its owner sets one with
  "Forgot password"). System accounts
  (id <= 0: ``system``, ``discobot``) become no account: what they wrote keeps no author.
  Staged accounts (people who only wrote by email) and accounts that never confirmed
  their address become accounts only if they wrote something imported, and not members;
- **members** keep their role (admin, moderator), trust level, and the date they joined;
  a Discourse suspension still running becomes a timed ban;
- **categories** keep their names, colours, order and descriptions; a subcategory becomes
  a category of its own named "Parent › Child" (Hearth categories do not nest); a
  category Discourse restricted to groups becomes staff-only;
- **topics and posts** keep their times, numbers, authors, replies-to, pinned/closed/
  archived state; posts deleted or hidden after flags come in deleted (staff see and
  can restore them); whispers and "small action" posts are left out;
- **likes** become ❤️ reactions;
- the **interaction event log** gets what the services would have recorded (joins, new
  topics, replies, mentions, reactions) at the historical times, so the health dashboard
  and trust levels see the community's past; then the counters, the search index, the
  analytics rollups and trust activity are recomputed, and the cursors of notifications
  and webhooks are moved past the imported history so nobody is emailed about a reply from
  three years ago.

Everything is written in one transaction: a backup that fails anywhere leaves the install
as it was."""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from hearth.archive.common import ArchiveError, progress
from hearth.archive.discourse_convert import (
    UPLOAD_LINK,
    category_slug,
    color,
    convert_body,
    deleted_at,
    free_slug,
    get,
    plain_text,
    upload_sha1,
    username_for,
)
from hearth.archive.discourse_dump import (
    Backup,
    parse_bool,
    parse_int,
    parse_time,
)

LIKE = 2  # post_action_types: like
POST_TYPES = ("1", "2")  # regular, moderator action (3 small action, 4 whisper: left out)
REACTION = "heart"
SOURCE = "discourse"
DEFAULT_RULES = (
    "1. **Be kind.** Disagree with ideas, never attack people.\n"
    "2. **Stay on topic** and search before you post.\n"
    "3. **No spam.**\n\n"
    "_These rules were set when the forum moved from Discourse; the owner can change them._"
)
MAX_MENTIONS = 20
IMAGE_MAX_SIDE, THUMB_MAX_SIDE = 1600, 640  # as discussions.services
EVENT_BATCH = 1000
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


@dataclass
class Summary:
    community: object = None
    users_created: int = 0
    users_linked: int = 0
    users_without_email: int = 0
    categories: int = 0
    topics: int = 0
    posts: int = 0
    posts_deleted: int = 0
    reactions: int = 0
    images: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, why: str, n: int = 1) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + n


def import_discourse(
    path: Path,
    *,
    slug: str,
    create: str | None = None,
    owner: str | None = None,
    show: bool = False,
) -> Summary:
    """Import the Discourse backup at ``path`` into community ``slug`` (created, named
    ``create``, when given; otherwise it must exist and have no topics)."""
    from hearth.communities.models import Community

    if create is None:
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            raise ArchiveError(
                f'No community with the slug {slug!r}: give --create "Name" to make one.'
            )
        _check_empty(community)
    elif Community.objects.filter(slug=slug).exists():
        raise ArchiveError(
            f"A community with the slug {slug!r} already exists: leave out --create to import "
            "into it (it must have no topics), or choose a free slug."
        )
    backup = Backup(path)
    with tempfile.TemporaryDirectory(prefix="hearth-discourse-") as tmp:
        bar = progress(desc="read backup", enabled=show)
        try:
            conn = backup.unpack(Path(tmp), progress=bar)
        finally:
            bar.close()
        conn.row_factory = sqlite3.Row
        try:
            return _Importer(conn, backup, show=show).run(slug=slug, create=create, owner=owner)
        except (DatabaseError, ValueError, TypeError) as exc:
            # Rolled back: a value this database refused, or one no column could hold.
            raise ArchiveError(f"The backup cannot be imported: {exc}") from exc
        finally:
            conn.close()


def _check_empty(community) -> None:
    from hearth.discussions.models import Topic

    if Topic.objects.filter(community=community).exists():
        raise ArchiveError(
            f"The community {community.slug!r} already has topics: import into a new community "
            "(--create) or an empty one."
        )


def _ts(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


class _Importer:
    def __init__(self, conn: sqlite3.Connection, backup: Backup, *, show: bool):
        self.db = conn
        self.backup = backup
        self.show = show
        self.summary = Summary()
        self.users: dict[int, int] = {}  # Discourse user id -> Hearth user id
        self.usernames: dict[str, str] = {}  # Discourse username (lower) -> Hearth username
        self.trust: dict[int, int] = {}  # Hearth user id -> trust level
        self.staged: dict[int, sqlite3.Row] = {}  # staged Discourse users, created on use
        self.categories: dict[int, object] = {}  # Discourse category id -> Category
        self.event_seq = 0
        self.profile_urls: dict[str, str] = {}
        self.db.execute(
            "CREATE TABLE events (at TEXT, seq INTEGER, verb TEXT, actor INTEGER, "
            "target INTEGER, obj_type TEXT, obj_id INTEGER, data TEXT)"
        )
        self.db.execute(
            "CREATE TABLE post_map (d_id INTEGER PRIMARY KEY, h_id INTEGER, author INTEGER, "
            "topic INTEGER)"
        )

    # --- the whole run ---

    def run(self, *, slug: str, create: str | None, owner: str | None) -> Summary:
        from hearth.analytics import rollups
        from hearth.archive.community import recount
        from hearth.core import page_cache
        from hearth.core.uploads import discard_uploads_on_error
        from hearth.search.index import rebuild_index
        from hearth.trust import levels as trust_levels

        with discard_uploads_on_error(), transaction.atomic():
            self._import_users()
            community = self._community(slug, create, owner)
            self.community = community
            self.summary.community = community
            self._memberships()
            self._import_categories()
            self._import_topics()
            self._import_likes()
            self._write_events()
            recount(community)
            self._category_last_posted()
            if create is not None:
                self._drop_unused_defaults()
            # Derived state, recomputed from what was just written, in the same transaction.
            rebuild_index(community_id=community.pk)
            rollups.rebuild(community)
            trust_levels.update(community, lag=timedelta(0))
            self._skip_history_for_followers()
            page_cache.bump_now_and_on_commit(community.pk)
        community.refresh_from_db()
        return self.summary

    # --- accounts ---

    def _import_users(self) -> None:
        from allauth.account.models import EmailAddress

        from hearth.accounts.models import User

        rows = self.db.execute(
            "SELECT u.*, e.email AS email, p.bio_raw AS bio FROM users u "
            "LEFT JOIN user_emails e ON e.user_id = u.id AND e.[primary] IN ('t', 'true') "
            "LEFT JOIN user_profiles p ON p.user_id = u.id ORDER BY CAST(u.id AS INTEGER)"
        )
        bar = progress(desc="accounts", unit="user", enabled=self.show)
        for row in rows:
            d_id = parse_int(row["id"])
            bar.update(1)
            if d_id is None or d_id <= 0:
                self.summary.skip("system accounts")
                continue
            if parse_bool(get(row, "staged")) or not parse_bool(row["active"]):
                # Wrote only by email, or never confirmed their address: an account only
                # if they wrote something imported, and not a member.
                self.staged[d_id] = row
                continue
            self._account(row, d_id, User, EmailAddress)
        bar.close()

    def _account(self, row, d_id: int, User, EmailAddress) -> int:
        email = (row["email"] or "").strip().lower()
        if len(email) > 254 or "@" not in email:  # Discourse allows longer; Hearth cannot
            email = ""
        confirmed = parse_bool(row["active"])
        existing = None
        if email and confirmed:
            verified = EmailAddress.objects.filter(email__iexact=email, verified=True).first()
            existing = verified.user_id if verified else None
        if existing is not None:
            self.users[d_id] = existing
            self.usernames[row["username"].lower()] = User.objects.get(pk=existing).username
            self.summary.users_linked += 1
            return existing
        taken = bool(email) and (
            User.objects.filter(email__iexact=email).exists()
            or EmailAddress.objects.filter(email__iexact=email).exists()
        )
        if taken or not email:
            # The address belongs to an account here that Discourse's confirmation does not
            # prove is the same person (or there is none): the new account gets no address.
            email = ""
            self.summary.users_without_email += 1
        user = User(
            username=username_for(row["username"], d_id),
            email=email,
            display_name=(row["name"] or "")[:60],
            bio=(row["bio"] or "")[:2000],
            date_joined=parse_time(row["created_at"]) or timezone.now(),
        )
        user.set_unusable_password()
        self._avatar(user, parse_int(get(row, "uploaded_avatar_id")))
        user.save()
        if email:
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=confirmed)
        self.users[d_id] = user.pk
        self.usernames[row["username"].lower()] = user.username
        self.summary.users_created += 1
        return user.pk

    def _avatar(self, user, upload_id: int | None) -> None:
        """The picture the member chose on Discourse, stored as Hearth stores an avatar."""
        from django.core.files.base import ContentFile

        from hearth.accounts.services import AVATAR_MAX_SIDE
        from hearth.core.images import process_image
        from hearth.core.uploads import store_in_field

        if upload_id is None:
            return
        row = self.db.execute("SELECT url FROM uploads WHERE id = ?", (str(upload_id),)).fetchone()
        data = self._stored_upload(row["url"] if row else None)
        if data is None:
            return
        try:
            avatar = process_image(
                ContentFile(data, name="avatar"), max_side=AVATAR_MAX_SIDE, prefix="avatars"
            )
        except ValidationError:
            return
        store_in_field(user.avatar, avatar, field="avatar")

    def user(self, d_id: int | None) -> int | None:
        """The Hearth account for a Discourse user id; a staged user's is made on first use."""
        if d_id is None:
            return None
        if d_id in self.users:
            return self.users[d_id]
        row = self.staged.pop(d_id, None)
        if row is None:
            return None
        from allauth.account.models import EmailAddress

        from hearth.accounts.models import User

        return self._account(row, d_id, User, EmailAddress)

    # --- the community and its members ---

    def _community(self, slug: str, create: str | None, owner: str | None):
        from hearth.accounts.models import User
        from hearth.communities import services
        from hearth.communities.models import Community

        if create is None:
            community = Community.objects.select_for_update().get(slug=slug)
            _check_empty(community)  # again, under the lock
            return community
        if owner:
            owner_user = User.objects.filter(username=owner).first()
            if owner_user is None:
                raise ArchiveError(f"No account named {owner!r} to own the community.")
        else:
            admins = self.db.execute(
                "SELECT id FROM users WHERE admin IN ('t', 'true') AND CAST(id AS INTEGER) > 0 "
                "AND COALESCE(staged, 'f') NOT IN ('t', 'true') ORDER BY CAST(id AS INTEGER)"
            )
            first = next(
                (self.users[int(r["id"])] for r in admins if int(r["id"]) in self.users), None
            )
            if first is None:
                raise ArchiveError(
                    "The backup has no admin account to own the community: give --owner USERNAME."
                )
            owner_user = User.objects.get(pk=first)
        try:
            return services.community_create(
                user=owner_user, name=create, slug=slug, rules=DEFAULT_RULES
            )
        except ValidationError as exc:
            messages = "; ".join(
                f"{key}: {' '.join(msgs)}" for key, msgs in exc.message_dict.items()
            )
            raise ArchiveError(f"Cannot create the community: {messages}") from exc

    def _memberships(self) -> None:
        from hearth.communities.models import Membership, MembershipStatus, Role

        existing = {m.user_id: m for m in Membership.objects.filter(community=self.community)}
        now = timezone.now()
        new = []
        rows = self.db.execute("SELECT * FROM users ORDER BY CAST(id AS INTEGER)")
        for row in rows:
            d_id = parse_int(row["id"])
            user_id = self.users.get(d_id)
            if user_id is None:
                continue
            level = min(max(parse_int(row["trust_level"]) or 0, 0), 4)
            self.trust[user_id] = level
            joined = parse_time(row["created_at"]) or now
            if user_id in existing:
                membership = existing[user_id]
                if membership.joined_at is None or joined < membership.joined_at:
                    Membership.objects.filter(pk=membership.pk).update(joined_at=joined)
                self.trust[user_id] = membership.trust_level
                continue
            role = (
                Role.ADMIN
                if parse_bool(row["admin"])
                else Role.MODERATOR
                if parse_bool(row["moderator"])
                else Role.MEMBER
            )
            membership = Membership(
                community=self.community,
                user_id=user_id,
                role=role,
                status=MembershipStatus.ACTIVE,
                trust_level=level,
                source=SOURCE,
                requested_at=joined,
                joined_at=joined,
            )
            suspended = parse_time(get(row, "suspended_till"))
            if suspended is not None and suspended > now:
                membership.status = MembershipStatus.BANNED
                membership.banned_until = suspended
                membership.status_before_ban = MembershipStatus.ACTIVE
                membership.role_before_ban = role
                membership.role = Role.MEMBER
                membership.ban_reason = "Suspended on Discourse."
            silenced = parse_time(get(row, "silenced_till"))
            if silenced is not None and silenced > now:
                membership.silenced_until = silenced
            new.append(membership)
            existing[user_id] = membership
        Membership.objects.bulk_create(new, batch_size=500)
        self._regulars_keep_their_level(new)
        for membership in new:
            if membership.status != MembershipStatus.ACTIVE:
                continue
            self._event(
                membership.joined_at, "member.join", membership.user_id, None,
                "communities.membership", membership.pk, {"source": SOURCE, "campaign": ""},
            )  # fmt: skip

    def _regulars_keep_their_level(self, memberships) -> None:
        """Level 3 is kept on recent activity Hearth cannot see before the import: imported
        regulars get the grace period a fresh promotion gets."""
        from hearth.trust.models import MemberTrust
        from hearth.trust.policy import REGULAR

        now = timezone.now()
        MemberTrust.objects.bulk_create(
            [
                MemberTrust(community=self.community, user_id=m.user_id, changed_at=now)
                for m in memberships
                if m.trust_level == REGULAR
            ],
            ignore_conflicts=True,
        )

    # --- categories ---

    def _import_categories(self) -> None:
        from hearth.discussions.models import Category, ReadAccess

        rows = list(
            self.db.execute(
                "SELECT * FROM categories ORDER BY CAST(COALESCE(position, 0) AS INTEGER), "
                "CAST(id AS INTEGER)"
            )
        )
        by_id = {parse_int(r["id"]): r for r in rows}
        existing = {c.slug: c for c in Category.objects.filter(community=self.community)}
        position = max((c.position for c in existing.values()), default=-1) + 1
        # Parents first, so a subcategory can be named after its parent.
        ordered = sorted(rows, key=lambda r: get(r, "parent_category_id") is not None)
        for row in ordered:
            d_id = parse_int(row["id"])
            parent = by_id.get(parse_int(get(row, "parent_category_id")))
            name = (row["name"] or "").strip() or f"Category {d_id}"
            slug = category_slug(row["slug"] or "", name, f"category-{d_id}")
            if parent is not None:
                parent_name = (parent["name"] or "").strip()
                name = f"{parent_name} › {name}"
                parent_slug = category_slug(
                    parent["slug"] or "", parent_name, f"category-{parent['id']}"
                )
                slug = category_slug(f"{parent_slug}-{slug}", "", f"category-{d_id}")
            fields = {
                "name": name[:60],
                "description": plain_text(get(row, "description"))[:300],
                "color": color(get(row, "color")),
                "read_access": (
                    ReadAccess.STAFF
                    if parse_bool(get(row, "read_restricted"))
                    else ReadAccess.EVERYONE
                ),
            }
            category = existing.get(slug)
            if category is not None and category.pk not in {c.pk for c in self.categories.values()}:
                # An empty category of the same slug (a new community's "general"): reuse it.
                for key, value in fields.items():
                    setattr(category, key, value)
                category.save(update_fields=list(fields))
            else:
                slug = free_slug(slug, existing)
                category = Category.objects.create(
                    community=self.community,
                    slug=slug,
                    position=position,
                    created_at=parse_time(get(row, "created_at")) or timezone.now(),
                    **fields,
                )
                position += 1
                existing[slug] = category
                self.summary.categories += 1
            self.categories[d_id] = category

    def _fallback_category(self):
        """Where topics without a category go (Discourse's "uncategorized" is a category of
        its own, so this is rare)."""
        from hearth.discussions.models import Category

        if None not in self.categories:
            category, created = Category.objects.get_or_create(
                community=self.community,
                slug="uncategorized",
                defaults={"name": "Uncategorized", "position": 9999},
            )
            self.summary.categories += int(created)
            self.categories[None] = category
        return self.categories[None]

    # --- topics and posts ---

    def _import_topics(self) -> None:
        definition_topics = (
            {
                parse_int(r["topic_id"])
                for r in self.db.execute(
                    "SELECT topic_id FROM categories WHERE topic_id IS NOT NULL"
                )
            }
            if self._has_column("categories", "topic_id")
            else set()
        )
        total = self.db.execute("SELECT COUNT(*) FROM topics").fetchone()[0]
        bar = progress(total=total, desc="topics", unit="topic", enabled=self.show)
        rows = self.db.execute("SELECT * FROM topics ORDER BY created_at, CAST(id AS INTEGER)")
        for row in rows:
            bar.update(1)
            d_id = parse_int(row["id"])
            if row["archetype"] != "regular":
                self.summary.skip("private messages")
                continue
            if row["deleted_at"] is not None:
                self.summary.skip("deleted topics")
                continue
            if d_id in definition_topics:
                self.summary.skip('"About the category" topics')
                continue
            self._import_topic(row, d_id)
        bar.close()

    def _import_topic(self, row, d_id: int) -> None:
        from hearth.core.markdown import clean_text
        from hearth.discussions.models import Attachment, Post, Topic

        category_id = parse_int(row["category_id"])
        category = self.categories.get(category_id) or self._fallback_category()
        posts = [
            p
            for p in self.db.execute(
                "SELECT * FROM posts WHERE topic_id = ? ORDER BY CAST(post_number AS INTEGER)",
                (row["id"],),  # as stored (text), so the index serves it
            )
            if (get(p, "post_type") or "1") in POST_TYPES and (p["raw"] or "").strip()
        ]
        if not posts or parse_int(posts[0]["post_number"]) != 1:
            self.summary.skip("topics without their first post")
            return
        first = posts[0]
        title = " ".join(clean_text(row["title"] or "").split())[:255] or f"Topic {d_id}"
        created = parse_time(row["created_at"]) or parse_time(first["created_at"])
        author = self.user(parse_int(first["user_id"]))
        first_deleted = deleted_at(first)
        topic = Topic.objects.create(
            community=self.community,
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
        self.summary.topics += 1
        objects, meta, attachments = [], [], []
        for p in posts:
            author_id = self.user(parse_int(p["user_id"]))
            body, stored = self._uploads(convert_body(p["raw"]))
            attachments.append(stored)
            deleted = deleted_at(p) or (first_deleted if p is first else None)
            mentioned = self._mentions(body, author_id)
            objects.append(
                Post(
                    community=self.community,
                    topic=topic,
                    number=parse_int(p["post_number"]),
                    author_id=author_id,
                    body=body,
                    html=self._render(body, author_id),
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
        _set_column(Post, "reply_to", replies)
        self._post_records(topic, category, objects, meta)

    def _post_records(self, topic, category, objects, meta) -> None:
        from hearth.discussions.models import Mention

        self.db.executemany(
            "INSERT INTO post_map VALUES (?, ?, ?, ?)",
            [
                (parse_int(p["id"]), post.pk, post.author_id, topic.pk)
                for post, (p, _m) in zip(objects, meta, strict=True)
                if post.deleted_at is None
            ],
        )
        mentions = []
        for post, (_p, mentioned) in zip(objects, meta, strict=True):
            self.summary.posts += 1
            if post.deleted_at is not None:
                self.summary.posts_deleted += 1
                continue
            if post.author_id is None:
                continue  # the system account's posts: nobody's interaction
            if post.number == 1:
                self._event(
                    post.created_at, "topic.create", post.author_id, None,
                    "discussions.post", post.pk, {"topic": topic.pk, "kind": category.kind},
                )  # fmt: skip
            else:
                to = post.reply_to
                target = to.author_id if to is not None else topic.author_id
                self._event(
                    post.created_at, "post.reply", post.author_id,
                    target if target != post.author_id else None, "discussions.post", post.pk,
                    {"topic": topic.pk, "reply_to": to.pk if to is not None else None,
                     "number": post.number, "kind": category.kind},
                )  # fmt: skip
            for user_id in mentioned:
                mentions.append(Mention(community=self.community, post=post, user_id=user_id))
                self._event(
                    post.created_at, "post.mention", post.author_id, user_id,
                    "discussions.post", post.pk, {"topic": topic.pk},
                )  # fmt: skip
        Mention.objects.bulk_create(mentions)
        self._participants(topic, objects)

    def _participants(self, topic, objects) -> None:
        """What the posting services keep for each author: they have read the topic up to
        their last post in it, and follow it (its starter watching, repliers tracking)."""
        from hearth.discussions.models import TopicRead, Watch, WatchLevel

        last: dict[int, object] = {}
        for post in objects:
            if post.author_id is not None and post.deleted_at is None:
                last[post.author_id] = post
        TopicRead.objects.bulk_create(
            TopicRead(
                community=self.community, topic=topic, user_id=user_id,
                last_read_number=post.number, updated_at=post.created_at,
            )
            for user_id, post in last.items()
        )  # fmt: skip
        Watch.objects.bulk_create(
            Watch(
                community=self.community, topic=topic, user_id=user_id,
                level=WatchLevel.WATCHING if user_id == topic.author_id else WatchLevel.TRACKING,
            )
            for user_id in last
        )  # fmt: skip

    def _uploads(self, body: str) -> tuple[str, list[int]]:
        """The body with each image Discourse stored brought along as Hearth stores a
        post's image (re-encoded, with a thumbnail, private to who may read the post); a
        file that is not an image, or not in the backup, is named instead of linked.
        Returns the body and the attachments made (their post is set by the caller)."""
        stored: list[int] = []

        def replace(match: re.Match) -> str:
            bang, label, target = match.groups()
            label = label.split("|")[0].strip()
            data = self._upload_bytes(target)
            if bang and data is not None:
                try:
                    full, thumb = self._store_image(data)
                except ValidationError:
                    pass
                else:
                    stored.extend(a.pk for a in (full, thumb))
                    self.summary.images += 1
                    return (
                        f"[![{label or 'image'}]({thumb.get_absolute_url()})]"
                        f"({full.get_absolute_url()})"
                    )
            what = "image" if bang else "file"
            self.summary.skip(f"{what}s not imported")
            return f"_({what} not imported: {label or 'upload'})_"

        if "/uploads/" in body or "upload://" in body:
            body = UPLOAD_LINK.sub(replace, body)
        return body, stored

    def _upload_bytes(self, target: str) -> bytes | None:
        sha1 = upload_sha1(target)
        if sha1 is None:
            return None
        row = self.db.execute("SELECT url FROM uploads WHERE sha1 = ?", (sha1,)).fetchone()
        return self._stored_upload(row["url"] if row else None)

    def _stored_upload(self, url: str | None) -> bytes | None:
        """The bytes of an upload Discourse stored locally (so it is in the backup)."""
        if not url or "/uploads/" not in url:
            return None
        return self.backup.read_upload("uploads/" + url.split("/uploads/", 1)[1])

    def _store_image(self, data: bytes):
        from django.core.files.base import ContentFile

        from hearth.core.images import process_image
        from hearth.core.uploads import private_storage, store_upload
        from hearth.discussions.models import Attachment

        prefix = f"posts/{self.community.pk}"
        out = []
        for side, where in ((IMAGE_MAX_SIDE, prefix), (THUMB_MAX_SIDE, f"{prefix}/thumbs")):
            content = process_image(ContentFile(data, name="upload"), max_side=side, prefix=where)
            out.append(
                Attachment.objects.create(
                    community=self.community,
                    file=store_upload(private_storage(), content.name, content, field="image"),
                )
            )
        return out

    def _mentions(self, body: str, author_id: int | None) -> list[int]:
        """Hearth ids of the imported members an @name in the body names."""
        from hearth.core.markdown import mentioned_names

        out = []
        for name in mentioned_names(body)[:MAX_MENTIONS]:
            user_id = self._user_by_name(name)
            if user_id is not None and user_id != author_id and user_id not in out:
                out.append(user_id)
        return out

    def _user_by_name(self, name: str) -> int | None:
        if not hasattr(self, "_by_name"):
            rows = self.db.execute("SELECT id, username FROM users")
            self._by_name = {
                r["username"].lower(): self.users[int(r["id"])]
                for r in rows
                if r["id"] is not None and int(r["id"]) in self.users
            }
        return self._by_name.get(name.lower())

    def _render(self, body: str, author_id: int | None) -> str:
        from hearth.core.markdown import render_markdown

        slug = self.community.slug

        def mention_url(name: str) -> str | None:
            hearth_name = self.usernames.get(name.lower().rstrip("."))
            if hearth_name is None:
                return None
            if hearth_name not in self.profile_urls:
                self.profile_urls[hearth_name] = reverse(
                    "communities:profile", args=[slug, hearth_name]
                )
            return self.profile_urls[hearth_name]

        trust = self.trust.get(author_id, 0) if author_id is not None else 0
        return render_markdown(body, mention_url=mention_url, nofollow=trust < 2)

    # --- likes ---

    def _import_likes(self) -> None:
        from hearth.discussions.models import Post, Reaction

        # One like per member and post (Discourse can hold a second one on the topic).
        rows = self.db.execute(
            "SELECT a.user_id, MIN(a.created_at) AS created_at, m.h_id, m.author, m.topic "
            "FROM post_actions a JOIN post_map m ON m.d_id = CAST(a.post_id AS INTEGER) "
            "WHERE CAST(a.post_action_type_id AS INTEGER) = ? AND a.deleted_at IS NULL "
            "GROUP BY m.h_id, a.user_id ORDER BY MIN(a.created_at)",
            (LIKE,),
        )
        batch = []
        for row in rows:
            user_id = self.user(parse_int(row["user_id"]))
            if user_id is None or user_id == row["author"]:
                continue
            self.summary.reactions += 1
            at = parse_time(row["created_at"]) or timezone.now()
            batch.append(
                Reaction(
                    community=self.community, post_id=row["h_id"], user_id=user_id,
                    kind=REACTION, created_at=at,
                )
            )  # fmt: skip
            self._event(
                at, "post.react", user_id, row["author"], "discussions.post", row["h_id"],
                {"kind": REACTION, "topic": row["topic"]},
            )  # fmt: skip
            if len(batch) >= 1000:
                Reaction.objects.bulk_create(batch)
                batch.clear()
        Reaction.objects.bulk_create(batch)
        counts = (
            Reaction.objects.filter(community=self.community)
            .values_list("post_id", "kind")
            .annotate(n=Count("pk"))
            .order_by("post_id")
        )
        changed = []
        for post_id, kind, n in counts.iterator():
            changed.append((post_id, {kind: n}))
            if len(changed) >= 1000:
                _set_column(Post, "reactions", changed)
                changed.clear()
        _set_column(Post, "reactions", changed)

    # --- the event log ---

    def _event(self, at, verb, actor, target, obj_type, obj_id, data) -> None:
        self.event_seq += 1
        self.db.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (_ts(at), self.event_seq, verb, actor, target, obj_type, obj_id, json.dumps(data)),
        )

    def _write_events(self) -> None:
        """The events in the order they happened (analytics replay them in id order)."""
        from hearth.core.models import InteractionEvent

        total = self.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        bar = progress(total=total, desc="events", unit="event", enabled=self.show)
        batch = []
        for row in self.db.execute("SELECT * FROM events ORDER BY at, seq"):
            batch.append(
                InteractionEvent(
                    community=self.community,
                    actor_id=row["actor"],
                    target_user_id=row["target"],
                    verb=row["verb"],
                    object_type=row["obj_type"],
                    object_id=row["obj_id"],
                    data=json.loads(row["data"]),
                    created_at=datetime.strptime(row["at"], TIME_FORMAT).replace(tzinfo=UTC),
                )
            )
            if len(batch) >= EVENT_BATCH:
                InteractionEvent.objects.bulk_create(batch)
                bar.update(len(batch))
                batch.clear()
        InteractionEvent.objects.bulk_create(batch)
        bar.update(len(batch))
        bar.close()

    def _skip_history_for_followers(self) -> None:
        """Notifications and webhooks start after the imported history: they are for what
        happens from now on."""
        from hearth.core.models import InteractionEvent
        from hearth.notifications.models import NotificationState
        from hearth.webhooks.models import WebhookState

        last = (
            InteractionEvent.objects.filter(community=self.community).aggregate(m=Max("pk"))["m"]
            or 0
        )
        for model in (NotificationState, WebhookState):
            model.objects.update_or_create(
                community=self.community,
                defaults={"last_event_id": last, "updated_at": timezone.now()},
            )

    # --- finishing ---

    def _category_last_posted(self) -> None:
        from hearth.discussions.models import Category, Topic

        Category.objects.filter(community=self.community).update(
            last_posted_at=Subquery(
                Topic.objects.filter(category_id=OuterRef("pk"), deleted_at=None)
                .order_by()
                .values("category_id")
                .annotate(m=Max("last_posted_at"))
                .values("m")
            )
        )

    def _drop_unused_defaults(self) -> None:
        """A community made for the import loses the starter categories nothing went into."""
        from hearth.discussions.models import Category, Topic
        from hearth.discussions.services import DEFAULT_CATEGORIES

        used = {c.pk for c in self.categories.values()}
        starters = Category.objects.filter(
            community=self.community, slug__in=[slug for slug, *_ in DEFAULT_CATEGORIES]
        ).exclude(pk__in=used)
        starters.exclude(pk__in=Topic.objects.values("category_id")).delete()

    def _has_column(self, table: str, column: str) -> bool:
        return any(r[1] == column for r in self.db.execute(f"PRAGMA table_info({table})"))


# --- writing many rows at once ---


def _set_column(model, name: str, pairs: list[tuple[int, object]]) -> None:
    """``UPDATE … SET name = value WHERE pk = id`` for each (id, value), in one round trip
    (``bulk_update`` builds a CASE per row, far slower for the import's sizes)."""
    from django.db import connection

    if not pairs:
        return
    field = model._meta.get_field(name)
    table, column, pk = (
        connection.ops.quote_name(model._meta.db_table),
        connection.ops.quote_name(field.column),
        connection.ops.quote_name(model._meta.pk.column),
    )
    params = [(field.get_db_prep_save(value, connection), pk_value) for pk_value, value in pairs]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", params)  # noqa: S608
