"""The automatic badges: each one a rule over the interaction event log.

A rule answers "which of these members have earned it?" for a set of candidates, with a
few queries whatever the size of the set, so the task can evaluate only the members who
appear in newly committed events (``triggers`` says how an event names its candidates:
its actor, its target, or the author of the topic it happened in) and the `hearth badges
award` command can re-evaluate everyone in chunks. Appreciation from oneself never counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.communities.models import Community, Membership, MembershipStatus
from hearth.core.models import InteractionEvent

POST_VERBS = ("topic.create", "post.reply")
ANY_VERB = "*"
# How an event names the members a rule should look at again.
ACTOR, TARGET, TOPIC_AUTHOR = "actor", "target", "topic_author"

WELCOMES_NEEDED = 10
ACCEPTED_ANSWERS_NEEDED = 10
STARTER_REPLIES_NEEDED = 10
MEMBERSHIP_YEAR = timedelta(days=365)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    description: str
    icon: str
    triggers: dict[str, str]
    qualifying: Callable[[Community, set[int]], set[int]] = field(repr=False)


def _events(community: Community) -> QuerySet[InteractionEvent]:
    return InteractionEvent.objects.filter(community=community)


def _received(community: Community, verb: str, users: set[int]) -> QuerySet[InteractionEvent]:
    """Events of ``verb`` aimed at the candidates by someone else."""
    return (
        _events(community)
        .filter(verb=verb, target_user_id__in=users, actor_id__isnull=False)
        .exclude(actor_id=F("target_user_id"))
    )


def first_post(community: Community, users: set[int]) -> set[int]:
    rows = _events(community).filter(verb__in=POST_VERBS, actor_id__in=users)
    return set(rows.values_list("actor_id", flat=True).distinct())


def first_accepted_answer(community: Community, users: set[int]) -> set[int]:
    rows = _received(community, "answer.accept", users)
    return set(rows.values_list("target_user_id", flat=True).distinct())


def ten_accepted_answers(community: Community, users: set[int]) -> set[int]:
    """Distinct answers: an answer accepted, un-accepted and accepted again counts once."""
    rows = (
        _received(community, "answer.accept", users)
        .values("target_user_id")
        .annotate(answers=Count("object_id", distinct=True))
        .filter(answers__gte=ACCEPTED_ANSWERS_NEEDED)
    )
    return {row["target_user_id"] for row in rows}


def _replied_post(reply: dict, first: dict) -> bool:
    """Whether a post.reply event answered the post a member's first-post event made: a
    reply to a post names it (``reply_to``); a reply to a topic answers its first post."""
    reply_to = reply.get("reply_to")
    if first["verb"] == "topic.create":
        same_topic = reply.get("topic") == first["data"].get("topic")
        return same_topic and reply_to in (None, first["object_id"])
    return reply_to is not None and reply_to == first["object_id"]


def welcomed_newcomers(community: Community, users: set[int]) -> set[int]:
    """Replied to the first post of 10 different members. A member's first post is their
    earliest topic.create or post.reply event in the community."""
    first_post_of_target = (
        _events(community)
        .filter(actor_id=OuterRef("target_user_id"), verb__in=POST_VERBS)
        .order_by("created_at", "id")
        .values("id")[:1]
    )
    replies = list(
        _events(community)
        .filter(verb="post.reply", actor_id__in=users, target_user__isnull=False)
        .exclude(actor_id=F("target_user_id"))
        .annotate(first_event=Subquery(first_post_of_target))
        .values("actor_id", "target_user_id", "data", "first_event")
    )
    firsts = {
        row["id"]: row
        for row in InteractionEvent.objects.filter(
            pk__in={r["first_event"] for r in replies if r["first_event"]}
        ).values("id", "verb", "object_id", "data")
    }
    welcomed: dict[int, set[int]] = defaultdict(set)
    for reply in replies:
        first = firsts.get(reply["first_event"])
        if first is not None and _replied_post(reply["data"], first):
            welcomed[reply["actor_id"]].add(reply["target_user_id"])
    return {user for user, people in welcomed.items() if len(people) >= WELCOMES_NEEDED}


def idea_shipped(community: Community, users: set[int]) -> set[int]:
    rows = _events(community).filter(
        verb="idea.status", target_user_id__in=users, data__to="shipped"
    )
    return set(rows.values_list("target_user_id", flat=True).distinct())


def one_year_member(community: Community, users: set[int]) -> set[int]:
    rows = Membership.objects.filter(
        community=community,
        user_id__in=users,
        status=MembershipStatus.ACTIVE,
        joined_at__lte=timezone.now() - MEMBERSHIP_YEAR,
    )
    return set(rows.values_list("user_id", flat=True))


def first_reaction_received(community: Community, users: set[int]) -> set[int]:
    rows = _received(community, "post.react", users)
    return set(rows.values_list("target_user_id", flat=True).distinct())


def conversation_starter(community: Community, users: set[int]) -> set[int]:
    """Started a topic that got 10 replies from other people."""
    starts = list(
        _events(community)
        .filter(verb="topic.create", actor_id__in=users)
        .values("actor_id", "data", "created_at")
    )
    author_of = {row["data"].get("topic"): row["actor_id"] for row in starts}
    author_of.pop(None, None)
    if not author_of:
        return set()
    replies = (
        _events(community)
        # Replies come after their topic: the time bound keeps to the indexed range.
        .filter(
            verb="post.reply",
            created_at__gte=min(row["created_at"] for row in starts),
            data__topic__in=list(author_of),
        )
        .values("data__topic", "actor_id")
        .annotate(n=Count("id"))
    )
    per_topic: dict[int, int] = defaultdict(int)
    for row in replies:
        topic_id = int(row["data__topic"])
        if row["actor_id"] != author_of.get(topic_id):
            per_topic[topic_id] += row["n"]
    return {author_of[t] for t, n in per_topic.items() if n >= STARTER_REPLIES_NEEDED}


def event_host(community: Community, users: set[int]) -> set[int]:
    """Hosted an event that another member came to (staff mark attendance: an
    ``event.attend`` event whose target is the host)."""
    rows = _received(community, "event.attend", users)
    return set(rows.values_list("target_user_id", flat=True).distinct())


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in [
        Rule(
            "first-post", _("First post"), _("Wrote their first post in the community."),
            "✍️", {"topic.create": ACTOR, "post.reply": ACTOR}, first_post,
        ),
        Rule(
            "first-reaction", _("Appreciated"), _("Received a first reaction from another member."),
            "💛", {"post.react": TARGET}, first_reaction_received,
        ),
        Rule(
            "first-accepted-answer", _("Helper"), _("Had an answer accepted for the first time."),
            "✅", {"answer.accept": TARGET}, first_accepted_answer,
        ),
        Rule(
            "ten-accepted-answers", _("Problem solver"), _("Had 10 different answers accepted."),
            "🏅", {"answer.accept": TARGET}, ten_accepted_answers,
        ),
        Rule(
            "welcomer", _("Welcomer"),
            _("Replied to the first post of 10 different members."),
            "👋", {"post.reply": ACTOR}, welcomed_newcomers,
        ),
        Rule(
            "conversation-starter", _("Conversation starter"),
            _("Started a topic that got 10 replies from other members."),
            "💬", {"post.reply": TOPIC_AUTHOR}, conversation_starter,
        ),
        Rule(
            "idea-shipped", _("Idea shipped"), _("Proposed an idea that reached “shipped”."),
            "🚀", {"idea.status": TARGET}, idea_shipped,
        ),
        Rule(
            "event-host", _("Event host"),
            _("Hosted a meet-up or online event that members came to."),
            "🎪", {"event.attend": TARGET}, event_host,
        ),
        Rule(
            "one-year", _("One year here"), _("Has been a member for a year."),
            "🎂", {ANY_VERB: ACTOR}, one_year_member,
        ),
    ]
}  # fmt: skip
