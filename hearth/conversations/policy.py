"""Every decision about direct messages, and nowhere else.

Who may message whom: active members of the same community, never someone who blocked
them or turned direct messages off, in conversations of at most ``MAX_PARTICIPANTS``
people, within the daily caps below. Staff read a conversation only when a participant
reported it (see ``review_conversation_denial``); what an actor may not see is "absent"
to them (views answer 404).

Daily caps (rolling 24 hours, per community; staff are exempt so welcome messages and
moderator notes always go out):

============================  ==============  ==============
                              trust level 0   trust level 1+
============================  ==============  ==============
messages sent                 10              200
new conversations started     3               30
============================  ==============  ==============
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities import policy as community_policy
from hearth.communities.models import Membership, MembershipStatus
from hearth.conversations.models import (
    Block,
    Conversation,
    ConversationReport,
    Message,
    MessagingPreference,
    Participant,
)
from hearth.core.actor import Actor
from hearth.trust import policy as trust_policy

if TYPE_CHECKING:
    from hearth.accounts.models import User

MAX_PARTICIPANTS = 10  # the starter included
DM_DAILY_CAP_NEW_MEMBER = 10
DM_DAILY_CAP = 200
DM_NEW_CONVERSATIONS_CAP_NEW_MEMBER = 3
DM_NEW_CONVERSATIONS_CAP = 30
CAP_WINDOW = timedelta(hours=24)


def _ensure(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDenied(reason)


def _same_community(actor: Actor, obj) -> bool:
    return actor.community is not None and obj.community_id == actor.community.pk


def viewer_participant(actor: Actor, conversation: Conversation) -> Participant | None:
    """The actor's active place in the conversation. Selectors attach it as
    ``conversation.viewer_participant`` so pages ask once."""
    if actor.user is None:
        return None
    if hasattr(conversation, "viewer_participant"):
        return conversation.viewer_participant
    return Participant.objects.filter(
        conversation=conversation, user=actor.user, left_at__isnull=True
    ).first()


# Using direct messages at all -------------------------------------------------------------


def use_messages_denial(actor: Actor) -> str | None:
    """The inbox, new-conversation, blocking and preference pages: active members only."""
    if not actor.is_member:
        return _("Only members of this community have direct messages here.")
    return None


def can_use_messages(actor: Actor) -> bool:
    return use_messages_denial(actor) is None


# Starting and writing ---------------------------------------------------------------------


def start_conversation_denial(actor: Actor, recipients: Iterable[User]) -> str | None:
    """Whether the actor may start a conversation with these people (caps aside: see
    ``daily_cap_denial``)."""
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    people = {user.pk: user for user in recipients}
    if not people:
        return _("Choose at least one member to write to.")
    if actor.user.pk in people:
        return _("You cannot start a conversation with yourself.")
    if len(people) + 1 > MAX_PARTICIPANTS:
        return _("A conversation can have at most %(n)s people, you included.") % {
            "n": MAX_PARTICIPANTS
        }
    community = actor.community
    active = set(
        Membership.objects.filter(
            community=community, user_id__in=people, status=MembershipStatus.ACTIVE
        ).values_list("user_id", flat=True)
    )
    for pk, user in people.items():
        if pk not in active:
            return _("%(name)s is not a member of this community.") % {"name": user.name}
    closed = (
        MessagingPreference.objects.filter(
            community=community, user_id__in=people, accepts_messages=False
        )
        .values_list("user_id", flat=True)
        .first()
    )
    if closed is not None:
        return _("%(name)s has turned off direct messages.") % {"name": people[closed].name}
    blocks = Block.objects.filter(
        Q(blocker_id__in=people, blocked=actor.user) | Q(blocker=actor.user, blocked_id__in=people),
        community=community,
    ).values_list("blocker_id", "blocked_id")
    for blocker_id, blocked_id in blocks:
        if blocked_id == actor.user.pk:
            return _("%(name)s is not accepting messages from you.") % {
                "name": people[blocker_id].name
            }
        return _("You blocked %(name)s. Unblock them to start a conversation.") % {
            "name": people[blocked_id].name
        }
    return None


def can_start_conversation(actor: Actor, recipients: Iterable[User]) -> bool:
    return start_conversation_denial(actor, recipients) is None


def ensure_start_conversation(actor: Actor, recipients: Iterable[User]) -> None:
    _ensure(start_conversation_denial(actor, recipients))


def send_message_denial(actor: Actor, conversation: Conversation) -> str | None:
    """Whether the actor may write in a conversation they can see (caps aside)."""
    if (reason := view_conversation_denial(actor, conversation)) is not None:
        return reason
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    others = list(
        Participant.objects.filter(conversation=conversation, left_at__isnull=True)
        .exclude(user=actor.user)
        .values_list("user_id", flat=True)
    )
    if not others:
        return _("Everyone else has left this conversation.")
    if Block.objects.filter(
        community=actor.community, blocker_id__in=others, blocked=actor.user
    ).exists():
        return _("You can no longer send messages in this conversation.")
    if not Membership.objects.filter(
        community=actor.community, user_id__in=others, status=MembershipStatus.ACTIVE
    ).exists():
        return _("Nobody else in this conversation is a member of the community any more.")
    return None


def can_send_message(actor: Actor, conversation: Conversation) -> bool:
    return send_message_denial(actor, conversation) is None


def ensure_send_message(actor: Actor, conversation: Conversation) -> None:
    _ensure(send_message_denial(actor, conversation))


def daily_cap_denial(actor: Actor, *, starting: bool) -> str | None:
    """The anti-spam caps over the last 24 hours (see the module docstring)."""
    if actor.is_staff:
        return None
    new_member = trust_policy.is_new_member(actor)
    since = timezone.now() - CAP_WINDOW
    message_cap = DM_DAILY_CAP_NEW_MEMBER if new_member else DM_DAILY_CAP
    sent = Message.objects.filter(
        community=actor.community, author=actor.user, created_at__gte=since
    ).count()
    if sent >= message_cap:
        if new_member:
            return _(
                "New members can send %(n)s direct messages a day, and you have reached that. "
                "Try again tomorrow; the limit rises as you take part in the community."
            ) % {"n": message_cap}
        return _("You have sent %(n)s direct messages today, the daily limit. Try again later.") % {
            "n": message_cap
        }
    if starting:
        cap = DM_NEW_CONVERSATIONS_CAP_NEW_MEMBER if new_member else DM_NEW_CONVERSATIONS_CAP
        started = Conversation.objects.filter(
            community=actor.community, created_by=actor.user, created_at__gte=since
        ).count()
        if started >= cap:
            return _(
                "You can start %(n)s new conversations a day, and you have reached that. "
                "Reply in an existing conversation or try again tomorrow."
            ) % {"n": cap}
    return None


# Seeing -----------------------------------------------------------------------------------


def view_conversation_denial(actor: Actor, conversation: Conversation) -> str | None:
    """Only its active participants who are active members see a conversation."""
    if not _same_community(actor, conversation) or not actor.is_member:
        return _("That conversation does not exist.")
    if viewer_participant(actor, conversation) is None:
        return _("That conversation does not exist.")
    return None


def can_view_conversation(actor: Actor, conversation: Conversation) -> bool:
    return view_conversation_denial(actor, conversation) is None


def leave_conversation_denial(actor: Actor, conversation: Conversation) -> str | None:
    return view_conversation_denial(actor, conversation)


def ensure_leave_conversation(actor: Actor, conversation: Conversation) -> None:
    _ensure(leave_conversation_denial(actor, conversation))


# Reports and staff review -----------------------------------------------------------------


def report_conversation_denial(actor: Actor, conversation: Conversation) -> str | None:
    if (reason := view_conversation_denial(actor, conversation)) is not None:
        return reason
    if ConversationReport.objects.filter(
        conversation=conversation, reporter=actor.user, resolved_at__isnull=True
    ).exists():
        return _("You already reported this conversation; the moderators will look at it.")
    return None


def ensure_report_conversation(actor: Actor, conversation: Conversation) -> None:
    _ensure(report_conversation_denial(actor, conversation))


def view_message_reports_denial(actor: Actor) -> str | None:
    if not actor.is_staff:
        return _("Only staff can review reported conversations.")
    return None


def can_view_message_reports(actor: Actor) -> bool:
    return view_message_reports_denial(actor) is None


def ensure_view_message_reports(actor: Actor) -> None:
    _ensure(view_message_reports_denial(actor))


def review_conversation_denial(actor: Actor, conversation: Conversation) -> str | None:
    """Staff read a conversation only once a participant reported it (and only up to the
    latest report: see ``selectors.review_messages``). Unreported ones do not exist for
    them."""
    if not _same_community(actor, conversation) or not actor.is_staff:
        return _("That conversation does not exist.")
    if not ConversationReport.objects.filter(conversation=conversation).exists():
        return _("That conversation does not exist.")
    return None


def can_review_conversation(actor: Actor, conversation: Conversation) -> bool:
    return review_conversation_denial(actor, conversation) is None


def ensure_review_conversation(actor: Actor, conversation: Conversation) -> None:
    _ensure(review_conversation_denial(actor, conversation))


# Blocking and preferences -----------------------------------------------------------------


def block_denial(actor: Actor, user: User, target: Membership | None) -> str | None:
    """``target`` is the user's membership here (any status), or None."""
    if (reason := use_messages_denial(actor)) is not None:
        return reason
    if target is None or target.community_id != actor.community.pk:
        return _("There is no member of that name here.")
    if user.pk == actor.user.pk:
        return _("You cannot block yourself.")
    if target.is_staff:
        return _("You cannot block the community's staff. Report the conversation instead.")
    return None


def ensure_block(actor: Actor, user: User, target: Membership | None) -> None:
    _ensure(block_denial(actor, user, target))


def ensure_use_messages(actor: Actor) -> None:
    _ensure(use_messages_denial(actor))
