"""Community health metrics, computed straight from the interaction event log.

Each figure is for one community and a window ``[start, end)`` of aware UTC datetimes, and
follows the definitions in PRODUCT.md ("Community health: the metrics")::

    window = load_window(community, start, end)  # three queries, whatever the data size
    figures = active_members(window)              # pure: no queries from here on
    report = health_report(community, start, end)  # every metric at once

The choices PRODUCT.md leaves open, made once here for every metric:

- **Exact numbers.** Shares are ``Fraction`` in 0..1, durations are ``Fraction`` hours,
  stickiness is a ``Fraction`` percentage; display code rounds. A figure whose denominator
  is empty (no members, no questions…) is ``None``, never 0 and never a division error.
- **Days and weeks** are 24-hour and 7-day slices counted from ``start`` (dashboards pass
  UTC midnights); a trailing shorter slice still counts as a day or a week.
- **Active** means any recorded event whose actor is that person, whatever the verb
  (joining, posting, reacting, voting, a staff action…). Deleted users (no actor) are not
  counted.
- **Staff** is owner, admin or moderator by the membership's *current* role. Roles are
  not reconstructed over time: role changes are rare and a historical role would make the
  same person count differently from one day to the next. Leaving or being banned resets
  the role, so former staff count as members.
- **Interactions** are ``post.reply`` (answers are replies in a question topic, so they
  count once, as replies), ``post.mention``, ``post.react``, ``answer.accept`` (accepter
  → answerer) and ``message.send`` (a direct message, one per recipient; its content is
  never read), with actor and target both known and different. ``question.first_response``
  duplicates a reply; votes are not interactions. A reaction or acceptance taken back later
  still happened, so it still counts as an interaction.
- **Posts** are ``topic.create`` and ``post.reply`` events.
- **Follow-up.** What starts in the window (a newcomer's first post, a topic, a question, an
  idea, a join-week cohort) is followed past ``end`` for up to 13 weeks, or until ``as_of``
  (default: now) if that is earlier, so the window's last days are not judged before their
  outcome could happen. A recent window's figures can therefore still move.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from hearth.communities.models import STAFF_ROLES, Membership
from hearth.core.lazy_import import lazy
from hearth.core.models import InteractionEvent

np = lazy("numpy")  # loaded on first use: web processes never compute

if TYPE_CHECKING:
    from hearth.communities.models import Community

DAY = timedelta(days=1)
WEEK = timedelta(weeks=1)
MAU_DAYS = 28
FOLLOW_UP = timedelta(weeks=13)  # retention week 12 ends 13 weeks after joining
WELCOME_WITHIN = timedelta(hours=24)
RETURN_WITHIN = timedelta(days=30)
RETENTION_WEEKS = (1, 2, 4, 8, 12)

POST_VERBS = frozenset({"topic.create", "post.reply"})
INTERACTION_VERBS = frozenset(
    {"post.reply", "post.mention", "post.react", "answer.accept", "message.send"}
)
ANSWERED_VERBS = frozenset({"post.reply", "post.react"})  # "never answered"
APPRECIATION_VERBS = frozenset({"post.react", "answer.accept"})  # "thanks" is a reaction


@dataclass(frozen=True, slots=True)
class Event:
    at: datetime
    verb: str
    actor: int | None
    target: int | None
    topic: int | None  # data["topic"], else the object id (question.ask, idea.*)
    data: dict[str, Any]


@dataclass(frozen=True)
class Window:
    """Everything the metrics read, loaded once by :func:`load_window`."""

    start: datetime
    end: datetime
    as_of: datetime
    events: tuple[Event, ...]  # community's events in [start - 27 days, until), in order
    staff: frozenset[int]  # user ids with a staff role now
    joined_at: dict[int, datetime]  # user id -> membership's joined_at, where set
    posted_before: frozenset[int]  # users with a post before ``start``

    @property
    def until(self) -> datetime:
        """End of the follow-up period (exclusive)."""
        return _follow_up_end(self.end, self.as_of)

    def during(self) -> Iterator[Event]:
        return (e for e in self.events if self.start <= e.at < self.end)

    def followed(self) -> Iterator[Event]:
        return (e for e in self.events if e.at >= self.start)


def _follow_up_end(end: datetime, as_of: datetime) -> datetime:
    return max(end, min(as_of, end + FOLLOW_UP))


def _check(start: datetime, end: datetime) -> None:
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("start and end must be aware datetimes")
    if end <= start:
        raise ValueError("the window must end after it starts")


def load_window(
    community: Community, start: datetime, end: datetime, *, as_of: datetime | None = None
) -> Window:
    """Load one community's events and memberships for the window: three queries."""
    _check(start, end)
    as_of = as_of or timezone.now()
    rows = (
        InteractionEvent.objects.filter(
            community_id=community.pk,
            created_at__gte=start - (MAU_DAYS - 1) * DAY,
            created_at__lt=_follow_up_end(end, as_of),
        )
        .order_by("created_at", "id")
        .values_list("created_at", "verb", "actor_id", "target_user_id", "object_id", "data")
    )
    events = tuple(
        Event(at, verb, actor, target, (data or {}).get("topic", object_id), data or {})
        for at, verb, actor, target, object_id, data in rows
    )
    staff, joined_at = set(), {}
    for user_id, role, joined in Membership.objects.filter(community_id=community.pk).values_list(
        "user_id", "role", "joined_at"
    ):
        if role in STAFF_ROLES:
            staff.add(user_id)
        if joined is not None:
            joined_at[user_id] = joined
    posted_before = (
        InteractionEvent.objects.filter(
            community_id=community.pk, verb__in=POST_VERBS, created_at__lt=start
        )
        .exclude(actor_id=None)
        .values_list("actor_id", flat=True)
        .distinct()
    )
    return Window(start, end, as_of, events, frozenset(staff), joined_at, frozenset(posted_before))


