"""Reads for direct messages: the inbox, a conversation's messages, the unread badge,
blocks, preferences and the moderators' report queue. Every list is paginated and costs
the same number of queries whatever its length."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet, Sum
from django.db.models.functions import Lower
from django.http import Http404

from hearth.accounts.models import User
from hearth.communities.models import Community, Membership, MembershipStatus
from hearth.conversations import policy, unread
from hearth.conversations.models import (
    Block,
    Conversation,
    ConversationReport,
    Message,
    MessagingPreference,
    Participant,
)
from hearth.core.actor import Actor

MAX_RECIPIENT_NAMES = 20


def _people() -> Prefetch:
    return Prefetch(
        "conversation__participants",
        queryset=Participant.objects.select_related("user").order_by("joined_at", "id"),
        to_attr="people",
    )


def inbox(actor: Actor) -> QuerySet[Participant]:
    """The actor's conversations, latest activity first, as their participant rows (which
    carry the unread count), each with ``conversation.last_message`` and
    ``conversation.people`` loaded."""
    return (
        Participant.objects.filter(community=actor.community, user=actor.user, left_at__isnull=True)
        .select_related("conversation__last_message__author")
        .prefetch_related(_people())
        .order_by("-last_message_at", "-id")
    )


def unread_total(actor: Actor) -> int:
    """Unread messages over the actor's conversations (the nav badge): kept in the cache
    until one of their conversation rows changes (``unread``), else one query on the
    partial index of participant rows with something unread."""
    if not actor.is_member:
        return 0

    def count() -> int:
        total = Participant.objects.filter(
            community=actor.community, user=actor.user, left_at__isnull=True, unread_count__gt=0
        ).aggregate(total=Sum("unread_count"))["total"]
        return total or 0

    return unread.kept_total(actor.community.pk, actor.user.pk, count)


def conversation_for(actor: Actor, conversation_id: int) -> Conversation:
    """A conversation the actor takes part in, with ``viewer_participant`` set; 404 for
    anything else."""
    if actor.user is None or actor.community is None:
        raise Http404
    participant = (
        Participant.objects.filter(
            community=actor.community,
            conversation_id=conversation_id,
            user=actor.user,
            left_at__isnull=True,
        )
        .select_related("conversation")
        .first()
    )
    if participant is None:
        raise Http404
    conversation = participant.conversation
    conversation.viewer_participant = participant
    if not policy.can_view_conversation(actor, conversation):
        raise Http404
    return conversation


def reported_conversation_for(actor: Actor, conversation_id: int) -> Conversation:
    """A reported conversation, for staff review; 404 when unreported or not staff."""
    conversation = Conversation.objects.filter(
        community=actor.community, pk=conversation_id
    ).first()
    if conversation is None or not policy.can_review_conversation(actor, conversation):
        raise Http404
    return conversation


def participants(conversation: Conversation) -> list[Participant]:
    return list(
        Participant.objects.filter(conversation=conversation)
        .select_related("user")
        .order_by("joined_at", "id")
    )


def messages(conversation: Conversation, *, until=None) -> QuerySet[Message]:
    """Newest first (page 1 is the latest); ``until`` stops at a moment (staff review reads
    up to the latest report)."""
    queryset = Message.objects.filter(conversation=conversation)
    if until is not None:
        queryset = queryset.filter(created_at__lte=until)
    return queryset.select_related("author").order_by("-created_at", "-id")


def reports_of(conversation: Conversation) -> list[ConversationReport]:
    return list(
        ConversationReport.objects.filter(conversation=conversation)
        .select_related("reporter", "resolved_by")
        .order_by("-created_at", "-id")
    )


def open_report_count(community: Community) -> int:
    return ConversationReport.objects.filter(community=community, resolved_at__isnull=True).count()


def active_members_named(community: Community, usernames: list[str]) -> dict[str, User]:
    """Active members by lower-cased username; names that are not one are absent."""
    names = {name.lower() for name in usernames[:MAX_RECIPIENT_NAMES]}
    users = User.objects.annotate(name_lower=Lower("username")).filter(
        name_lower__in=names,
        memberships__community=community,
        memberships__status=MembershipStatus.ACTIVE,
    )
    return {user.name_lower: user for user in users}


def membership_named(community: Community, username: str) -> Membership | None:
    """Anyone with standing in the community by username (any status), for blocking."""
    return (
        Membership.objects.annotate(name_lower=Lower("user__username"))
        .filter(community=community, name_lower=username.strip().lower()[:150])
        .select_related("user")
        .first()
    )


def blocks_of(actor: Actor) -> QuerySet[Block]:
    return (
        Block.objects.filter(community=actor.community, blocker=actor.user)
        .select_related("blocked")
        .order_by("-created_at", "-id")
    )


def blocked_ids(actor: Actor, user_ids: list[int]) -> set[int]:
    """Which of these people the actor blocked."""
    return set(
        Block.objects.filter(
            community=actor.community, blocker=actor.user, blocked_id__in=user_ids
        ).values_list("blocked_id", flat=True)
    )


def accepts_messages(actor: Actor) -> bool:
    preference = MessagingPreference.objects.filter(
        community=actor.community, user=actor.user
    ).first()
    return preference is None or preference.accepts_messages
