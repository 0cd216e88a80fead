"""Writes for welcoming newcomers: the welcome message and its delivery, the checklist and
its completion, welcomers, and greeting a first post from the welcome queue."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.accounts.models import User
from hearth.communities.models import Community, Membership, MembershipStatus
from hearth.communities.services import staff_log_record
from hearth.core.actor import Actor
from hearth.core.events import record_event
from hearth.core.markdown import clean_text, render_markdown
from hearth.discussions import services as discussion_services
from hearth.discussions.models import Category, Post, Topic
from hearth.onboarding import policy, selectors
from hearth.onboarding.models import (
    ChecklistCompletion,
    ChecklistItem,
    ChecklistKind,
    WelcomeDelivery,
    WelcomeDismissal,
    WelcomeMessage,
    Welcomer,
)

logger = logging.getLogger(__name__)

MAX_WELCOME_CHARS = 5_000
# A join older than this gets no welcome message (a worker backlog, imported or demo data).
WELCOME_MESSAGE_MAX_DELAY = timedelta(days=2)
MAX_CHECKLIST_ITEMS = 10
MAX_ITEM_TITLE_CHARS = 120
INTRODUCTIONS_SLUG = "introductions"
# The steps a community gets from "Add the suggested checklist", in order.
SUGGESTED_KINDS = (ChecklistKind.PROFILE, ChecklistKind.INTRODUCE, ChecklistKind.REPLY)


# Welcome message -----------------------------------------------------------------------


def clean_welcome_body(body: str) -> str:
    body = clean_text(body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write the welcome message first.")]})
    if len(body) > MAX_WELCOME_CHARS:
        raise ValidationError(
            {
                "body": [
                    _("Keep the welcome under %(limit)s characters; this one has %(n)s.")
                    % {"limit": f"{MAX_WELCOME_CHARS:,}", "n": f"{len(body):,}"}
                ]
            }
        )
    return body


@transaction.atomic
def welcome_message_save(
    *,
    actor: Actor,
    body: str,
    show_on_first_visit: bool,
    send_as_message: bool,
    sender: User | None = None,
) -> WelcomeMessage:
    """Write the community's welcome and how it reaches newcomers. A direct message needs a
    sender from the community's staff."""
    policy.ensure_manage_onboarding(actor)
    errors: dict[str, list] = {}
    try:
        body = clean_welcome_body(body)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if send_as_message:
        membership = (
            Membership.objects.filter(community=actor.community, user=sender).first()
            if sender is not None
            else None
        )
        if (reason := policy.sender_denial(actor, membership)) is not None:
            errors["sender"] = [reason]
    if errors:
        raise ValidationError(errors)
    message, _created = WelcomeMessage.objects.update_or_create(
        community=actor.community,
        defaults={
            "body": body,
            "html": render_markdown(body),
            "show_on_first_visit": show_on_first_visit,
            "send_as_message": send_as_message,
            "sender": sender if send_as_message else None,
            "updated_at": timezone.now(),
            "updated_by": actor.user,
        },
    )
    staff_log_record(
        actor,
        actor.community,
        "welcome.update",
        details={"on_first_visit": show_on_first_visit, "as_message": send_as_message},
    )
    return message


@transaction.atomic
def welcome_dismiss(*, actor: Actor) -> WelcomeDismissal:
    """Hide the welcome card on the community home for this member (idempotent)."""
    policy.ensure_dismiss_welcome(actor)
    dismissal, _created = WelcomeDismissal.objects.get_or_create(
        community=actor.community, user=actor.user
    )
    return dismissal