def _share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


def _hours(delta: timedelta) -> Fraction:
    return Fraction(delta // timedelta(microseconds=1), 3_600_000_000)


def _median(values: list[Fraction]) -> Fraction | None:
    return statistics.median(values) if values else None


def _mean(values: list[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def _slices(start: datetime, end: datetime, step: timedelta) -> int:
    return -((start - end) // step)  # ceil((end - start) / step)


def _interactions(window: Window) -> list[tuple[int, int]]:
    """(actor, target) of each interaction in the window, self-interactions left out."""
    return [
        (e.actor, e.target)
        for e in window.during()
        if e.verb in INTERACTION_VERBS
        and e.actor is not None
        and e.target is not None
        and e.actor != e.target
    ]


# Active members and stickiness -------------------------------------------------------


@dataclass(frozen=True)
class DayActivity:
    start: datetime
    active: int  # DAU
    active_28_days: int  # MAU: distinct active in the 28 days ending with this day


@dataclass(frozen=True)
class ActiveMembers:
    days: tuple[DayActivity, ...]
    weeks: tuple[int, ...]  # distinct active per 7-day slice from ``start``
    total: int  # distinct active in the whole window
    stickiness: Fraction | None  # mean of DAU/MAU × 100 over days with MAU > 0


def active_members(window: Window) -> ActiveMembers:
    by_day: dict[int, set[int]] = defaultdict(set)
    for e in window.events:
        if e.actor is not None and e.at < window.end:
            by_day[(e.at - window.start) // DAY].add(e.actor)
    n_days = _slices(window.start, window.end, DAY)
    days = tuple(
        DayActivity(
            start=window.start + i * DAY,
            active=len(by_day.get(i, ())),
            active_28_days=len(set().union(*(by_day.get(j, ()) for j in range(i - 27, i + 1)))),
        )
        for i in range(n_days)
    )
    weeks = tuple(
        len(set().union(*(by_day.get(i, ()) for i in range(w * 7, min(w * 7 + 7, n_days)))))
        for w in range(_slices(window.start, window.end, WEEK))
    )
    ratios = [Fraction(100 * d.active, d.active_28_days) for d in days if d.active_28_days]
    return ActiveMembers(
        days=days,
        weeks=weeks,
        total=len(set().union(*(by_day.get(i, ()) for i in range(n_days)))),
        stickiness=_mean(ratios),
    )


# Member-to-member share, reciprocity, relationships ----------------------------------


@dataclass(frozen=True)
class MemberToMember:
    interactions: int  # between two different people
    between_members: int  # of which neither side is staff
    share: Fraction | None


def member_to_member(window: Window) -> MemberToMember:
    pairs = _interactions(window)
    members = sum(1 for a, b in pairs if a not in window.staff and b not in window.staff)
    return MemberToMember(len(pairs), members, _share(members, len(pairs)))


@dataclass(frozen=True)
class Reciprocity:
    pairs: int  # ordered pairs a→b with at least one interaction
    reciprocated: int  # of which b→a also exists
    share: Fraction | None
    relationships: tuple[tuple[int, int], ...]  # (low id, high id), ≥ 3 interactions each way


def reciprocity(window: Window) -> Reciprocity:
    """Staff count as members here: a moderator's conversation is still a conversation."""
    counts = Counter(_interactions(window))
    reciprocated = sum(1 for a, b in counts if (b, a) in counts)
    relationships = tuple(
        sorted((a, b) for (a, b), n in counts.items() if a < b and n >= 3 and counts[b, a] >= 3)
    )
    return Reciprocity(len(counts), reciprocated, _share(reciprocated, len(counts)), relationships)


# Never answered, appreciation reach ---------------------------------------------------


@dataclass(frozen=True)
class NeverAnswered:
    posted: int  # members who posted in the window
    members: tuple[int, ...]  # of whom nobody else replied to or reacted to, in the window


def never_answered(window: Window) -> NeverAnswered:
    posters, answered = set(), set()
    for e in window.during():
        if e.actor is None:
            continue
        if e.verb in POST_VERBS:
            posters.add(e.actor)
        if e.verb in ANSWERED_VERBS and e.target is not None and e.target != e.actor:
            answered.add(e.target)
    return NeverAnswered(len(posters), tuple(sorted(posters - answered)))


@dataclass(frozen=True)
class AppreciationReach:
    active: int
    appreciated: int  # active members who got a reaction or an accepted answer from another
    share: Fraction | None


def appreciation_reach(window: Window) -> AppreciationReach:
    active, appreciated = set(), set()
    for e in window.during():
        if e.actor is None:
            continue
        active.add(e.actor)
        if e.verb in APPRECIATION_VERBS and e.target is not None and e.target != e.actor:
            appreciated.add(e.target)
    appreciated &= active
    return AppreciationReach(len(active), len(appreciated), _share(len(appreciated), len(active)))


# Newcomers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewcomerWelcome:
    """Newcomers are people whose first post ever in the community is in the window; a
    welcome is a reply to them (``post.reply`` targeting them) by anyone else, staff
    included, within 24 hours of that first post. "Posted again" is a second post within
    30 days of the first."""

    newcomers: tuple[int, ...]
    welcomed: tuple[int, ...]
    unwelcomed: tuple[int, ...]  # the drill-down: go welcome them now
    rate: Fraction | None
    median_hours_to_reply: Fraction | None
    welcomed_returned: Fraction | None  # share of the welcomed who posted again in 30 days
    unwelcomed_returned: Fraction | None


def newcomer_welcome(window: Window) -> NewcomerWelcome:
    posts: dict[int, list[datetime]] = defaultdict(list)
    replies_to: dict[int, list[datetime]] = defaultdict(list)
    for e in window.followed():
        if e.actor is None:
            continue
        if e.verb in POST_VERBS:
            posts[e.actor].append(e.at)
        if e.verb == "post.reply" and e.target is not None and e.target != e.actor:
            replies_to[e.target].append(e.at)
    newcomers = sorted(
        user
        for user, times in posts.items()
        if user not in window.posted_before and times[0] < window.end
    )
    welcomed, unwelcomed, waits, returned = [], [], [], {True: 0, False: 0}
    for user in newcomers:
        first = posts[user][0]
        reply = next((t for t in replies_to[user] if first <= t <= first + WELCOME_WITHIN), None)
        if reply is None:
            unwelcomed.append(user)
        else:
            welcomed.append(user)
            waits.append(_hours(reply - first))
        if sum(1 for t in posts[user] if t <= first + RETURN_WITHIN) >= 2:
            returned[reply is not None] += 1
    return NewcomerWelcome(
        newcomers=tuple(newcomers),
        welcomed=tuple(welcomed),
        unwelcomed=tuple(unwelcomed),
        rate=_share(len(welcomed), len(newcomers)),
        median_hours_to_reply=_median(waits),
        welcomed_returned=_share(returned[True], len(welcomed)),
        unwelcomed_returned=_share(returned[False], len(unwelcomed)),
    )


# Time to first response, member support -------------------------------------------------


@dataclass(frozen=True)
class ResponseTimes:
    started: int
    responded: int
    median_hours: Fraction | None
    mean_hours: Fraction | None
    unanswered: tuple[int, ...]  # topic ids with no reply from anyone but the author


@dataclass(frozen=True)
class FirstResponse:
    topics: ResponseTimes  # topics outside question categories (discussions and ideas)
    questions: ResponseTimes


def _starts(window: Window, questions: bool) -> list[Event]:
    if questions:
        return [e for e in window.during() if e.verb == "question.ask" and e.topic is not None]
    return [
        e
        for e in window.during()
        if e.verb == "topic.create" and e.topic is not None and e.data.get("kind") != "questions"
    ]


def _response_times(window: Window, starts: list[Event]) -> ResponseTimes:
    replies: dict[int, list[Event]] = defaultdict(list)
    for e in window.followed():
        if e.verb == "post.reply" and e.actor is not None:
            replies[e.topic].append(e)
    hours, unanswered = [], []
    for s in starts:
        first = next((r.at for r in replies[s.topic] if r.actor != s.actor and r.at >= s.at), None)
        if first is None:
            unanswered.append(s.topic)
        else:
            hours.append(_hours(first - s.at))
    return ResponseTimes(
        len(starts), len(hours), _median(hours), _mean(hours), tuple(sorted(unanswered))
    )


def first_response(window: Window) -> FirstResponse:
    return FirstResponse(
        topics=_response_times(window, _starts(window, questions=False)),
        questions=_response_times(window, _starts(window, questions=True)),
    )


@dataclass(frozen=True)
class MemberSupport:
    """Of the window's questions, those whose answer stands accepted at the end of the
    follow-up (the last ``answer.accept`` not undone by an ``answer.unaccept``)."""

    questions: int
    accepted: int
    accepted_from_members: int  # accepted answer written by a non-staff member
    share: Fraction | None
    median_hours_to_accept: Fraction | None  # question asked → standing answer accepted
    unanswered: tuple[int, ...]  # question topic ids with no reply from anyone but the asker


def member_support(window: Window) -> MemberSupport:
    questions = _starts(window, questions=True)
    decisions: dict[int, list[Event]] = defaultdict(list)
    for e in window.followed():
        if e.verb in ("answer.accept", "answer.unaccept"):
            decisions[e.topic].append(e)
    hours, from_members = [], 0
    for q in questions:
        standing = None
        for d in decisions[q.topic]:
            if d.at >= q.at:
                standing = d if d.verb == "answer.accept" else None
        if standing is not None:
            hours.append(_hours(standing.at - q.at))
            from_members += standing.target not in window.staff
    return MemberSupport(
        questions=len(questions),
        accepted=len(hours),
        accepted_from_members=from_members,
        share=_share(from_members, len(hours)),
        median_hours_to_accept=_median(hours),
        unanswered=_response_times(window, questions).unanswered,
    )


# Retention ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cohort:
    """Members whose (current) ``joined_at`` is in the window, grouped by the Monday (UTC)
    of their join week. Week k of a member is the UTC days [7k, 7k + 7) after their join
    day (whole days, so daily rollups give the same answer as the raw events); its share
    counts only members whose week k has ended by ``as_of`` (``None`` if none has)."""

    week: date
    members: tuple[int, ...]
    retention: dict[int, Fraction | None]  # week after joining -> share active


def cohorts(
    joined: dict[int, datetime], activity: dict[int, set[date]], as_of: datetime
) -> tuple[Cohort, ...]:
    """Retention of members joined at ``joined`` who were active on the ``activity`` days."""
    pairs = [(user, day.toordinal()) for user, days in activity.items() for day in days]
    return cohorts_of_days(
        joined,
        np.array([user for user, _ in pairs], dtype=np.int64),
        np.array([day for _, day in pairs], dtype=np.int64),
        as_of,
    )


def cohorts_of_days(
    joined: dict[int, datetime], users: np.ndarray, days: np.ndarray, as_of: datetime
) -> tuple[Cohort, ...]:
    """:func:`cohorts` with the activity as member days: member ids and ``toordinal()``
    days, each (member, day) once."""
    join_days = {user: at.astimezone(UTC).date() for user, at in joined.items()}
    ids = np.array(sorted(join_days), dtype=np.int64)
    joins = np.array([join_days[user].toordinal() for user in ids.tolist()], dtype=np.int64)
    kept = np.isin(users, ids)
    index = np.searchsorted(ids, users[kept])
    after = days[kept] - joins[index]  # days after the join day
    # Week k of a member has ended by ``as_of`` when the midnight after it is no later,
    # i.e. its last day is before ``as_of``'s date.
    today = as_of.astimezone(UTC).date().toordinal()
    active, observed = {}, {}
    for k in RETENTION_WEEKS:
        active[k] = np.zeros(len(ids), dtype=bool)
        active[k][index[(after >= 7 * k) & (after < 7 * k + 7)]] = True
        observed[k] = joins + 7 * (k + 1) <= today
    by_week: dict[date, list[int]] = defaultdict(list)
    for i, user in enumerate(ids.tolist()):
        day = join_days[user]
        by_week[day - timedelta(days=day.weekday())].append(i)
    result = []
    for week in sorted(by_week):
        members = np.array(by_week[week], dtype=np.int64)  # ids are sorted: so are these
        shares = {
            k: _share(
                int((observed[k][members] & active[k][members]).sum()),
                int(observed[k][members].sum()),
            )
            for k in RETENTION_WEEKS
        }
        result.append(Cohort(week, tuple(ids[members].tolist()), shares))
    return tuple(result)


def retention(window: Window) -> tuple[Cohort, ...]:
    joined = {user: at for user, at in window.joined_at.items() if window.start <= at < window.end}
    activity: dict[int, set[date]] = defaultdict(set)
    for e in window.followed():
        if e.actor in joined:
            activity[e.actor].add(e.at.astimezone(UTC).date())
    return cohorts(joined, activity, window.as_of)


# Ideas ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ideas:
    proposed: int
    proposed_by_members: int  # by non-staff
    votes: int  # idea.vote events in the window (votes taken back still count)
    responded: int  # proposed in the window, with an official response by the follow-up end
    response_share: Fraction | None
    shipped: int  # ideas moved to "shipped" in the window


def ideas(window: Window) -> Ideas:
    proposed = [e for e in window.during() if e.verb == "idea.propose" and e.topic is not None]
    answers: dict[int, list[datetime]] = defaultdict(list)
    for e in window.followed():
        if e.verb == "idea.status" and e.data.get("responded"):
            answers[e.topic].append(e.at)
    responded = sum(1 for p in proposed if any(t >= p.at for t in answers[p.topic]))
    shipped = {
        e.topic
        for e in window.during()
        if e.verb == "idea.status" and e.data.get("to") == "shipped"
    }
    return Ideas(
        proposed=len(proposed),
        proposed_by_members=sum(
            1 for p in proposed if p.actor is not None and p.actor not in window.staff
        ),
        votes=sum(1 for e in window.during() if e.verb == "idea.vote"),
        responded=responded,
        response_share=_share(responded, len(proposed)),
        shipped=len(shipped),
    )


# Everything at once -------------------------------------------------------------------


@dataclass(frozen=True)
class HealthReport:
    start: datetime
    end: datetime
    active: ActiveMembers
    member_to_member: MemberToMember
    reciprocity: Reciprocity
    never_answered: NeverAnswered
    appreciation: AppreciationReach
    newcomers: NewcomerWelcome
    first_response: FirstResponse
    support: MemberSupport
    retention: tuple[Cohort, ...]
    ideas: Ideas


def report_for(window: Window) -> HealthReport:
    return HealthReport(
        start=window.start,
        end=window.end,
        active=active_members(window),
        member_to_member=member_to_member(window),
        reciprocity=reciprocity(window),
        never_answered=never_answered(window),
        appreciation=appreciation_reach(window),
        newcomers=newcomer_welcome(window),
        first_response=first_response(window),
        support=member_support(window),
        retention=retention(window),
        ideas=ideas(window),
    )


def health_report(
    community: Community, start: datetime, end: datetime, *, as_of: datetime | None = None
) -> HealthReport:
    """Every metric for the window, in three queries."""
    return report_for(load_window(community, start, end, as_of=as_of))
