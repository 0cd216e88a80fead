"""What a webhook can be told about: the event types an owner chooses from, the
interaction-log verbs behind each, and the payload each delivers.

Webhooks belong to the community's owners and admins, so a payload holds what they may see
on the site: a post's text even in a staff-only category or while it waits for review
(``in_review`` says so), a sanction's reason. It never holds email addresses."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hearth.core.models import InteractionEvent

# Webhook event type -> (label, the interaction-log verbs it covers).
EVENT_TYPES: dict[str, tuple[Any, frozenset[str]]] = {
    "member.joined": (_("A member joined"), frozenset({"member.join"})),
    "member.left": (_("A member left"), frozenset({"member.leave"})),
    "member.join_requested": (_("Someone asked to join"), frozenset({"member.request"})),
    "topic.created": (_("A topic was started"), frozenset({"topic.create"})),
    "post.created": (_("A reply was posted"), frozenset({"post.reply"})),
    "question.asked": (_("A question was asked"), frozenset({"question.ask"})),
    "question.solved": (_("A question was solved (answer accepted)"), frozenset({"answer.accept"})),
    "idea.created": (_("An idea was proposed"), frozenset({"idea.propose"})),
    "idea.status_changed": (_("An idea's status changed"), frozenset({"idea.status"})),
    "member.sanctioned": (
        _("A member was warned, silenced, suspended or banned"),
        frozenset({"sanction.warn", "sanction.silence", "sanction.suspend", "sanction.ban"}),
    ),
    "member.sanction_lifted": (_("A sanction was lifted"), frozenset({"sanction.lift"})),
    "member.banned": (_("A member was removed (banned)"), frozenset({"member.ban"})),
    "post.flagged": (_("A post was flagged"), frozenset({"post.flag"})),
    "post.hidden": (_("A post was hidden after flags"), frozenset({"post.hidden"})),
    "badge.granted": (_("A badge was granted"), frozenset({"badge.grant"})),
}
PING = "ping"
EVENT_TYPE_BY_VERB = {verb: name for name, (_label, verbs) in EVENT_TYPES.items() for verb in verbs}
VERBS = frozenset(EVENT_TYPE_BY_VERB)


def choices() -> list[tuple[str, Any]]:
    return [(name, label) for name, (label, _verbs) in EVENT_TYPES.items()]


def label(event_type: str) -> Any:
    if event_type == PING:
        return _("Test ping")
    return EVENT_TYPES.get(event_type, (event_type, None))[0]


def _url(name: str, *args) -> str:
    return f"{settings.SITE_URL}{reverse(name, args=args)}"


def _user(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "name": user.name}


def _member(user, community) -> dict | None:
    data = _user(user)
    if data is not None:
        data["url"] = _url("communities:profile", community.slug, user.username)
    return data


def _topic(topic) -> dict | None:
    if topic is None:
        return None
    return {
        "id": topic.pk,
        "title": topic.title,
        "url": _url("discussions:topic", topic.community.slug, topic.slug, topic.pk),
        "category": {"slug": topic.category.slug, "name": topic.category.name},
        "kind": topic.category.kind,
        "author": _user(topic.author),
        "created_at": topic.created_at.isoformat(),
        "deleted": topic.deleted_at is not None,
        "in_review": bool(topic.review_state),
    }


def _post(post) -> dict | None:
    if post is None:
        return None
    topic = post.topic
    return {
        "id": post.pk,
        "number": post.number,
        "topic_id": post.topic_id,
        "url": _url("discussions:topic", topic.community.slug, topic.slug, topic.pk)
        + f"#post-{post.number}",
        "author": _user(post.author),
        "body": post.body if post.deleted_at is None else "",
        "reply_to": post.reply_to.number if post.reply_to_id and post.reply_to else None,
        "created_at": post.created_at.isoformat(),
        "deleted": post.deleted_at is not None,
        "in_review": bool(post.review_state),
    }


def _load_post(community, post_id):
    from hearth.discussions.models import Post

    return (
        Post.objects.filter(community=community, pk=post_id)
        .select_related("topic__category", "topic__author", "topic__community", "author")
        .select_related("reply_to")
        .first()
    )


def _load_topic(community, topic_id):
    from hearth.discussions.models import Topic

    return (
        Topic.objects.filter(community=community, pk=topic_id)
        .select_related("category", "author", "community")
        .first()
    )


def _object_fields(event: InteractionEvent) -> dict:
    community = event.community
    verb, data = event.verb, event.data or {}
    if verb in ("member.join", "member.leave", "member.request"):
        out: dict[str, Any] = {"member": _member(event.actor, community)}
        if verb == "member.join":
            out["source"] = data.get("source", "")
            out["approved"] = bool(data.get("approved_by"))
        return out
    if verb in ("topic.create", "post.reply", "post.flag", "post.hidden"):
        post = _load_post(community, event.object_id)
        out = {"post": _post(post), "topic": _topic(post.topic if post else None)}
        if verb == "post.flag":
            out["reason"] = data.get("reason", "")
        return out
    if verb in ("question.ask", "idea.propose"):
        return {"topic": _topic(_load_topic(community, event.object_id))}
    if verb == "answer.accept":
        answer = _load_post(community, event.object_id)
        return {
            "topic": _topic(answer.topic if answer else None),
            "answer": _post(answer),
            "accepted_by": _user(event.actor),
        }
    if verb == "idea.status":
        from hearth.ideas.models import Idea

        topic = _load_topic(community, event.object_id)
        idea = Idea.objects.filter(topic_id=event.object_id).first()
        return {
            "topic": _topic(topic),
            "from": data.get("from"),
            "to": data.get("to"),
            "votes": idea.vote_count if idea else None,
            "official_response": idea.official_response if idea else "",
            "changed_by": _user(event.actor),
        }
    if verb.startswith("sanction."):
        from hearth.moderation.models import Sanction

        sanction = Sanction.objects.filter(community=community, pk=event.object_id).first()
        out = {"member": _member(event.target_user, community), "by": _user(event.actor)}
        if sanction is not None:
            out["sanction"] = {
                "id": sanction.pk,
                "kind": sanction.kind,
                "reason": sanction.reason,
                "ends_at": sanction.ends_at.isoformat() if sanction.ends_at else None,
            }
        return out
    if verb == "member.ban":
        return {
            "member": _member(event.target_user, community),
            "by": _user(event.actor),
            "until": data.get("until"),
        }
    if verb == "badge.grant":
        from hearth.recognition.models import Badge

        badge = Badge.objects.filter(community=community, pk=event.object_id).first()
        return {
            "member": _member(event.target_user, community),
            "badge": {"id": badge.pk, "name": badge.name, "icon": badge.icon} if badge else None,
        }
    return {}


def event_payload(event: InteractionEvent) -> dict:
    """The JSON a delivery of ``event`` sends (its event type must be in EVENT_TYPES)."""
    return {
        "id": event.pk,
        "type": EVENT_TYPE_BY_VERB[event.verb],
        "occurred_at": event.created_at.isoformat(),
        "community": {"slug": event.community.slug, "name": event.community.name},
        "actor": _user(event.actor),
        "data": _object_fields(event),
    }


def ping_payload(endpoint) -> dict:
    from django.utils import timezone

    return {
        "id": None,
        "type": PING,
        "occurred_at": timezone.now().isoformat(),
        "community": {"slug": endpoint.community.slug, "name": endpoint.community.name},
        "actor": None,
        "data": {"endpoint": endpoint.pk, "event_types": endpoint.event_types},
    }
