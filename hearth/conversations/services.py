"""Writes for direct messages. One transaction each; each asks the policy, and each message
records one ``message.send`` interaction event per other participant (never its content),
so analytics count DMs as member-to-member interactions without reading them.

Other apps use :func:`start_conversation` and :func:`send_message` (e.g. onboarding sends
the welcome message as a DM from a staff member)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities.models import Membership
from hearth.communities.services import staff_log_record
from hearth.conversations import hooks, policy
from hearth.conversations.models import (
    MAX_SUBJECT_CHARS,
    Block,
    Conversation,
    ConversationReport,
    Message,
    MessagingPreference,
    Participant,
)
from hearth.core.actor import Actor
from hearth.core.events import record_event
from hearth.core.markdown import clean_text, render_markdown

if TYPE_CHECKING:
    from hearth.accounts.models import User

MAX_REASON_CHARS = 2000


def clean_body(body: str) -> str:
    body = clean_text(body).strip()
    limit = settings.HEARTH_MAX_POST_CHARS
    if not body:
        raise ValidationError({"body": [_("Write a message first.")]})
    if len(body) > limit:
        raise ValidationError(
            {
                "body": [
                    _("Messages can be up to %(limit)s characters; this one has %(n)s.")
                    % {"limit": f"{limit:,}", "n": f"{len(body):,}"}
                ]
            }
        )
    return body


def clean_subject(subject: str) -> str:
    subject = " ".join(clean_text(subject).split())
    if len(subject) > MAX_SUBJECT_CHARS:
        raise ValidationError(
            {"subject": [_("Keep the subject under %(n)s characters.") % {"n": MAX_SUBJECT_CHARS}]}
        )
    return subject


def _lock_sender(actor: Actor) -> None:
    """Serialise one member's sends so two at once cannot both slip under the daily cap."""
    Membership.objects.select_for_update().filter(pk=actor.membership.pk).first()


def _check_cap(actor: Actor, *, starting: bool) -> None:
    if (reason := policy.daily_cap_denial(actor, starting=starting)) is not None:
        raise ValidationError(reason)


def _existing_one_to_one(actor: Actor, recipient: User) -> Conversation | None:
    """The untitled conversation only these two people are (still) in, if any."""
    mine = Participant.objects.filter(
        community=actor.community, user=actor.user, left_at__isnull=True
    ).values("conversation_id")
    shared = Participant.objects.filter(
        community=actor.community, user=recipient, left_at__isnull=True, conversation_id__in=mine
    ).values("conversation_id")
    return (
        Conversation.objects.filter(pk__in=shared, subject="")
        .annotate(people=Count("participants"))
        .filter(people=2)
        .order_by("-last_message_at")
        .first()
    )


def _append(actor: Actor, conversation: Conversation, body: str) -> Message:
    """Write a message, move everyone's inbox row, count it unread for the others and
    record the events. Caller holds the conversation lock and checked the policy."""
    now = timezone.now()
    message = Message.objects.create(
        community=actor.community,
        conversation=conversation,
        author=actor.user,
        body=body,
        body_html=render_markdown(body),
        created_at=now,
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message=message, last_message_at=now, message_count=F("message_count") + 1
    )
    active = Participant.objects.filter(conversation=conversation, left_at__isnull=True)
    active.exclude(user=actor.user).update(last_message_at=now, unread_count=F("unread_count") + 1)
    active.filter(user=actor.user).update(last_message_at=now, last_read_at=now, unread_count=0)
    for participant in active.exclude(user=actor.user).select_related("user").order_by("id"):
        record_event(
            community=actor.community, actor=actor.user, verb="message.send",
            target_user=participant.user, obj=conversation,
            data={"conversation": conversation.pk},
        )  # fmt: skip
    conversation.last_message, conversation.last_message_at = message, now
    return message


@transaction.atomic
def start_conversation(
    *, actor: Actor, recipients: list[User], body: str, subject: str = ""
) -> Conversation:
    """Start a conversation between the actor and ``recipients`` (active members here) with
    a first message. A one-to-one message without a subject continues the untitled
    conversation the two already share, if there is one.

    Raises PermissionDenied when the policy forbids it (not a member, blocked, DMs off, too
    many people) and ValidationError for bad input or a reached daily cap."""
    body = clean_body(body)
    subject = clean_subject(subject)
    policy.ensure_start_conversation(actor, recipients)
    after = hooks.message_check(actor=actor, body=body, subject=subject)
    _lock_sender(actor)
    recipients = list({user.pk: user for user in recipients}.values())
    if len(recipients) == 1 and not subject:
        existing = _existing_one_to_one(actor, recipients[0])
        if existing is not None:
            _check_cap(actor, starting=False)
            conversation = Conversation.objects.select_for_update().get(pk=existing.pk)
            hooks.message_stored(_append(actor, conversation, body), after)
            return conversation
    _check_cap(actor, starting=True)
    now = timezone.now()
    conversation = Conversation.objects.create(
        community=actor.community, subject=subject, created_by=actor.user, created_at=now
    )
    Participant.objects.bulk_create(
        Participant(
            community=actor.community,
            conversation=conversation,
            user=user,
            joined_at=now,
            last_message_at=now,
        )  # fmt: skip
        for user in [actor.user, *recipients]
    )
    hooks.message_stored(_append(actor, conversation, body), after)
    return conversation


