"""Measuring members' activity and moving them between trust levels.

**Activity** is kept from the interaction event log by a durable cursor, like the analytics
rollups (hearth/analytics/rollups.py): :func:`update` applies a community's events newer
than ``TrustState.last_event_id`` in id order and in batches, each batch in one transaction
under a row lock on the state, together with the re-evaluation of the members the batch
names. A crash loses nothing and two workers never apply the same events; on PostgreSQL,
events younger than the rollup lag wait for the next run (ids are handed out before
commit). What counts:

- a *day visited*: a UTC day on which the member was the actor of any event (reading a
  topic records ``topic.read``, so readers who never post visit too);
- *topics entered* and *posts read*: ``topic.read`` events (``data.topic``, ``data.posts``
  newly seen);
- *replies*: ``post.reply``; *reactions given/received*: ``post.react`` (actor/target);
- *flags upheld*: ``flag.upheld`` events, whose ``target_user`` is the flagged post's author
  (recorded by the moderation app when staff agree with a flag).

**Levels.** 1 and 2 are earned on the member's whole history and never taken away
automatically; 3 is earned, and kept, on the last ``tl3_window_days`` (100) days: a regular
whose activity falls below it returns to 2, once :data:`TL3_GRACE` has passed since the
promotion. Level 4 is granted by staff only. Locked members are never changed
automatically. :func:`sweep` re-evaluates every member (daily, from the task), because
falling below level 3 happens with no event at all.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.analytics.rollups import add_day_rows, configured_lag
from hearth.communities.models import Membership, MembershipStatus
from hearth.core import event_cursor
from hearth.discussions.models import Post, Topic
from hearth.trust import selectors, services
from hearth.trust.models import ActivityDay, MemberTrust, TopicEntered, TrustSettings, TrustState
from hearth.trust.policy import BASIC, LEADER, MEMBER, REGULAR

if TYPE_CHECKING:
    from hearth.communities.models import Community

BATCH = 5000
CHUNK = 500
SWEEP_EVERY = timedelta(days=1)
TL3_GRACE = timedelta(days=14)
DAY_COUNTS = ("actions", "posts_read", "replies", "reactions_given", "reactions_received",
              "flags_upheld")  # fmt: skip
LABELS = {
    "days_visited": _("Days visited"),
    "topics_entered": _("Topics entered"),
    "posts_read": _("Posts read"),
    "replies": _("Replies"),
    "reactions_given": _("Reactions given"),
    "reactions_received": _("Reactions received"),
    "flags_upheld": _("Flags upheld against you"),
}
SIMPLE_KEYS = ("days_visited", "topics_entered", "posts_read", "replies", "reactions_given",
               "reactions_received")  # fmt: skip


# Activity ---------------------------------------------------------------------------------


@dataclass
class Activity:
    days_visited: int = 0
    topics_entered: int = 0
    posts_read: int = 0
    replies: int = 0
    reactions_given: int = 0
    reactions_received: int = 0
    flags_upheld: int = 0


def _apply(community_id: int, batch: list[tuple]) -> set[int]:
    """Add a batch of events to the activity tables; returns the members it names."""
    days: dict[tuple, Counter] = defaultdict(Counter)
    entered: dict[tuple[int, int], object] = {}
    named: set[int] = set()
    for _pk, at, verb, actor, target, object_id, data in batch:
        day, data = at.astimezone(UTC).date(), data or {}
        if actor is not None:
            named.add(actor)
            days[actor, day]["actions"] += 1
        if verb == "topic.read" and actor is not None:
            days[actor, day]["posts_read"] += max(0, int(data.get("posts") or 0))
            topic = data.get("topic", object_id)
            if topic is not None:
                entered.setdefault((actor, topic), day)
        elif verb == "post.reply" and actor is not None:
            days[actor, day]["replies"] += 1
        elif verb == "post.react" and actor is not None:
            days[actor, day]["reactions_given"] += 1
            if target is not None and target != actor:
                days[target, day]["reactions_received"] += 1
                named.add(target)
        elif verb == "flag.upheld" and target is not None:
            days[target, day]["flags_upheld"] += 1
            named.add(target)
    add_day_rows(ActivityDay, community_id, ("user_id", "day"), days, counts=DAY_COUNTS)
    if entered:
        TopicEntered.objects.bulk_create(
            [
                TopicEntered(community_id=community_id, user_id=user, topic_id=topic, day=day)
                for (user, topic), day in entered.items()
            ],
            ignore_conflicts=True,
        )
    return named


def activity(community: Community, user_ids: Iterable[int], since=None) -> dict[int, Activity]:
    """Each member's activity, over their whole history or from the day ``since``: two
    queries however many members."""
    user_ids = list(user_ids)
    result = {user_id: Activity() for user_id in user_ids}
    days = ActivityDay.objects.filter(community=community, user_id__in=user_ids)
    entered = TopicEntered.objects.filter(community=community, user_id__in=user_ids)
    if since is not None:
        days, entered = days.filter(day__gte=since), entered.filter(day__gte=since)
    for row in days.values("user_id").annotate(
        days_visited=Count("id", filter=Q(actions__gt=0)),
        posts_read_sum=Sum("posts_read"),
        replies_sum=Sum("replies"),
        given=Sum("reactions_given"),
        received=Sum("reactions_received"),
        flags=Sum("flags_upheld"),
    ):
        a = result[row["user_id"]]
        a.days_visited, a.posts_read, a.replies = (
            row["days_visited"], row["posts_read_sum"] or 0, row["replies_sum"] or 0,
        )  # fmt: skip
        a.reactions_given, a.reactions_received = row["given"] or 0, row["received"] or 0
        a.flags_upheld = row["flags"] or 0
    for row in entered.values("user_id").annotate(n=Count("id")):
        result[row["user_id"]].topics_entered = row["n"]
    return result


# Requirements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    key: str
    needed: int
    at_most: bool = False

    @property
    def label(self) -> str:
        return str(LABELS[self.key])

    def met(self, value: int) -> bool:
        return value <= self.needed if self.at_most else value >= self.needed


@dataclass(frozen=True)
class Window:
    """The level-3 window: its first day and what the community created in it."""

    since: object
    days: int
    topics_created: int
    posts_created: int


def window_for(community: Community, settings: TrustSettings, now=None) -> Window:
    now = now or timezone.now()
    start = now - timedelta(days=settings.tl3_window_days)
    return Window(
        since=start.astimezone(UTC).date(),
        days=settings.tl3_window_days,
        topics_created=Topic.objects.filter(
            community=community, created_at__gte=start, deleted_at__isnull=True
        ).count(),
        posts_created=Post.objects.filter(
            community=community, created_at__gte=start, deleted_at__isnull=True
        ).count(),
    )


def _share(percent: int, of: int, cap: int) -> int:
    return min(cap, math.ceil(percent * of / 100))


def requirements(settings: TrustSettings, level: int, window: Window | None) -> list[Requirement]:
    """What ``level`` (1, 2 or 3) needs; level 3 needs the ``window``."""
    if level in (BASIC, MEMBER):
        needed = ((key, getattr(settings, f"tl{level}_{key}")) for key in SIMPLE_KEYS)
        return [Requirement(key, n) for key, n in needed if n > 0]
    if level != REGULAR:
        return []
    s = settings
    return [
        Requirement("days_visited", math.ceil(s.tl3_days_visited_percent * window.days / 100)),
        Requirement(
            "topics_entered",
            _share(s.tl3_topics_entered_percent, window.topics_created, s.tl3_topics_entered_cap),
        ),
        Requirement(
            "posts_read",
            _share(s.tl3_posts_read_percent, window.posts_created, s.tl3_posts_read_cap),
        ),
        Requirement("replies", s.tl3_replies),
        Requirement("reactions_given", s.tl3_reactions_given),
        Requirement("reactions_received", s.tl3_reactions_received),
        Requirement("flags_upheld", s.tl3_max_flags_upheld, at_most=True),
    ]


def meets(reqs: list[Requirement], done: Activity) -> bool:
    return all(r.met(getattr(done, r.key)) for r in reqs)


def target_level(current: int, *, met: dict[int, bool], promoted_recently: bool = False) -> int:
    """The level the member should be at: promoted step by step while the next level is
    met; a regular who no longer meets level 3 returns to 2 after the grace period."""
    if current >= LEADER:
        return current
    level = current
    while level < REGULAR and met[level + 1]:
        level += 1
    if current == REGULAR and not met[REGULAR] and not promoted_recently:
        return MEMBER
    return level


# Evaluation --------------------------------------------------------------------------------


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    chunk: list[int] = []
    for user_id in ids:
        chunk.append(user_id)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def evaluate(community: Community, user_ids: Iterable[int], *, now=None) -> int:
    """Move the named active members to the level their activity earns (never level 4,
    never a locked member); returns how many changed. Idempotent."""
    now = now or timezone.now()
    settings = TrustSettings.for_community(community)
    window = window_for(community, settings, now)
    reqs = {level: requirements(settings, level, window) for level in (BASIC, MEMBER, REGULAR)}
    changed = 0
    for chunk in _chunks(user_ids):
        memberships = list(
            Membership.objects.filter(
                community=community,
                user_id__in=chunk,
                status=MembershipStatus.ACTIVE,
                trust_level__lt=LEADER,
            ).select_related("user")
        )
        if not memberships:
            continue
        ids = [m.user_id for m in memberships]
        trust = {
            t.user_id: t for t in MemberTrust.objects.filter(community=community, user_id__in=ids)
        }
        total, recent = activity(community, ids), activity(community, ids, since=window.since)
        for membership in memberships:
            record = trust.get(membership.user_id)
            if record is not None and record.is_locked:
                continue
            met = {
                BASIC: meets(reqs[BASIC], total[membership.user_id]),
                MEMBER: meets(reqs[MEMBER], total[membership.user_id]),
                REGULAR: meets(reqs[REGULAR], recent[membership.user_id]),
            }
            recently = (
                record is not None
                and record.changed_at is not None
                and now - record.changed_at < TL3_GRACE
            )
            level = target_level(membership.trust_level, met=met, promoted_recently=recently)
            if level != membership.trust_level:
                services.level_change(membership=membership, level=level)
                changed += 1
    return changed


def update(community: Community, *, lag: timedelta | None = None) -> int:
    """Apply every committed event older than ``lag`` (default: the rollup lag) and
    re-evaluate the members they name; returns how many events were applied."""
    lag = configured_lag() if lag is None else lag

    def apply(batch) -> None:
        evaluate(community, sorted(_apply(community.pk, batch)))

    return event_cursor.follow(community.pk, TrustState, apply, lag=lag, batch_size=BATCH)


def sweep(community: Community, *, force: bool = False) -> int | None:
    """Re-evaluate every active member below level 4 if the last sweep is a day old (or
    ``force``); returns how many changed, or None when no sweep was due."""
    now = timezone.now()
    TrustState.objects.get_or_create(community_id=community.pk)
    with transaction.atomic():
        state = TrustState.objects.select_for_update().get(community_id=community.pk)
        if not force and state.swept_at is not None and now - state.swept_at < SWEEP_EVERY:
            return None
        state.swept_at = now
        state.save(update_fields=["swept_at"])
        ids = Membership.objects.filter(
            community=community, status=MembershipStatus.ACTIVE, trust_level__lt=LEADER
        ).values_list("user_id", flat=True)
        return evaluate(community, ids.order_by("user_id").iterator(chunk_size=CHUNK), now=now)


# Progress ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    requirement: Requirement
    value: int

    @property
    def met(self) -> bool:
        return self.requirement.met(self.value)

    @property
    def percent(self) -> int:
        if self.requirement.at_most:
            return 100 if self.met else 0
        if not self.requirement.needed:
            return 100
        return min(100, self.value * 100 // self.requirement.needed)


@dataclass(frozen=True)
class Progress:
    level: int
    next_level: int | None  # None at level 4
    keeping: bool  # level 3: what keeps it, not what earns the next
    window_days: int
    steps: list[Step]
    locked: bool


def progress(membership: Membership) -> Progress:
    """What the member's next level needs (for a regular: what keeps level 3), with their
    counts so far. A constant number of queries."""
    community = membership.community
    settings = TrustSettings.for_community(community)
    level = membership.trust_level
    locked = selectors.is_locked(membership)
    if level >= LEADER:
        return Progress(level, None, False, settings.tl3_window_days, [], locked)
    target = min(level + 1, REGULAR)
    window = window_for(community, settings) if target == REGULAR else None
    since = window.since if window else None
    done = activity(community, [membership.user_id], since=since)[membership.user_id]
    steps = [Step(r, getattr(done, r.key)) for r in requirements(settings, target, window)]
    return Progress(
        level=level,
        next_level=None if level == REGULAR else target,
        keeping=level == REGULAR,
        window_days=settings.tl3_window_days,
        steps=steps,
        locked=locked,
    )
