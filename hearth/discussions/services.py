"""Writes for discussions. One transaction each; each checks the policy, records interaction
events, and keeps the denormalised counters in step. The search index, Q&A and ideas
follow the events inside the same transaction (``core.events.on_event_recorded``), so this
module never names them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hearth.communities.models import Membership, MembershipStatus
from hearth.communities.services import staff_log_record
from hearth.core import page_cache
from hearth.core.actor import Actor
from hearth.core.colors import validate_hex_color
from hearth.core.events import record_event
from hearth.core.images import process_image
from hearth.core.markdown import (
    clean_text,
    link_and_image_counts,
    mentioned_names,
    render_markdown,
)
from hearth.core.uploads import discard_uploads_on_error, private_storage, store_upload
from hearth.discussions import hooks, policy
from hearth.discussions.models import (
    REACTIONS,
    Attachment,
    Category,
    CategoryKind,
    Mention,
    Post,
    PostAccess,
    PostRevision,
    Reaction,
    ReadAccess,
    ReviewState,
    Topic,
    TopicRead,
    Watch,
    WatchLevel,
)

MAX_TITLE_CHARS = 255
MAX_MENTIONS = 20
IMAGE_MAX_SIDE = 1600
THUMB_MAX_SIDE = 640
LINK_TRUST_LEVEL = 2  # links from members below this level carry rel="nofollow"
SLUG_SAFE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")


# Validation ----------------------------------------------------------------------------


def clean_title(title: str) -> str:
    title = " ".join(clean_text(title).split())
    if not title:
        raise ValidationError({"title": [_("Give the topic a title.")]})
    if len(title) > MAX_TITLE_CHARS:
        raise ValidationError(
            {"title": [_("Keep the title under %(n)s characters.") % {"n": MAX_TITLE_CHARS}]}
        )
    return title


def clean_body(body: str) -> str:
    body = clean_text(body).strip()
    limit = settings.HEARTH_MAX_POST_CHARS
    if not body:
        raise ValidationError({"body": [_("Write something first.")]})
    if len(body) > limit:
        raise ValidationError(
            {
                "body": [
                    _("Posts can be up to %(limit)s characters; this one has %(n)s.")
                    % {"limit": f"{limit:,}", "n": f"{len(body):,}"}
                ]
            }
        )
    return body


def _mentioned_members(community, body: str) -> dict[str, Membership]:
    names = mentioned_names(body)
    if len(names) > MAX_MENTIONS:
        raise ValidationError(
            {"body": [_("Mention at most %(n)s people in one post.") % {"n": MAX_MENTIONS}]}
        )
    if not names:
        return {}
    members = (
        Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
        .annotate(name_lower=Lower("user__username"))
        .filter(name_lower__in=names)
        .select_related("user")
        .order_by("pk")  # the mention events are recorded in this order
    )
    return {m.name_lower: m for m in members}


def _render(community, body: str, members: dict[str, Membership], author_trust: int) -> str:
    def mention_url(name: str) -> str | None:
        membership = members.get(name.lower().rstrip("."))
        if membership is None:
            return None
        return reverse("communities:profile", args=[community.slug, membership.user.username])

    return render_markdown(body, mention_url=mention_url, nofollow=author_trust < LINK_TRUST_LEVEL)


def _check_content(actor: Actor, body: str, image=None) -> None:
    """Refuse, before anything is written, what the author's trust level does not allow:
    an attachment, or more links, images or mentions than a new member may post."""
    if image and (reason := policy.attach_image_denial(actor)) is not None:
        raise ValidationError({"image": [reason]})
    links, images = link_and_image_counts(body)
    reason = policy.post_content_denial(
        actor, links=links, images=images + (1 if image else 0), mentions=len(mentioned_names(body))
    )
    if reason is not None:
        raise ValidationError({"body": [reason]})


def _attach_image(community, body: str, image) -> tuple[str, list[Attachment]]:
    """Store an uploaded image (re-encoded, with a thumbnail) privately and link it from
    the body. The caller gives the attachments their post once it exists."""
    if not image:
        return body, []
    try:
        full = process_image(image, max_side=IMAGE_MAX_SIDE, prefix=f"posts/{community.pk}")
        image.seek(0)
        thumb = process_image(image, max_side=THUMB_MAX_SIDE, prefix=f"posts/{community.pk}/thumbs")
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages}) from exc
    attachments = [
        Attachment.objects.create(
            community=community,
            file=store_upload(private_storage(), content.name, content, field="image"),
        )
        for content in (full, thumb)
    ]
    full_url, thumb_url = (a.get_absolute_url() for a in attachments)
    return f"{body}\n\n[![{_('image')}]({thumb_url})]({full_url})", attachments


# Categories ----------------------------------------------------------------------------


def _clean_category(
    *, name, slug, description, color, read_access, post_access, kind, community, exclude_pk=None
):
    errors: dict[str, list] = {}
    if kind not in CategoryKind.values:
        errors["kind"] = [_("Choose the category's type.")]
    name = " ".join(clean_text(name).split())
    if not name or len(name) > 60:
        errors["name"] = [_("Give the category a name of up to 60 characters.")]
    slug = (slug or slugify(name))[:60]
    if not SLUG_SAFE.match(slug):
        errors["slug"] = [_("Use lowercase letters, digits and hyphens.")]
    elif Category.objects.filter(community=community, slug=slug).exclude(pk=exclude_pk).exists():
        errors["slug"] = [_("Another category already uses that slug.")]
    try:
        validate_hex_color(color)
    except ValidationError as exc:
        errors["color"] = exc.messages
    if read_access not in ReadAccess.values:
        errors["read_access"] = [_("Choose who may read it.")]
    if post_access not in PostAccess.values:
        errors["post_access"] = [_("Choose who may start topics.")]
    description = clean_text(description or "").strip()
    if len(description) > 300:
        errors["description"] = [_("Keep the description under 300 characters.")]
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "slug": slug,
        "description": description,
        "color": color.lower(),
        "read_access": read_access,
        "post_access": post_access,
        "kind": kind,
    }


@transaction.atomic
def category_create(
    *,
    actor: Actor,
    name: str,
    slug: str = "",
    description: str = "",
    color: str = "#64748b",
    read_access: str = ReadAccess.EVERYONE,
    post_access: str = PostAccess.MEMBERS,
    kind: str = CategoryKind.DISCUSSION,
) -> Category:
    policy.ensure_manage_categories(actor)
    fields = _clean_category(
        name=name, slug=slug, description=description, color=color, read_access=read_access,
        post_access=post_access, kind=kind, community=actor.community,
    )  # fmt: skip
    last = Category.objects.filter(community=actor.community).order_by("-position").first()
    category = Category.objects.create(
        community=actor.community, position=(last.position + 1 if last else 0), **fields
    )
    staff_log_record(actor, actor.community, "category.create", details={"slug": category.slug})
    return category


@transaction.atomic
def category_update(*, actor: Actor, category: Category, **changes) -> Category:
    policy.ensure_manage_categories(actor)
    if category.community_id != actor.community.pk:
        raise ValidationError(_("That category belongs to another community."))
    current = {
        f: getattr(category, f)
        for f in ("name", "slug", "description", "color", "read_access", "post_access", "kind")
    }
    fields = _clean_category(
        community=actor.community, exclude_pk=category.pk, **{**current, **changes}
    )
    changed = sorted(f for f, v in fields.items() if current[f] != v)
    for field, value in fields.items():
        setattr(category, field, value)
    category.save()
    if changed:
        staff_log_record(
            actor,
            actor.community,
            "category.update",
            details={"slug": category.slug, "fields": changed},
        )
    return category


@transaction.atomic
def category_move(*, actor: Actor, category: Category, offset: int) -> Category:
    """Move a category up (offset -1) or down (+1) in the community's order."""
    policy.ensure_manage_categories(actor)
    ordered = list(
        Category.objects.select_for_update()
        .filter(community=actor.community)
        .order_by("position", "id")
    )
    index = next(i for i, c in enumerate(ordered) if c.pk == category.pk)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    for position, item in enumerate(ordered):
        if item.position != position:
            Category.objects.filter(pk=item.pk).update(position=position)
    # .update() sends no signal: the visitors' cached pages must hear of the new order.
    page_cache.bump_now_and_on_commit(actor.community.pk)
    return category


