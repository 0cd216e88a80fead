"""Reputation: points for appreciation received from other members, by kind and weighted
per community.

One appreciation counts once: a reaction or a vote is a (giver, post or idea) pair, so
taking a reaction back and giving it again adds nothing; an accepted answer is the answer
post, however often it is accepted. Taking appreciation back does not remove the points
(the log records reactions removed by nobody). Windows (week, month) are counted from the
event log with one aggregate query over its (community, verb, created_at) index; all-time
tallies are kept per member by the recognition task (``ReputationScore``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import CharField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from hearth.communities.models import Community
from hearth.core.models import InteractionEvent
from hearth.recognition.models import DEFAULT_WEIGHTS, ReputationScore, ReputationSettings

REACTION, ACCEPT, VOTE = "post.react", "answer.accept", "idea.vote"
# Verb -> (tally field, weight field).
KINDS = {
    REACTION: ("reactions_received", "reaction_points"),
    ACCEPT: ("accepted_answers", "accepted_answer_points"),
    VOTE: ("idea_votes", "idea_vote_points"),
}
TALLIES = [tally for tally, _weight in KINDS.values()]


def weights(community: Community) -> dict[str, int]:
    row = ReputationSettings.objects.filter(community=community).first()
    if row is None:
        return dict(DEFAULT_WEIGHTS)
    return {name: getattr(row, name) for name in DEFAULT_WEIGHTS}


def points_expression(weight: dict[str, int], prefix: str = ""):
    """Σ weight × tally, over fields (or annotations) named ``<prefix><tally>``."""
    terms = [F(f"{prefix}{tally}") * weight[w] for tally, w in KINDS.values()]
    return terms[0] + terms[1] + terms[2]


def appreciations(community: Community) -> QuerySet[InteractionEvent]:
    """Reputation events aimed at a member by someone else."""
    return InteractionEvent.objects.filter(
        community=community,
        verb__in=list(KINDS),
        target_user__isnull=False,
        actor__isnull=False,
    ).exclude(actor_id=F("target_user_id"))


def tallies(community: Community, since: datetime | None = None) -> QuerySet:
    """Per member (``target_user_id``): distinct appreciations of each kind since ``since``
    (all time when None), as one grouped query."""
    rows = appreciations(community)
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    pair = Concat(Cast("actor_id", CharField()), Value(":"), Cast("object_id", CharField()))
    return rows.values("target_user_id").annotate(
        reactions_received=Count(pair, distinct=True, filter=Q(verb=REACTION)),
        accepted_answers=Count("object_id", distinct=True, filter=Q(verb=ACCEPT)),
        idea_votes=Count(pair, distinct=True, filter=Q(verb=VOTE)),
    )


def _key(event: InteractionEvent) -> tuple:
    if event.verb == ACCEPT:
        return (ACCEPT, event.object_id)
    return (event.verb, event.actor_id, event.object_id)


def _counted_before(community: Community, events: list[InteractionEvent]) -> set[tuple]:
    """Keys of the events that repeat an appreciation logged before them. Events with one
    key lock the same row (post, idea, question) when written, so they are logged in order."""
    ids = [e.pk for e in events]
    earlier = appreciations(community).filter(pk__lt=max(ids)).exclude(pk__in=ids)
    given = [e for e in events if e.verb != ACCEPT]
    accepted = [e for e in events if e.verb == ACCEPT]
    rows: list[InteractionEvent] = []
    if given:
        rows += earlier.filter(
            verb__in=[REACTION, VOTE],
            actor_id__in={e.actor_id for e in given},
            object_id__in={e.object_id for e in given},
        ).only("pk", "verb", "actor_id", "object_id")
    if accepted:
        rows += earlier.filter(verb=ACCEPT, object_id__in={e.object_id for e in accepted}).only(
            "pk", "verb", "actor_id", "object_id"
        )
    first_seen: dict[tuple, int] = {}
    for row in [*rows, *events]:
        key = _key(row)
        first_seen[key] = min(first_seen.get(key, row.pk), row.pk)
    return {e.pk for e in events if first_seen[_key(e)] != e.pk}


def apply_events(community: Community, events: Iterable[InteractionEvent]) -> int:
    """Add new appreciations to the all-time tallies. Returns how many counted."""
    fresh = sorted(
        (
            e
            for e in events
            if e.verb in KINDS
            and e.target_user_id is not None
            and e.actor_id is not None
            and e.actor_id != e.target_user_id
        ),
        key=lambda e: e.pk,
    )
    if not fresh:
        return 0
    repeats = _counted_before(community, fresh)
    per_user: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(TALLIES, 0))
    for event in fresh:
        if event.pk not in repeats:
            per_user[event.target_user_id][KINDS[event.verb][0]] += 1
    weight = weights(community)
    now = timezone.now()
    for user_id, counts in per_user.items():
        ReputationScore.objects.get_or_create(community=community, user_id=user_id)
        ReputationScore.objects.filter(community=community, user_id=user_id).update(
            points=F("points") + sum(counts[t] * weight[w] for t, w in KINDS.values()),
            updated_at=now,
            **{tally: F(tally) + n for tally, n in counts.items()},
        )
    return sum(sum(c.values()) for c in per_user.values())


@transaction.atomic
def rebuild(community: Community) -> int:
    """Recount every member's all-time tallies from the event log (repairs, first run)."""
    weight = weights(community)
    now = timezone.now()
    # Zero first: members whose appreciations are all gone (deleted users) end at zero.
    ReputationScore.objects.filter(community=community).update(
        points=0, updated_at=now, **dict.fromkeys(TALLIES, 0)
    )
    scores = [
        ReputationScore(
            community=community,
            user_id=row["target_user_id"],
            points=sum(row[t] * weight[w] for t, w in KINDS.values()),
            updated_at=now,
            **{t: row[t] for t in TALLIES},
        )
        for row in tallies(community)
    ]
    ReputationScore.objects.bulk_create(
        scores,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["community", "user"],
        update_fields=[*TALLIES, "points", "updated_at"],
    )
    return len(scores)


def reweigh(community: Community) -> None:
    """New weights: recompute points from the kept tallies (no event is read)."""
    ReputationScore.objects.filter(community=community).update(
        points=points_expression(weights(community))
    )