@transaction.atomic
def welcome_send(*, membership_id: int) -> WelcomeDelivery | None:
    """Send the welcome direct message to a member who just joined, at most once per
    membership. Returns the delivery, or None when there is nothing (more) to send."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("community", "user")
        .filter(pk=membership_id)
        .first()
    )
    # The row lock serialises replays of the same join; the delivery row remembers it.
    if membership is None or not membership.is_active:
        return None
    joined = membership.joined_at or membership.requested_at
    if joined < timezone.now() - WELCOME_MESSAGE_MAX_DELAY:
        return None
    if WelcomeDelivery.objects.filter(membership=membership).exists():
        return None
    community = membership.community
    message = (
        WelcomeMessage.objects.filter(community=community, send_as_message=True)
        .select_related("sender")
        .first()
    )
    if message is None or message.sender is None or message.sender_id == membership.user_id:
        return None
    sender = Actor.for_user(message.sender, community)
    if not sender.is_staff:
        logger.warning("Welcome sender %s is no longer staff of %s", sender.user.pk, community.pk)
        return None
    from hearth.conversations.services import start_conversation

    try:
        with transaction.atomic():
            conversation = start_conversation(
                actor=sender,
                recipients=[membership.user],
                body=message.body,
                subject=_("Welcome to %(name)s") % {"name": community.name},
            )
    except (PermissionDenied, ValidationError) as exc:
        # E.g. the member turned direct messages off: the welcome card still greets them.
        logger.info("Welcome message to membership %s not sent: %s", membership.pk, exc)
        return None
    return WelcomeDelivery.objects.create(
        community=community,
        membership=membership,
        sender=sender.user,
        conversation_id=conversation.pk,
    )


# Checklist -----------------------------------------------------------------------------


def introductions_category(community: Community) -> Category | None:
    """Every community starts with an Introductions category (slug "introductions")."""
    return Category.objects.filter(community=community, slug=INTRODUCTIONS_SLUG).first()


def _clean_item_title(title: str, kind: str, topic: Topic | None) -> str:
    title = " ".join(clean_text(title or "").split())
    if not title:
        if kind == ChecklistKind.READ_GUIDE and topic is not None:
            title = _("Read “%(title)s”") % {"title": topic.title}
            title = title[:MAX_ITEM_TITLE_CHARS]
        else:
            title = str(ChecklistKind(kind).label)
    if len(title) > MAX_ITEM_TITLE_CHARS:
        raise ValidationError(
            {"title": [_("Keep the label under %(n)s characters.") % {"n": MAX_ITEM_TITLE_CHARS}]}
        )
    return title


@transaction.atomic
def checklist_item_add(
    *, actor: Actor, kind: str, title: str = "", topic: Topic | None = None
) -> ChecklistItem:
    """Add a step to the newcomer checklist. Each kind appears once, except guides (one per
    topic); a guide must be a topic every member can read."""
    policy.ensure_manage_onboarding(actor)
    community = actor.community
    # Lock the community row: two admins adding steps at once must not pass the checks twice.
    Community.objects.select_for_update().filter(pk=community.pk).first()
    if kind not in ChecklistKind.values:
        raise ValidationError({"kind": [_("Choose what the step asks for.")]})
    existing = list(ChecklistItem.objects.filter(community=community))
    if len(existing) >= MAX_CHECKLIST_ITEMS:
        raise ValidationError(
            _("A checklist can have up to %(n)s steps: keep it short.") % {"n": MAX_CHECKLIST_ITEMS}
        )
    category = None
    if kind == ChecklistKind.READ_GUIDE:
        if (reason := policy.guide_topic_denial(actor, topic)) is not None:
            raise ValidationError({"topic": [reason]})
        if any(item.topic_id == topic.pk for item in existing):
            raise ValidationError({"topic": [_("That guide is already on the checklist.")]})
    else:
        topic = None
        if any(item.kind == kind for item in existing):
            raise ValidationError({"kind": [_("That step is already on the checklist.")]})
        if kind == ChecklistKind.INTRODUCE:
            category = introductions_category(community)
            if (reason := policy.introductions_denial(actor, category)) is not None:
                raise ValidationError({"kind": [reason]})
    item = ChecklistItem.objects.create(
        community=community,
        kind=kind,
        title=_clean_item_title(title, kind, topic),
        category=category,
        topic=topic,
        position=max((i.position for i in existing), default=-1) + 1,
    )
    staff_log_record(actor, community, "checklist.add", details={"kind": kind, "item": item.pk})
    return item


@transaction.atomic
def checklist_add_suggested(*, actor: Actor) -> list[ChecklistItem]:
    """Add the suggested steps the checklist does not have yet (introductions only where
    the community still has its Introductions category)."""
    policy.ensure_manage_onboarding(actor)
    have = set(
        ChecklistItem.objects.filter(community=actor.community).values_list("kind", flat=True)
    )
    added = []
    for kind in SUGGESTED_KINDS:
        if kind in have:
            continue
        if kind == ChecklistKind.INTRODUCE and policy.introductions_denial(
            actor, introductions_category(actor.community)
        ):
            continue
        added.append(checklist_item_add(actor=actor, kind=kind))
    return added


def _item_in_community(actor: Actor, item: ChecklistItem) -> None:
    if item.community_id != actor.community.pk:
        raise ValidationError(_("That step belongs to another community."))


@transaction.atomic
def checklist_item_remove(*, actor: Actor, item: ChecklistItem) -> None:
    policy.ensure_manage_onboarding(actor)
    _item_in_community(actor, item)
    item.delete()
    staff_log_record(actor, actor.community, "checklist.remove", details={"kind": item.kind})


@transaction.atomic
def checklist_item_move(*, actor: Actor, item: ChecklistItem, offset: int) -> ChecklistItem:
    """Move a step up (offset -1) or down (+1)."""
    policy.ensure_manage_onboarding(actor)
    _item_in_community(actor, item)
    ordered = list(
        ChecklistItem.objects.select_for_update()
        .filter(community=actor.community)
        .order_by("position", "id")
    )
    index = next(i for i, other in enumerate(ordered) if other.pk == item.pk)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    for position, other in enumerate(ordered):
        if other.position != position:
            ChecklistItem.objects.filter(pk=other.pk).update(position=position)
    return item


@transaction.atomic
def checklist_record_completion(*, community: Community, user: User) -> ChecklistCompletion | None:
    """Record, once, that an active member has done every step of the checklist. Returns the
    completion (old or new), or None while steps remain."""
    done = ChecklistCompletion.objects.filter(community=community, user=user).first()
    if done is not None:
        return done
    if not Membership.objects.filter(
        community=community, user=user, status=MembershipStatus.ACTIVE
    ).exists():
        return None
    progress = selectors.checklist_progress(community, user)
    if not progress.items or not progress.is_complete:
        return None
    try:
        with transaction.atomic():
            completion = ChecklistCompletion.objects.create(community=community, user=user)
    except IntegrityError:
        # Recorded by a concurrent run a moment ago.
        return ChecklistCompletion.objects.get(community=community, user=user)
    # Hearth noticed the completion; the member did nothing now, so they are its target, not
    # its actor (an actor would count as active today in the health figures).
    record_event(
        community=community,
        actor=None,
        target_user=user,
        verb="onboarding.complete",
        obj=completion,
        data={"steps": len(progress.items)},
    )
    return completion


# Welcomers and the welcome queue -------------------------------------------------------


@transaction.atomic
def welcomer_opt_in(*, actor: Actor) -> Welcomer:
    """Join the welcomers (idempotent: opting in twice keeps one record)."""
    policy.ensure_become_welcomer(actor)
    welcomer, created = Welcomer.objects.get_or_create(community=actor.community, user=actor.user)
    if created:
        record_event(
            community=actor.community, actor=actor.user, verb="welcomer.opt_in", obj=welcomer
        )
    return welcomer


@transaction.atomic
def welcomer_opt_out(*, actor: Actor) -> None:
    policy.ensure_become_welcomer(actor)
    deleted, _details = Welcomer.objects.filter(community=actor.community, user=actor.user).delete()
    if deleted:
        record_event(community=actor.community, actor=actor.user, verb="welcomer.opt_out")


@transaction.atomic
def welcome_reply(*, actor: Actor, post: Post, body: str, client_token: str | None = None) -> Post:
    """Greet a first post from the welcome queue: an ordinary reply to it (so it is
    recorded once, as ``post.reply`` to its author)."""
    if not policy.can_see_welcome_queue(actor, is_welcomer=selectors.is_welcomer(actor)):
        raise PermissionDenied(_("Opt in as a welcomer to greet newcomers from the queue."))
    if not post.is_first_post or post.community_id != actor.community.pk:
        raise ValidationError(_("That post is not a newcomer's first post."))
    return discussion_services.post_reply(
        actor=actor, topic=post.topic, body=body, reply_to=post, client_token=client_token
    )