DEFAULT_CATEGORIES = [
    (
        "general",
        gettext_lazy("General"),
        gettext_lazy("Anything about the community's topic."),
        "#2563eb",
    ),
    (
        "introductions",
        gettext_lazy("Introductions"),
        gettext_lazy("New here? Say hello and tell us about yourself."),
        "#16a34a",
    ),
]


def categories_create_defaults(*, community) -> list[Category]:
    """The categories every new community starts with. Caller holds the transaction."""
    return Category.objects.bulk_create(
        Category(
            community=community,
            slug=slug,
            name=str(name),
            description=str(text),
            color=color,
            position=i,
        )
        for i, (slug, name, text, color) in enumerate(DEFAULT_CATEGORIES)
    )


# Topics and posts ----------------------------------------------------------------------


def _unique_topic_slug(title: str) -> str:
    return slugify(title)[:80].strip("-") or "topic"


def _existing_by_token(actor: Actor, client_token: str | None) -> Post | None:
    if not client_token:
        return None
    return Post.objects.filter(author=actor.user, client_token=client_token).first()


def _create_post(
    *, actor: Actor, topic: Topic, body: str, reply_to: Post | None, client_token: str | None
) -> Post:
    """Number and store a post. Caller holds the topic's row lock."""
    members = _mentioned_members(actor.community, body)
    trust = actor.membership.trust_level if actor.membership else 0
    now = timezone.now()
    number = topic.highest_post_number + 1
    # A newcomer's first post (none of theirs survives here yet) goes to the welcome queue;
    # staff are the ones welcoming, so theirs are not flagged.
    is_first_post = (
        not actor.is_staff
        and not Post.objects.filter(
            community=actor.community, author=actor.user, deleted_at__isnull=True
        ).exists()
    )
    try:
        with transaction.atomic():
            post = Post.objects.create(
                community=actor.community,
                topic=topic,
                number=number,
                author=actor.user,
                reply_to=reply_to,
                body=body,
                html=_render(actor.community, body, members, trust),
                created_at=now,
                client_token=client_token or None,
                is_first_post=is_first_post,
            )
    except IntegrityError:
        existing = _existing_by_token(actor, client_token)
        if existing is None:
            raise
        return existing
    Topic.objects.filter(pk=topic.pk).update(
        highest_post_number=number,
        post_count=F("post_count") + 1,
        last_posted_at=now,
        last_poster=actor.user,
    )
    Category.objects.filter(pk=topic.category_id).update(
        post_count=F("post_count") + 1, last_posted_at=now
    )
    Mention.objects.bulk_create(
        [
            Mention(community=actor.community, post=post, user=m.user)
            for m in members.values()
            if m.user_id != actor.user.pk
        ]
    )
    for membership in members.values():
        if membership.user_id != actor.user.pk:
            record_event(
                community=actor.community, actor=actor.user, verb="post.mention",
                target_user=membership.user, obj=post, data={"topic": topic.pk},
            )  # fmt: skip
    _mark_read(actor, topic, number)
    hooks.post_created(actor=actor, post=post)
    return post


