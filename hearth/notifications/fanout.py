"""Turning the interaction event log into notifications.

:func:`process` reads a community's events newer than ``NotificationState.last_event_id``,
in id order and in batches, each batch in one transaction under a row lock on the state
(the pattern of ``hearth/analytics/rollups.py``): two workers never handle the same events,
and a worker that dies mid-batch leaves the cursor where it was, so the batch is done again
by the next run. Doing it again makes nothing twice: ``(recipient, group_key)`` is unique.
On PostgreSQL, events younger than HEARTH_ROLLUP_LAG_SECONDS wait for the next run (ids are
handed out before commit, so a slow transaction could commit an older id behind the cursor).

Each event names its recipients (:func:`_candidates`); each recipient is then checked
through ``policy.can_receive`` with their membership as it is now, and their channel
preference decides whether the notification is made at all and whether an email follows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hearth.analytics.rollups import configured_lag
from hearth.communities.models import Membership
from hearth.conversations.models import Block
from hearth.core import event_cursor
from hearth.core.models import InteractionEvent
from hearth.discussions.models import CategoryKind, Post, Topic, Watch, WatchLevel
from hearth.events.models import Event, Rsvp, RsvpStatus
from hearth.ideas.models import IdeaVote
from hearth.notifications import policy, selectors
from hearth.notifications.models import (
    Channel,
    Kind,
    Notification,
    NotificationState,
    OutboxEmail,
    OutboxKind,
)
from hearth.notifications.signals import notifications_created

if TYPE_CHECKING:
    from hearth.communities.models import Community

BATCH = 1000
# How many reactors a grouped notification remembers ("Ana and 4 others").
MAX_GROUPED_ACTORS = 100
VERBS = frozenset(
    {
        "post.mention", "post.reply", "topic.create", "post.react", "answer.accept",
        "idea.status", "badge.grant", "member.join", "member.decline", "message.send",
        "flag.resolved", "review.approve", "review.reject", "sanction.warn",
        "sanction.silence", "sanction.suspend", "sanction.ban", "sanction.lift",
        "appeal.decide", "event.remind", "event.promote", "event.cancel",
        "proposal.open", "proposal.close", "proposal.veto", "proposal.adopt",
        "election.nominate", "election.close", "recall.close",
    }
)  # fmt: skip
# Kinds whose rows gather several events: unread, a new event updates the row.
GROUPED = frozenset({Kind.REACTION, Kind.MESSAGE})


@dataclass
class Candidate:
    recipient_id: int
    kind: str
    event: InteractionEvent
    group_key: str
    topic: Topic | None = None
    post: Post | None = None
    object_type: str = ""
    object_id: int | None = None
    data: dict = field(default_factory=dict)


def process(community: Community, *, lag: timedelta | None = None) -> int:
    """Turn every committed event older than ``lag`` into notifications; returns how many
    events were handled."""
    lag = configured_lag() if lag is None else lag
    return event_cursor.follow(
        community.pk, NotificationState,
        lambda batch: deliver(community, [e for e in batch if e.verb in VERBS]),
        lag=lag, batch_size=BATCH, as_rows=False,
    )  # fmt: skip


def deliver(community: Community, events: list[InteractionEvent]) -> list[Notification]:
    """Make the notifications these events call for (caller holds a transaction)."""
    if not events:
        return []
    posts, topics = _load_content(community, events)
    candidates = [c for event in events for c in _candidates(community, event, posts, topics)]
    if not candidates:
        return []
    recipient_ids = {c.recipient_id for c in candidates}
    memberships = {
        m.user_id: m
        for m in Membership.objects.filter(
            community=community, user_id__in=recipient_ids
        ).select_related("user", "community")
    }
    actor_ids = {c.event.actor_id for c in candidates if c.event.actor_id}
    blocks = set(
        Block.objects.filter(
            community=community, blocker_id__in=recipient_ids, blocked_id__in=actor_ids
        ).values_list("blocker_id", "blocked_id")
    )
    channels = selectors.channels_for(community, recipient_ids)
    made = []
    for c in candidates:
        channel = channels(c.recipient_id, c.kind)
        if channel == Channel.OFF:
            continue
        if not policy.can_receive(
            memberships.get(c.recipient_id),
            c.kind,
            topic=c.topic,
            post=c.post,
            blocked_actor=(c.recipient_id, c.event.actor_id) in blocks,
        ):
            continue
        notification = _store(community, c, channel)
        if notification is not None:
            made.append(notification)
    _queue_emails(community, [n for n in made if n.channel == Channel.EMAIL])
    if made:
        transaction.on_commit(
            lambda: notifications_created.send(sender=Notification, notifications=made)
        )
    return made


def _store(community: Community, c: Candidate, channel: str) -> Notification | None:
    """Create the notification, or fold the event into its unread group; None when this
    event was already applied (a replayed batch)."""
    actor_id = c.event.actor_id
    existing = (
        Notification.objects.select_for_update()
        .filter(recipient_id=c.recipient_id, group_key=c.group_key)
        .first()
    )
    if existing is None:
        return Notification.objects.create(
            community=community, recipient_id=c.recipient_id, kind=c.kind, channel=channel,
            actor_id=actor_id, actor_ids=[actor_id] if actor_id else [], topic=c.topic,
            post=c.post, object_type=c.object_type, object_id=c.object_id, data=c.data,
            group_key=c.group_key, event_id=c.event.pk, created_at=c.event.created_at,
        )  # fmt: skip
    if c.kind not in GROUPED or existing.event_id >= c.event.pk:
        return None
    if existing.read_at is not None:
        existing.actor_ids, existing.read_at = [], None
        existing.channel = channel
    if actor_id and actor_id not in existing.actor_ids:
        existing.actor_ids = [*existing.actor_ids, actor_id][-MAX_GROUPED_ACTORS:]
    existing.actor_id = actor_id
    existing.event_id = c.event.pk
    existing.created_at = c.event.created_at
    existing.data = {**existing.data, **c.data}
    existing.save()
    # A group already waiting for its email is not emailed again.
    return existing if not OutboxEmail.objects.filter(notification=existing).exists() else None


def _queue_emails(community: Community, notifications: list[Notification]) -> None:
    if not notifications:
        return
    from hearth.notifications.tasks import send_outbox_email_later

    send_after = timezone.now() + timedelta(
        seconds=settings.HEARTH_NOTIFICATION_EMAIL_DELAY_SECONDS
    )
    rows = [
        OutboxEmail.objects.get_or_create(
            notification=n,
            defaults={
                "community": community, "recipient_id": n.recipient_id,
                "kind": OutboxKind.NOTIFICATION, "send_after": send_after,
            },
        )[0]
        for n in notifications
    ]  # fmt: skip
    ids = [row.pk for row in rows if not row.is_done]
    transaction.on_commit(lambda: send_outbox_email_later(ids, send_after))


# Who hears about what -----------------------------------------------------------------------


def _load_content(community: Community, events: list[InteractionEvent]):
    post_ids = {
        e.object_id
        for e in events
        if e.object_type == "discussions.post" and e.object_id is not None
    }
    posts = Post.objects.filter(community=community, pk__in=post_ids).select_related(
        "topic__category", "reply_to", "author"
    )
    posts = {p.pk: p for p in posts}
    topic_ids = {
        e.object_id for e in events if e.object_type == "discussions.topic" and e.object_id
    }
    topics = {p.topic_id: p.topic for p in posts.values()}
    topics.update(
        {
            t.pk: t
            for t in Topic.objects.filter(community=community, pk__in=topic_ids).select_related(
                "category", "author"
            )
        }
    )
    return posts, topics


def _quotes(post: Post, user_id: int | None) -> bool:
    """Does the post quote ``user_id``'s words (the reply form's "> @name wrote:")?"""
    target = post.reply_to
    return (
        target is not None
        and target.author_id == user_id
        and target.author is not None
        and f"> @{target.author.username} wrote:" in post.body
    )


def _muted(community: Community, topic: Topic, user_ids: set[int]) -> set[int]:
    """Who muted the topic, or its category without a watch of their own on the topic."""
    on_topic: dict[int, str] = {}
    on_category: dict[int, str] = {}
    for watch in Watch.objects.filter(
        Q(topic=topic) | Q(category=topic.category_id), community=community, user_id__in=user_ids
    ):
        (on_topic if watch.topic_id else on_category)[watch.user_id] = watch.level
    return {uid for uid in user_ids if on_topic.get(uid, on_category.get(uid)) == WatchLevel.MUTED}


def _watchers(community: Community, topic: Topic) -> set[int]:
    """Members watching every reply: on the topic, or on its category unless the topic has
    a watch of its own at another level."""
    on_topic = dict(
        Watch.objects.filter(community=community, topic=topic).values_list("user_id", "level")
    )
    watching = {uid for uid, level in on_topic.items() if level == WatchLevel.WATCHING}
    watching |= set(
        Watch.objects.filter(
            community=community, category=topic.category_id, level=WatchLevel.WATCHING
        )
        .exclude(user_id__in=list(on_topic))
        .values_list("user_id", flat=True)
    )
    return watching


def _candidates(community, event, posts, topics) -> list[Candidate]:
    verb, actor_id = event.verb, event.actor_id
    post = posts.get(event.object_id) if event.object_type == "discussions.post" else None
    topic = post.topic if post else topics.get(event.object_id)
    out: list[Candidate] = []

    def add(recipient_id, kind, key, **fields):
        if recipient_id and recipient_id != actor_id:
            out.append(Candidate(recipient_id, kind, event, key, **fields))

    if verb in ("post.mention", "post.reply", "topic.create", "post.react") and post is None:
        return []
    if verb == "post.mention":
        kind = Kind.QUOTE if _quotes(post, event.target_user_id) else Kind.MENTION
        add(event.target_user_id, kind, f"post:{post.pk}", topic=topic, post=post)
    elif verb == "post.reply":
        target = event.target_user_id
        replied = post.reply_to or Post.objects.filter(topic=topic, number=1).first()
        if _quotes(post, target):
            kind = Kind.QUOTE
        elif replied is not None and replied.is_first_post and replied.author_id == target:
            kind = Kind.FIRST_POST_REPLY
        elif topic.category.kind == CategoryKind.QUESTIONS and target == topic.author_id:
            kind = Kind.ANSWER
        else:
            kind = Kind.REPLY
        add(target, kind, f"post:{post.pk}", topic=topic, post=post)
        for uid in sorted(_watchers(community, topic) - {target}):
            add(uid, Kind.WATCHED, f"post:{post.pk}", topic=topic, post=post)
    elif verb == "topic.create":
        for uid in sorted(
            Watch.objects.filter(
                community=community, category=topic.category_id, level=WatchLevel.WATCHING
            ).values_list("user_id", flat=True)
        ):
            add(uid, Kind.WATCHED, f"post:{post.pk}", topic=topic, post=post)
    elif verb == "post.react":
        add(event.target_user_id, Kind.REACTION, f"react:{post.pk}", topic=topic, post=post)
    elif verb == "answer.accept":
        answer = Post.objects.filter(pk=event.object_id).select_related("topic__category").first()
        if answer is not None:
            add(event.target_user_id, Kind.ANSWER_ACCEPTED, f"event:{event.pk}",
                topic=answer.topic, post=answer)  # fmt: skip
            if answer.topic.author_id != event.target_user_id:
                add(answer.topic.author_id, Kind.QUESTION_SOLVED, f"event:{event.pk}",
                    topic=answer.topic, post=answer)  # fmt: skip
    elif verb == "idea.status" and topic is not None:
        voters = set(IdeaVote.objects.filter(idea_id=topic.pk).values_list("user_id", flat=True))
        for uid in sorted(voters | {topic.author_id} - {None}):
            add(uid, Kind.IDEA_STATUS, f"event:{event.pk}", topic=topic,
                data={"from": event.data.get("from"), "to": event.data.get("to")})  # fmt: skip
    elif verb == "badge.grant":
        add(event.target_user_id, Kind.BADGE, f"event:{event.pk}", object_type="recognition.badge",
            object_id=event.object_id, data={"badge": event.data.get("badge", "")})  # fmt: skip
    elif verb == "member.join" and event.data.get("approved_by"):
        out.append(Candidate(event.actor_id, Kind.JOIN_DECISION, event, f"event:{event.pk}",
                             data={"approved": True}))  # fmt: skip
    elif verb == "member.decline":
        add(event.target_user_id, Kind.JOIN_DECISION, f"event:{event.pk}",
            data={"approved": False})  # fmt: skip
    elif verb == "message.send":
        add(event.target_user_id, Kind.MESSAGE, f"conversation:{event.object_id}",
            object_type="conversations.conversation", object_id=event.object_id)  # fmt: skip
    elif verb in ("flag.resolved", "review.approve", "review.reject") or verb.startswith(
        ("sanction.", "appeal.")
    ):
        add(event.target_user_id, Kind.MODERATION, f"event:{event.pk}",
            data={"verb": verb, **{k: v for k, v in event.data.items() if k in (
                "outcome", "decision", "kind")}})  # fmt: skip
    elif verb in ("event.remind", "event.promote", "event.cancel"):
        out.extend(_event_candidates(community, event))
    elif verb.startswith("proposal."):
        out.extend(_proposal_candidates(community, event))
    elif verb == "election.nominate" and not event.data.get("own"):
        add(event.target_user_id, Kind.ELECTION, f"event:{event.pk}",
            object_type="elections.election", object_id=event.data.get("election"),
            data={"outcome": "nominated", "title": event.data.get("title", "")})  # fmt: skip
    elif verb == "election.close":
        winners = set(event.data.get("winners", []))
        for uid in event.data.get("candidates", []):
            out.append(Candidate(uid, Kind.ELECTION, event, f"event:{event.pk}",
                                 object_type="elections.election", object_id=event.object_id,
                                 data={"outcome": "won" if uid in winners else "lost",
                                       "title": event.data.get("title", "")}))  # fmt: skip
    elif verb == "recall.close" and event.data.get("outcome") in ("passed", "failed"):
        outcome = "recalled" if event.data["outcome"] == "passed" else "kept"
        add(event.target_user_id, Kind.ELECTION, f"event:{event.pk}",
            object_type="elections.recall", object_id=event.object_id,
            data={"outcome": outcome})  # fmt: skip
    if topic is not None and out and verb.startswith(("post.", "topic.")):
        muted = _muted(community, topic, {c.recipient_id for c in out})
        out = [c for c in out if c.recipient_id not in muted]
    return out


def _event_candidates(community, event) -> list[Candidate]:
    """A reminder goes to everyone going to the occurrence; a freed seat to the member
    promoted from the waitlist; a cancellation to everyone who answered going, maybe or
    waiting for a date still to come. The event's topic is what ``can_receive`` checks, so
    a member who may no longer read it hears nothing."""
    cancelling = event.verb == "event.cancel"
    found = Event.objects.filter(community=community, pk=event.object_id)
    if not cancelling:
        found = found.filter(cancelled_at__isnull=True)
    found = found.select_related("topic__category").first()
    occurrence = event.data.get("occurrence")
    if found is None or not (occurrence or cancelling):
        return []
    data = {
        "title": found.title, "occurrence": occurrence or "",
        "kind": event.data.get("kind", ""), "starts_at": event.data.get("starts_at", ""),
    }  # fmt: skip
    fields = {"topic": found.topic, "object_type": "events.event", "object_id": found.pk}
    if event.verb == "event.promote":
        recipients = [event.target_user_id] if event.target_user_id else []
        kind = Kind.EVENT_SEAT
    elif cancelling:
        recipients = sorted(
            set(
                Rsvp.objects.filter(
                    event=found,
                    occurrence__gte=event.created_at.date(),
                    status__in=(RsvpStatus.GOING, RsvpStatus.MAYBE, RsvpStatus.WAITLISTED),
                ).values_list("user_id", flat=True)
            )
        )
        kind = Kind.EVENT_CANCELLED
    else:
        recipients = sorted(
            Rsvp.objects.filter(
                event=found, occurrence=occurrence, status=RsvpStatus.GOING
            ).values_list("user_id", flat=True)
        )
        kind = Kind.EVENT_REMINDER
    return [
        Candidate(uid, kind, event, f"event:{event.pk}", data=data, **fields) for uid in recipients
    ]


def _proposal_candidates(community, event) -> list[Candidate]:
    """A rules proposal's electorate (fixed when it opened) hears when it opens, when its
    vote closes with the result, and, when the owner kept a veto, whether it was vetoed
    or adopted after the veto window. The proposer hears too, voter or not."""
    from hearth.governance.models import Elector, Proposal

    if event.verb == "proposal.adopt" and not event.data.get("after_veto_window"):
        return []  # adopted at the close: the close's notification says so
    proposal = Proposal.objects.filter(community=community, pk=event.object_id).first()
    if proposal is None:
        return []
    recipients = set(Elector.objects.filter(proposal=proposal).values_list("user_id", flat=True))
    if proposal.proposer_id and event.verb != "proposal.open":
        recipients.add(proposal.proposer_id)
    data = {
        "verb": event.verb, "title": proposal.title, "result": event.data.get("result", ""),
        "yes": event.data.get("yes"), "no": event.data.get("no"),
    }  # fmt: skip
    return [
        Candidate(uid, Kind.PROPOSAL, event, f"event:{event.pk}", object_type="governance.proposal",
                  object_id=proposal.pk, data=data)
        for uid in sorted(recipients)
        if uid != event.actor_id
    ]  # fmt: skip
