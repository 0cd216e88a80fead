"""The sentence that says what a notification is about, in the list and in emails."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hearth.notifications.models import Kind, Notification

MODERATION_SENTENCES = {
    "flag.resolved": gettext_lazy("Moderators decided on a post you flagged"),
    "review.approve": gettext_lazy("Your post was approved and is visible again"),
    "review.reject": gettext_lazy("Your post was removed after review"),
    "sanction.warn": gettext_lazy("You received a warning from the moderators"),
    "sanction.silence": gettext_lazy("You were silenced for a while by the moderators"),
    "sanction.suspend": gettext_lazy("Your membership was suspended by the moderators"),
    "sanction.ban": gettext_lazy("You were removed from the community"),
    "sanction.lift": gettext_lazy("A sanction on your membership was lifted"),
    "appeal.decide": gettext_lazy("The moderators decided on your appeal"),
}


def _who(notification: Notification) -> str:
    name = notification.actor.name if notification.actor is not None else _("Someone")
    others = notification.others_count
    if others:
        return _("%(name)s and %(n)d others") % {"name": name, "n": others}
    return name


def sentence(notification: Notification) -> str:
    """One line, plain text (templates escape it; emails use it as the subject)."""
    kind = notification.kind
    who = _who(notification)
    title = notification.topic.title if notification.topic_id else ""
    data = notification.data
    if kind == Kind.MENTION:
        return _("%(who)s mentioned you in “%(title)s”") % {"who": who, "title": title}
    if kind == Kind.REPLY:
        return _("%(who)s replied to you in “%(title)s”") % {"who": who, "title": title}
    if kind == Kind.QUOTE:
        return _("%(who)s quoted you in “%(title)s”") % {"who": who, "title": title}
    if kind == Kind.FIRST_POST_REPLY:
        return _("%(who)s replied to your first post, “%(title)s”") % {"who": who, "title": title}
    if kind == Kind.WATCHED:
        return _("%(who)s posted in “%(title)s”, which you watch") % {"who": who, "title": title}
    if kind == Kind.REACTION:
        return _("%(who)s reacted to your post in “%(title)s”") % {"who": who, "title": title}
    if kind == Kind.ANSWER:
        return _("%(who)s answered your question “%(title)s”") % {"who": who, "title": title}
    if kind == Kind.ANSWER_ACCEPTED:
        return _("Your answer to “%(title)s” was accepted") % {"title": title}
    if kind == Kind.QUESTION_SOLVED:
        return _("An answer to your question “%(title)s” was accepted") % {"title": title}
    if kind == Kind.IDEA_STATUS:
        return _("“%(title)s” is now %(status)s") % {
            "title": title,
            "status": str(data.get("to", "")).replace("_", " "),
        }
    if kind == Kind.BADGE:
        return _("You received the badge “%(badge)s”") % {"badge": data.get("badge", "")}
    if kind == Kind.JOIN_DECISION:
        if data.get("approved"):
            return _("Your request to join %(community)s was approved") % {
                "community": notification.community.name
            }
        return _("Your request to join %(community)s was declined") % {
            "community": notification.community.name
        }
    if kind == Kind.MESSAGE:
        return _("%(who)s sent you a message") % {"who": who}
    if kind == Kind.MODERATION:
        return MODERATION_SENTENCES.get(data.get("verb", ""), _("A moderation decision"))
    if kind == Kind.EVENT_REMINDER:
        if data.get("kind") == "hour":
            return _("“%(title)s” starts in an hour") % {"title": data.get("title", title)}
        return _("“%(title)s” starts within a day") % {"title": data.get("title", title)}
    if kind == Kind.EVENT_SEAT:
        return _("A seat freed up: you are going to “%(title)s”") % {
            "title": data.get("title", title)
        }
    if kind == Kind.EVENT_CANCELLED:
        return _("“%(title)s” is cancelled") % {"title": data.get("title", title)}
    if kind == Kind.PROPOSAL:
        return proposal_sentence(data)
    if kind == Kind.ELECTION:
        return _election_sentence(notification, who)
    return _("Something happened")


def proposal_sentence(data: dict) -> str:
    title = data.get("title", "")
    verb, result = data.get("verb", ""), data.get("result", "")
    counts = {"title": title, "yes": data.get("yes"), "no": data.get("no")}
    if verb == "proposal.open":
        return _("A rules proposal is open for your vote: “%(title)s”") % counts
    if verb == "proposal.veto":
        return _("The owner vetoed the rules proposal “%(title)s”") % counts
    if verb == "proposal.adopt":
        return _("“%(title)s” is adopted: the rules have changed") % counts
    if result == "adopted":
        return _("“%(title)s” is adopted (%(yes)s yes, %(no)s no): the rules have changed") % counts
    if result == "awaiting_veto":
        return (
            _("“%(title)s” passed (%(yes)s yes, %(no)s no); the owner may still veto it") % counts
        )
    if result == "rejected":
        return _("“%(title)s” was rejected (%(yes)s yes, %(no)s no)") % counts
    return _("“%(title)s” did not reach its quorum") % counts


def _election_sentence(notification: Notification, who: str) -> str:
    data = notification.data
    title = data.get("title", "")
    outcome = data.get("outcome")
    if outcome == "nominated":
        return _("%(who)s nominated you in “%(title)s”: will you stand?") % {
            "who": who, "title": title}  # fmt: skip
    if outcome == "won":
        return _("You were elected in “%(title)s”: you are a moderator for the term") % {
            "title": title}  # fmt: skip
    if outcome == "lost":
        return _("The results of “%(title)s” are published") % {"title": title}
    if outcome == "recalled":
        return _("A recall vote passed: you are no longer an elected moderator")
    return _("A recall vote about you did not pass: you keep your seat")