@discard_uploads_on_error()
@transaction.atomic
def topic_create(
    *,
    actor: Actor,
    category: Category,
    title: str,
    body: str,
    image=None,
    client_token: str | None = None,
    composed_in: float | None = None,
) -> Topic:
    policy.ensure_start_topic(actor, category)
    if (existing := _existing_by_token(actor, client_token)) is not None:
        return existing.topic
    errors: dict[str, list] = {}
    for clean, value in ((clean_title, title), (clean_body, body)):
        try:
            clean(value)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    _check_content(actor, clean_body(body), image)
    after = hooks.post_check(
        actor=actor,
        draft=hooks.PostDraft(
            kind="topic", title=clean_title(title), body=clean_body(body), category=category,
            client_token=client_token or "", composed_in=composed_in,
        ),
    )  # fmt: skip
    title = clean_title(title)
    body, attachments = _attach_image(actor.community, clean_body(body), image)
    now = timezone.now()
    topic = Topic.objects.create(
        community=actor.community,
        category=category,
        title=title,
        slug=_unique_topic_slug(title),
        author=actor.user,
        created_at=now,
        last_posted_at=now,
        last_poster=actor.user,
    )
    Category.objects.filter(pk=category.pk).update(topic_count=F("topic_count") + 1)
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    post = _create_post(
        actor=actor, topic=topic, body=body, reply_to=None, client_token=client_token
    )
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(post=post)
    hooks.post_stored(post, after)
    record_event(
        community=actor.community,
        actor=actor.user,
        verb="topic.create",
        obj=post,
        data={"topic": topic.pk, "kind": category.kind},
    )
    _watch(actor, topic=topic, level=WatchLevel.WATCHING)
    topic.refresh_from_db()
    return topic