@transaction.atomic
def send_message(*, actor: Actor, conversation: Conversation, body: str) -> Message:
    """Reply in a conversation the actor is in.

    Raises PermissionDenied when the policy forbids it and ValidationError for bad input or
    a reached daily cap."""
    body = clean_body(body)
    # Lock the conversation: concurrent replies update the same counters and last message.
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    policy.ensure_send_message(actor, conversation)
    after = hooks.message_check(actor=actor, body=body)
    _lock_sender(actor)
    _check_cap(actor, starting=False)
    message = _append(actor, conversation, body)
    hooks.message_stored(message, after)
    return message


@transaction.atomic
def conversation_mark_read(*, actor: Actor, conversation: Conversation) -> None:
    """The actor has seen everything in the conversation (no event: reading is not an
    interaction)."""
    Participant.objects.filter(
        conversation=conversation, user=actor.user, left_at__isnull=True
    ).update(unread_count=0, last_read_at=timezone.now())


@transaction.atomic
def conversation_leave(*, actor: Actor, conversation: Conversation) -> None:
    """Leave a conversation: it disappears from the actor's inbox for good; the others keep
    it."""
    policy.ensure_leave_conversation(actor, conversation)
    Participant.objects.filter(
        conversation=conversation, user=actor.user, left_at__isnull=True
    ).update(left_at=timezone.now(), unread_count=0)


@transaction.atomic
def conversation_report(
    *, actor: Actor, conversation: Conversation, reason: str
) -> ConversationReport:
    """A participant sends the conversation to the moderators, who may then read it up to
    this moment."""
    reason = clean_text(reason).strip()
    if not reason:
        raise ValidationError({"reason": [_("Tell the moderators what is wrong.")]})
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError(
            {"reason": [_("Keep the reason under %(n)s characters.") % {"n": MAX_REASON_CHARS}]}
        )
    policy.ensure_report_conversation(actor, conversation)
    report = ConversationReport.objects.create(
        community=actor.community, conversation=conversation, reporter=actor.user, reason=reason
    )
    record_event(
        community=actor.community, actor=actor.user, verb="conversation.report",
        obj=conversation, data={"conversation": conversation.pk, "report": report.pk},
    )  # fmt: skip
    return report


@transaction.atomic
def conversation_review_record(*, actor: Actor, conversation: Conversation) -> None:
    """Staff opened a reported conversation: every such reading goes in the staff log."""
    policy.ensure_review_conversation(actor, conversation)
    staff_log_record(
        actor, actor.community, "conversation.review", details={"conversation": conversation.pk}
    )


@transaction.atomic
def reports_resolve(*, actor: Actor, conversation: Conversation, note: str = "") -> int:
    """Close every open report of a conversation; returns how many were open."""
    policy.ensure_review_conversation(actor, conversation)
    note = clean_text(note).strip()
    if len(note) > MAX_REASON_CHARS:
        raise ValidationError(
            {"note": [_("Keep the note under %(n)s characters.") % {"n": MAX_REASON_CHARS}]}
        )
    resolved = ConversationReport.objects.filter(
        conversation=conversation, resolved_at__isnull=True
    ).update(resolved_at=timezone.now(), resolved_by=actor.user, resolution=note)
    if not resolved:
        raise ValidationError(_("The reports of this conversation are already resolved."))
    staff_log_record(
        actor, actor.community, "conversation.report_resolve", reason=note,
        details={"conversation": conversation.pk, "reports": resolved},
    )  # fmt: skip
    return resolved


@transaction.atomic
def member_block(*, actor: Actor, user: User) -> Block:
    """The actor stops ``user`` from starting conversations with them or writing in the
    conversations they share. Existing conversations stay readable."""
    target = Membership.objects.filter(community=actor.community, user=user).first()
    policy.ensure_block(actor, user, target)
    block, created = Block.objects.get_or_create(
        community=actor.community, blocker=actor.user, blocked=user
    )
    if created:
        record_event(
            community=actor.community, actor=actor.user, verb="member.block", target_user=user
        )
    return block


@transaction.atomic
def member_unblock(*, actor: Actor, user: User) -> None:
    policy.ensure_use_messages(actor)
    deleted, _rows = Block.objects.filter(
        community=actor.community, blocker=actor.user, blocked=user
    ).delete()
    if deleted:
        record_event(
            community=actor.community, actor=actor.user, verb="member.unblock", target_user=user
        )


@transaction.atomic
def messaging_preference_set(*, actor: Actor, accepts_messages: bool) -> MessagingPreference:
    """Turn direct messages on or off: when off, nobody can start a new conversation with
    the actor (the existing ones carry on)."""
    policy.ensure_use_messages(actor)
    preference, _created = MessagingPreference.objects.update_or_create(
        community=actor.community, user=actor.user, defaults={"accepts_messages": accepts_messages}
    )
    return preference
