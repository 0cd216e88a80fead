"""Permission decisions for the ideas board."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from hearth.communities import policy as community_policy
from hearth.core.actor import Actor
from hearth.discussions import policy as discussion_policy
from hearth.ideas.models import CLOSED_STATUSES, Idea, IdeaBoardSettings, IdeaStatus


def _ensure(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDenied(reason)


def vote_denial(actor: Actor, idea: Idea, board: IdeaBoardSettings | None) -> str | None:
    topic = idea.topic
    if not discussion_policy.can_read_topic(actor, topic):
        return _("That idea does not exist.")
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if idea.status in CLOSED_STATUSES:
        return _("This idea is %(status)s and takes no more votes.") % {
            "status": IdeaStatus(idea.status).label.lower()
        }
    if topic.is_archived or topic.is_closed:
        return _("This idea is closed to votes.")
    if board is not None and not board.allow_self_vote and actor.user.pk == topic.author_id:
        return _("In this community you cannot vote for your own idea.")
    return None


def can_vote(actor: Actor, idea: Idea, board: IdeaBoardSettings | None) -> bool:
    return vote_denial(actor, idea, board) is None


def ensure_vote(actor: Actor, idea: Idea, board: IdeaBoardSettings | None) -> None:
    _ensure(vote_denial(actor, idea, board))


def manage_idea_denial(actor: Actor, idea: Idea) -> str | None:
    """Set a status with an official response, or merge."""
    if not discussion_policy.can_read_topic(actor, idea.topic):
        return _("That idea does not exist.")
    if not actor.is_staff:
        return _("Only staff can change an idea's status.")
    return None


def can_manage_idea(actor: Actor, idea: Idea) -> bool:
    return manage_idea_denial(actor, idea) is None


def ensure_manage_idea(actor: Actor, idea: Idea) -> None:
    _ensure(manage_idea_denial(actor, idea))


def can_export_ideas(actor: Actor) -> bool:
    return actor.is_staff


def ensure_export_ideas(actor: Actor) -> None:
    _ensure(None if actor.is_staff else _("Only staff can export ideas."))