@discard_uploads_on_error()
@transaction.atomic
def post_reply(
    *,
    actor: Actor,
    topic: Topic,
    body: str,
    reply_to: Post | None = None,
    image=None,
    client_token: str | None = None,
    composed_in: float | None = None,
) -> Post:
    # Lock the topic: concurrent replies take numbers one after another.
    topic = Topic.objects.select_for_update().select_related("category").get(pk=topic.pk)
    policy.ensure_reply(actor, topic)
    if (existing := _existing_by_token(actor, client_token)) is not None:
        return existing
    if reply_to is not None and (reply_to.topic_id != topic.pk or reply_to.is_deleted):
        raise ValidationError({"reply_to": [_("You can only reply to a post in this topic.")]})
    _check_content(actor, clean_body(body), image)
    after = hooks.post_check(
        actor=actor,
        draft=hooks.PostDraft(
            kind="reply", body=clean_body(body), category=topic.category, topic=topic,
            client_token=client_token or "", composed_in=composed_in,
        ),
    )  # fmt: skip
    body, attachments = _attach_image(actor.community, clean_body(body), image)
    post = _create_post(
        actor=actor, topic=topic, body=body, reply_to=reply_to, client_token=client_token
    )
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(post=post)
    hooks.post_stored(post, after)
    target = reply_to.author if reply_to is not None else topic.author
    record_event(
        community=actor.community,
        actor=actor.user,
        verb="post.reply",
        target_user=target if target is not None and target.pk != actor.user.pk else None,
        obj=post,
        data={
            "topic": topic.pk,
            "reply_to": reply_to.pk if reply_to else None,
            "number": post.number,
            "kind": topic.category.kind,
        },
    )
    if not Watch.objects.filter(user=actor.user, topic=topic).exists():
        _watch(actor, topic=topic, level=WatchLevel.TRACKING)
    return post


class EditConflict(Exception):
    """The post was edited by someone else after the editor loaded it: saving would silently
    erase their change. ``post`` is the post as it is now (its ``edit_count`` is the
    revision to send with a merged text)."""

    def __init__(self, post: Post):
        super().__init__(f"post {post.pk} is at revision {post.edit_count}")
        self.post = post


@transaction.atomic
def post_edit(
    *, actor: Actor, post: Post, body: str, title: str | None = None, revision: int | None = None
) -> Post:
    """Save a new text (and, for a first post, title) of ``post``.

    ``revision`` is the ``edit_count`` the editor started from (the edit form and the API
    send it): when the post was edited since, :class:`EditConflict` is raised instead of
    overwriting that edit. ``None`` skips the check (the last save wins)."""
    # Lock the post: two saves at once are compared with the revision one after another.
    post = Post.objects.select_for_update().select_related("topic__category").get(pk=post.pk)
    policy.ensure_edit_post(actor, post)
    body = clean_body(body)
    topic = post.topic
    new_title = clean_title(title) if title is not None and post.number == 1 else topic.title
    if body == post.body and new_title == topic.title:
        return post
    if revision is not None and revision != post.edit_count:
        raise EditConflict(post)
    if body != post.body:
        _check_content(actor, body)
    after = hooks.post_check(
        actor=actor,
        draft=hooks.PostDraft(
            kind="edit", body=body, title=new_title if new_title != topic.title else "",
            category=topic.category, topic=topic, post=post,
        ),
    )  # fmt: skip
    author_membership = Membership.objects.filter(
        community=actor.community, user_id=post.author_id
    ).first()
    members = _mentioned_members(actor.community, body)
    trust = author_membership.trust_level if author_membership else 0
    PostRevision.objects.create(
        community=actor.community,
        post=post,
        number=post.edit_count + 1,
        editor=actor.user,
        title_before=topic.title if new_title != topic.title else "",
        body_before=post.body,
        body_after=body,
    )
    post.body = body
    post.html = _render(actor.community, body, members, trust)
    post.edit_count += 1
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "html", "edit_count", "edited_at"])
    if new_title != topic.title:
        topic.title = new_title
        topic.slug = _unique_topic_slug(new_title)
        topic.save(update_fields=["title", "slug"])
    known = set(Mention.objects.filter(post=post).values_list("user_id", flat=True))
    fresh = [m for m in members.values() if m.user_id not in known and m.user_id != post.author_id]
    Mention.objects.bulk_create(
        [Mention(community=actor.community, post=post, user=m.user) for m in fresh]
    )
    for membership in fresh:
        record_event(
            community=actor.community, actor=actor.user, verb="post.mention",
            target_user=membership.user, obj=post, data={"topic": topic.pk},
        )  # fmt: skip
    record_event(
        community=actor.community, actor=actor.user, verb="post.edit", obj=post,
        data={"topic": topic.pk},
    )  # fmt: skip
    hooks.post_edited(actor=actor, post=post)
    hooks.post_stored(post, after)
    return post


def _is_counted(post: Post) -> bool:
    """Whether a post counts in its topic's and category's post count and "last post": not
    deleted, and published. Replies held or hidden for review are left out, so everyone
    sees counts that match the posts they can read; a first post in review takes its whole
    topic out of sight instead, and stays counted in it."""
    return post.deleted_at is None and (post.number == 1 or not post.is_in_review)


def _recount(topic: Topic) -> None:
    visible = Post.objects.filter(topic=topic, deleted_at__isnull=True).filter(
        Q(review_state=ReviewState.PUBLISHED) | Q(number=1)
    )
    last = visible.order_by("-number").first()
    Topic.objects.filter(pk=topic.pk).update(
        post_count=visible.count(),
        last_posted_at=last.created_at if last else topic.created_at,
        last_poster_id=last.author_id if last else topic.author_id,
    )


@transaction.atomic
def post_delete(*, actor: Actor, post: Post) -> Post:
    """Soft delete. Deleting the first post deletes the topic (staff can restore both)."""
    post = Post.objects.select_for_update().select_related("topic__category").get(pk=post.pk)
    policy.ensure_delete_post(actor, post)
    return _soft_delete(actor, post)


@transaction.atomic
def post_delete_after_review(*, actor: Actor, post: Post) -> Post:
    """Soft-delete a post rejected in the review queue. The moderation app's policy decided
    who may (level-4 members reject flagged posts without being staff); this only writes."""
    post = Post.objects.select_for_update().select_related("topic__category").get(pk=post.pk)
    if post.is_deleted:
        return post
    return _soft_delete(actor, post)


def _soft_delete(actor: Actor, post: Post) -> Post:
    """Caller holds the post's row lock and has checked who may."""
    was_counted = _is_counted(post)
    post.deleted_at = timezone.now()
    post.deleted_by = actor.user
    post.save(update_fields=["deleted_at", "deleted_by"])
    topic = post.topic
    if post.number == 1:
        topic.deleted_at = post.deleted_at
        topic.save(update_fields=["deleted_at"])
        Category.objects.filter(pk=topic.category_id).update(topic_count=F("topic_count") - 1)
    _recount(topic)
    if was_counted:
        Category.objects.filter(pk=topic.category_id).update(post_count=F("post_count") - 1)
    record_event(
        community=actor.community, actor=actor.user, verb="post.delete", obj=post,
        data={"topic": topic.pk},
    )  # fmt: skip
    if actor.user.pk != post.author_id:
        staff_log_record(
            actor,
            actor.community,
            "post.delete",
            target_user=post.author,
            details={"topic": topic.pk, "post": post.number},
        )
    return post


@transaction.atomic
def post_set_review_state(*, post: Post, state: str, note: str = "") -> Post:
    """Put a post out of sight pending review (held, or hidden after flags) or publish it
    again. A first post carries its topic with it. The moderation app decides when; this keeps
    the post, its topic and the search index in step."""
    if state not in ReviewState.values:
        raise ValueError(state)
    post = Post.objects.select_for_update().select_related("topic").get(pk=post.pk)
    was_counted = _is_counted(post)
    post.review_state, post.review_note = state, note[:500]
    post.save(update_fields=["review_state", "review_note"])
    topic = post.topic
    if _is_counted(post) != was_counted:
        _recount(topic)
        delta = 1 if not was_counted else -1
        Category.objects.filter(pk=topic.category_id).update(post_count=F("post_count") + delta)
    if post.number == 1 and topic.review_state != state:
        topic.review_state = state
        topic.save(update_fields=["review_state"])
    record_event(
        community=topic.community, actor=None, verb="post.review", obj=post,
        data={"topic": topic.pk, "state": state},
    )  # fmt: skip
    return post


@transaction.atomic
def post_restore(*, actor: Actor, post: Post) -> Post:
    post = Post.objects.select_for_update().select_related("topic__category").get(pk=post.pk)
    policy.ensure_restore_post(actor, post)
    was_counted = _is_counted(post)
    post.deleted_at = None
    post.deleted_by = None
    post.save(update_fields=["deleted_at", "deleted_by"])
    topic = post.topic
    if post.number == 1 and topic.deleted_at is not None:
        topic.deleted_at = None
        topic.save(update_fields=["deleted_at"])
        Category.objects.filter(pk=topic.category_id).update(topic_count=F("topic_count") + 1)
    _recount(topic)
    if _is_counted(post) and not was_counted:
        Category.objects.filter(pk=topic.category_id).update(post_count=F("post_count") + 1)
    record_event(
        community=actor.community, actor=actor.user, verb="post.restore", obj=post,
        data={"topic": topic.pk},
    )  # fmt: skip
    staff_log_record(
        actor,
        actor.community,
        "post.restore",
        target_user=post.author,
        details={"topic": topic.pk, "post": post.number},
    )
    return post


@transaction.atomic
def reaction_toggle(*, actor: Actor, post: Post, kind: str) -> bool:
    """Add the member's reaction, or take it back if they already gave it. Returns whether
    the reaction is now present."""
    if kind not in REACTIONS:
        raise ValidationError({"kind": [_("Unknown reaction.")]})
    post = Post.objects.select_for_update().select_related("topic__category").get(pk=post.pk)
    policy.ensure_react(actor, post)
    existing = Reaction.objects.filter(post=post, user=actor.user, kind=kind)
    if existing.exists():
        existing.delete()
        added = False
    else:
        Reaction.objects.create(community=actor.community, post=post, user=actor.user, kind=kind)
        added = True
        record_event(
            community=actor.community, actor=actor.user, verb="post.react",
            target_user=post.author, obj=post, data={"kind": kind, "topic": post.topic_id},
        )  # fmt: skip
    counts = post.reactions or {}
    counts[kind] = max(0, counts.get(kind, 0) + (1 if added else -1))
    post.reactions = {k: v for k, v in counts.items() if v}
    post.save(update_fields=["reactions"])
    return added


# Staff tools ---------------------------------------------------------------------------


@transaction.atomic
def topic_set_state(
    *, actor: Actor, topic: Topic, pinned: bool | None = None, closed: bool | None = None,
    archived: bool | None = None,
) -> Topic:  # fmt: skip
    topic = Topic.objects.select_for_update().select_related("category").get(pk=topic.pk)
    policy.ensure_moderate_topic(actor, topic)
    changes = {
        field: value
        for field, value in (
            ("is_pinned", pinned),
            ("is_closed", closed),
            ("is_archived", archived),
        )
        if value is not None and getattr(topic, field) != value
    }
    for field, value in changes.items():
        setattr(topic, field, value)
    if changes:
        topic.save(update_fields=list(changes))
        staff_log_record(
            actor, actor.community, "topic.state", details={"topic": topic.pk, **changes}
        )
    return topic


@transaction.atomic
def topic_move(*, actor: Actor, topic: Topic, category: Category) -> Topic:
    topic = Topic.objects.select_for_update().select_related("category").get(pk=topic.pk)
    policy.ensure_edit_topic_details(actor, topic)
    if (reason := policy.move_topic_to_denial(actor, category)) is not None:
        raise ValidationError({"category": [reason]})
    if category.pk == topic.category_id:
        return topic
    old = topic.category
    Category.objects.filter(pk=old.pk).update(
        topic_count=F("topic_count") - 1, post_count=F("post_count") - topic.post_count
    )
    Category.objects.filter(pk=category.pk).update(
        topic_count=F("topic_count") + 1, post_count=F("post_count") + topic.post_count
    )
    topic.category = category
    topic.save(update_fields=["category"])
    record_event(
        community=actor.community, actor=actor.user, verb="topic.move", obj=topic,
        data={"topic": topic.pk, "from": old.pk, "to": category.pk},
    )  # fmt: skip
    staff_log_record(
        actor,
        actor.community,
        "topic.move",
        details={"topic": topic.pk, "from": old.slug, "to": category.slug},
    )
    return topic


@transaction.atomic
def topic_retitle(*, actor: Actor, topic: Topic, title: str) -> Topic:
    """Change a topic's title (staff and trust level 3); the first post's history keeps the
    old one."""
    topic = Topic.objects.select_for_update().select_related("category").get(pk=topic.pk)
    policy.ensure_edit_topic_details(actor, topic)
    title = clean_title(title)
    if title == topic.title:
        return topic
    first = Post.objects.select_for_update().filter(topic=topic, number=1).first()
    if first is not None:
        PostRevision.objects.create(
            community=actor.community, post=first, number=first.edit_count + 1,
            editor=actor.user, title_before=topic.title, body_before=first.body,
            body_after=first.body,
        )  # fmt: skip
        first.edit_count += 1
        first.save(update_fields=["edit_count"])
    old_title = topic.title
    topic.title, topic.slug = title, _unique_topic_slug(title)
    topic.save(update_fields=["title", "slug"])
    record_event(
        community=actor.community, actor=actor.user, verb="topic.retitle", obj=topic,
        data={"topic": topic.pk},
    )  # fmt: skip
    staff_log_record(
        actor, actor.community, "topic.retitle",
        details={"topic": topic.pk, "from": old_title, "to": title},
    )  # fmt: skip
    return topic


@transaction.atomic
def topic_merge(*, actor: Actor, topic: Topic, into: Topic) -> Topic:
    """Move every post of ``topic`` to the end of ``into``, in order, and leave ``topic``
    deleted with a pointer to where its posts went."""
    if topic.pk == into.pk:
        raise ValidationError({"into": [_("A topic cannot be merged into itself.")]})
    locked = {
        t.pk: t
        for t in Topic.objects.select_for_update()
        .select_related("category")
        .filter(pk__in=[topic.pk, into.pk])
        .order_by("pk")
    }
    topic, into = locked[topic.pk], locked.get(into.pk)
    if into is None or into.community_id != topic.community_id:
        raise ValidationError({"into": [_("Choose a topic of this community.")]})
    policy.ensure_moderate_topic(actor, topic)
    policy.ensure_moderate_topic(actor, into)
    posts = list(Post.objects.filter(topic=topic).order_by("number"))
    _move_posts(actor, posts, into)
    topic.deleted_at = timezone.now()
    topic.merged_into = into
    topic.save(update_fields=["deleted_at", "merged_into"])
    Category.objects.filter(pk=topic.category_id).update(topic_count=F("topic_count") - 1)
    _recount(topic)
    _recount(into)
    staff_log_record(
        actor, actor.community, "topic.merge", details={"topic": topic.pk, "into": into.pk}
    )
    return into


@transaction.atomic
def topic_split(
    *,
    actor: Actor,
    topic: Topic,
    numbers: Iterable[int],
    title: str,
    category: Category | None = None,
) -> Topic:
    """Move the chosen replies (not the first post) into a new topic."""
    topic = Topic.objects.select_for_update().select_related("category").get(pk=topic.pk)
    policy.ensure_moderate_topic(actor, topic)
    title = clean_title(title)
    category = category or topic.category
    if category.community_id != topic.community_id:
        raise ValidationError({"category": [_("Choose a category of this community.")]})
    wanted = sorted({int(n) for n in numbers if int(n) > 1})
    posts = list(Post.objects.filter(topic=topic, number__in=wanted).order_by("number"))
    if not posts:
        raise ValidationError({"numbers": [_("Choose at least one reply to move.")]})
    first = posts[0]
    new = Topic.objects.create(
        community=topic.community, category=category, title=title, slug=_unique_topic_slug(title),
        author=first.author, created_at=first.created_at, last_posted_at=first.created_at,
        last_poster=first.author,
    )  # fmt: skip
    Category.objects.filter(pk=category.pk).update(topic_count=F("topic_count") + 1)
    _move_posts(actor, posts, new)
    _recount(topic)
    _recount(new)
    staff_log_record(
        actor,
        actor.community,
        "topic.split",
        details={"topic": topic.pk, "new": new.pk, "posts": wanted},
    )
    new.refresh_from_db()
    return new


def _move_posts(actor: Actor, posts: list[Post], into: Topic) -> None:
    """Renumber posts after the target's highest number. Caller holds both topic locks."""
    number = into.highest_post_number
    for post in posts:
        number += 1
        Post.objects.filter(pk=post.pk).update(topic=into, number=number, reply_to=None)
        post.topic, post.number = into, number
    Topic.objects.filter(pk=into.pk).update(highest_post_number=number)
    record_event(
        community=actor.community, actor=actor.user, verb="post.move", obj=into,
        data={"topic": into.pk, "posts": [post.pk for post in posts]},
    )  # fmt: skip


# Reading state -------------------------------------------------------------------------


# The caller has not read the member's position in the topic: _mark_read reads it.
_LOOK_UP = object()


def _mark_read(actor: Actor, topic: Topic, number: int, before=_LOOK_UP) -> int:
    """Move the member's read position forward; returns how many posts it moved by."""
    if not policy.can_track_reading(actor):
        return 0
    if before is _LOOK_UP:
        before = (
            TopicRead.objects.filter(user=actor.user, topic=topic)
            .values_list("last_read_number", flat=True)
            .first()
        )
    if before is not None:
        if before >= number:
            return 0
        updated = TopicRead.objects.filter(
            user=actor.user, topic=topic, last_read_number__lt=number
        ).update(last_read_number=number, updated_at=timezone.now())
        return number - before if updated else 0
    _read, created = TopicRead.objects.get_or_create(
        user=actor.user,
        topic=topic,
        defaults={"community": actor.community, "last_read_number": number},
    )
    return number if created else 0


def topic_mark_read(*, actor: Actor, topic: Topic, number: int, read_before=_LOOK_UP) -> None:
    """Record that the member has seen posts up to ``number`` (never moves backwards), and
    a ``topic.read`` event with how many posts were new to them (trust levels count
    reading from it). A post's author has read it: writing one records no event.

    ``read_before``: the position the caller read a moment ago (``last_read_number``, None
    for none), so it is not read twice. Positions only move forward and the update is
    conditional, so one read just before is as good as one read here."""
    number = max(0, min(int(number), topic.highest_post_number))
    # Visitors keep no reading state: no write transaction (on SQLite, the write lock) for them.
    if number and policy.can_track_reading(actor):
        with transaction.atomic():
            if newly := _mark_read(actor, topic, number, read_before):
                record_event(
                    community=actor.community, actor=actor.user, verb="topic.read", obj=topic,
                    data={"topic": topic.pk, "posts": newly},
                )  # fmt: skip


def _watch(
    actor: Actor, *, level: str, topic: Topic | None = None, category: Category | None = None
) -> Watch | None:
    if not policy.can_track_reading(actor):
        return None
    watch, _created = Watch.objects.update_or_create(
        user=actor.user,
        topic=topic,
        category=category,
        defaults={"community": actor.community, "level": level},
    )
    return watch


@transaction.atomic
def watch_set(
    *, actor: Actor, level: str, topic: Topic | None = None, category: Category | None = None
) -> Watch:
    if level not in WatchLevel.values:
        raise ValidationError({"level": [_("Choose a notification level.")]})
    if (topic is None) == (category is None):
        raise ValidationError(_("Watch either a topic or a category."))
    readable = (
        policy.can_read_topic(actor, topic) if topic else policy.can_read_category(actor, category)
    )
    if not readable or not policy.can_track_reading(actor):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Join the community to follow topics and categories."))
    return _watch(actor, level=level, topic=topic, category=category)
