"""Keeping the daily rollups (hearth/analytics/models.py) and reading the health metrics
back from them.

**Writing.** :func:`update` replays a community's events newer than its
``RollupState.last_event_id``, in id order and in batches, each batch in one transaction
under a row lock on the state, so two workers never apply the same events and a crash
loses nothing. On PostgreSQL, events younger than ``lag`` (HEARTH_ROLLUP_LAG_SECONDS) wait
for the next run: ids are handed out before commit, so a slow transaction could otherwise
commit an older id behind the watermark. SQLite commits in id order and needs no wait.
Facts are merged with "earliest wins", which is why they may be replayed in id order only:
services write a topic's start before its replies and a member's post before replies to it.
:func:`rebuild` deletes the community's rollups and replays everything (for imports, or
after a change to how rollups are kept).

**Reading.** :func:`health_report` returns the same :class:`~hearth.analytics.metrics.HealthReport`
as :func:`hearth.analytics.metrics.health_report` computes from raw events — the tests hold
the two equal on random data — in a constant number of queries whose size depends on the
window's active members and threads, never on the number of raw events. Windows are whole
UTC days.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone

from hearth.analytics import fast_rows, metrics
from hearth.analytics.graph import PairActivity
from hearth.analytics.member_days import MemberDays
from hearth.analytics.metrics import (
    DAY,
    MAU_DAYS,
    RETURN_WITHIN,
    WELCOME_WITHIN,
    _follow_up_end,
    _mean,
    _share,
)
from hearth.analytics.models import (
    AcceptDecision,
    IdeaFact,
    IdeaShipped,
    MemberDay,
    MemberFact,
    PairDay,
    RollupState,
    ThreadFact,
    ThreadKind,
    TopicMemberDay,
    VerbDay,
)
from hearth.analytics.rollup_rebuild import rebuild_in_database
from hearth.analytics.rollup_writes import PAIR_COUNTS, PAIR_FIELDS, apply_events
from hearth.analytics.rollup_writes import add_day_rows as add_day_rows  # trust levels' too
from hearth.communities.models import STAFF_ROLES, Membership
from hearth.core import event_cursor
from hearth.core.lazy_import import lazy
from hearth.core.models import InteractionEvent

np = lazy("numpy")  # loaded on first use: web processes never compute

if TYPE_CHECKING:
    from hearth.communities.models import Community

BATCH = 5000
ROLLUP_MODELS = (
    MemberDay,
    PairDay,
    VerbDay,
    TopicMemberDay,
    MemberFact,
    ThreadFact,
    AcceptDecision,
    IdeaFact,
    IdeaShipped,
)


def utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


# Writing ---------------------------------------------------------------------------------


def configured_lag() -> timedelta:
    return timedelta(seconds=settings.HEARTH_ROLLUP_LAG_SECONDS)


def update(community: Community, *, lag: timedelta | None = None) -> int:
    """Apply every committed event older than ``lag`` (default: the configured
    HEARTH_ROLLUP_LAG_SECONDS); returns how many were applied."""
    lag = configured_lag() if lag is None else lag
    return event_cursor.follow(
        community.pk, RollupState, lambda batch: apply_events(community.pk, batch),
        lag=lag, batch_size=BATCH,
    )  # fmt: skip


def rebuild(community: Community) -> int:
    """Recompute the community's rollups from its whole event log; returns how many events
    it took. On PostgreSQL in the database, in one transaction (rollup_rebuild.py: readers
    see the old rows until the new ones are all there); elsewhere by replaying the log."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            RollupState.objects.filter(community_id=community.pk).delete()
            for model in ROLLUP_MODELS:
                model.objects.filter(community_id=community.pk).delete()
        return update(community, lag=timedelta(0))
    RollupState.objects.get_or_create(community_id=community.pk)
    with transaction.atomic():
        state = RollupState.objects.select_for_update().get(community_id=community.pk)
        for model in ROLLUP_MODELS:
            model.objects.filter(community_id=community.pk).delete()
        events = InteractionEvent.objects.filter(community_id=community.pk).aggregate(
            last=Max("id"), count=Count("id")
        )
        if events["last"] is not None:
            rebuild_in_database(community.pk, events["last"])
        state.last_event_id = events["last"] or 0
        state.updated_at = timezone.now()
        state.save(update_fields=["last_event_id", "updated_at"])
    return events["count"] + update(community, lag=timedelta(0))


# Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Members:
    staff: frozenset[int]
    joined_at: dict[int, datetime]


def _members(community_id: int) -> Members:
    staff, joined_at = set(), {}
    for user_id, role, joined in Membership.objects.filter(community_id=community_id).values_list(
        "user_id", "role", "joined_at"
    ):
        if role in STAFF_ROLES:
            staff.add(user_id)
        if joined is not None:
            joined_at[user_id] = joined
    return Members(frozenset(staff), joined_at)


def _check(start: datetime, end: datetime) -> None:
    metrics._check(start, end)
    for moment in (start, end):
        if moment.astimezone(UTC).timetz() != time(tzinfo=UTC):
            raise ValueError("rollup windows start and end at UTC midnight")


def health_report(
    community: Community,
    start: datetime,
    end: datetime,
    *,
    as_of: datetime | None = None,
    members: Members | None = None,
    pairs: ReportPairs | None = None,
    member_days: MemberDays | None = None,
) -> metrics.HealthReport:
    """Every metric for the window of whole UTC days, from the rollups. ``members``,
    ``pairs`` (:func:`report_pairs` of the window) and ``member_days`` (covering the 27
    days before the window to the follow-up's end) spare reading them again when the
    caller already has them."""
    _check(start, end)
    as_of = as_of or timezone.now()
    until = _follow_up_end(end, as_of)
    first_day, last_day = start.date(), end.date()  # [first_day, last_day)
    members = members or _members(community.pk)
    days = member_days or MemberDays(
        community.pk, first_day - (MAU_DAYS - 1) * DAY, max(last_day, until.date() + DAY)
    )
    pairs = pairs or report_pairs(community, first_day, last_day)
    threads = _threads(community.pk, start, end)
    return metrics.HealthReport(
        start=start,
        end=end,
        active=_active_members(days, start, end),
        member_to_member=_member_to_member(pairs, members.staff),
        reciprocity=_reciprocity(pairs),
        never_answered=_never_answered(days, pairs.answered, first_day, last_day),
        appreciation=_appreciation(days, pairs.appreciated, first_day, last_day),
        newcomers=_newcomers(community.pk, start, end, until),
        first_response=_first_response(threads, until),
        support=_support(community.pk, threads, start, end, until, members.staff),
        retention=_retention(members, start, end, as_of, days),
        ideas=_ideas(community.pk, start, end, until, members.staff),
    )


@dataclass(frozen=True)
class ReportPairs:
    """Per ordered pair actor → target over the days, one entry per pair (arrays): its
    interactions of every kind, of which replies and reactions (answered) and reactions
    and accepted answers (appreciated)."""

    actor: np.ndarray
    target: np.ndarray
    total: np.ndarray
    answered_by: np.ndarray
    appreciated_by: np.ndarray

    @cached_property
    def counts(self) -> dict[tuple[int, int], int]:
        """Interactions per ordered pair."""
        pairs = zip(self.actor.tolist(), self.target.tolist(), strict=True)
        return dict(zip(pairs, self.total.tolist(), strict=True))

    @cached_property
    def answered(self) -> set[int]:
        """Targets of a reply or a reaction."""
        return set(self.target[self.answered_by > 0].tolist())

    @cached_property
    def appreciated(self) -> set[int]:
        """Targets of a reaction or an accepted answer."""
        return set(self.target[self.appreciated_by > 0].tolist())

    @cached_property
    def back(self) -> tuple[np.ndarray, np.ndarray]:
        """For each pair a → b: whether b → a is a pair too, and its interactions."""
        if not len(self.actor) or max(self.actor.max(), self.target.max()) >= 2**31:
            counts = self.counts
            back = [counts.get((b, a)) for a, b in counts]
            return (
                np.array([n is not None for n in back], dtype=bool),
                np.array([n or 0 for n in back], dtype=np.int64),
            )
        key, reverse = self.actor << 32 | self.target, self.target << 32 | self.actor
        order = np.argsort(key)
        at = order[np.minimum(np.searchsorted(key, reverse, sorter=order), len(key) - 1)]
        found = key[at] == reverse
        return found, np.where(found, self.total[at], 0)


def report_pairs(community: Community, first: date, last: date) -> ReportPairs:
    """What the report needs of the pairs over the days: summed in the database, one
    short row per pair, kept as arrays."""
    pairs = fast_rows.rows(report_pairs_query(community, first, last))
    return ReportPairs(*fast_rows.int_columns(pairs, 5))


def report_pairs_query(community: Community, first: date, last: date) -> QuerySet:
    """One row per ordered pair over the days [first, last): actor, target and the sums
    :class:`ReportPairs` keeps, in that order (a caller may annotate more)."""
    f = {name: F(name) for name in PAIR_FIELDS.values()}
    return (
        PairDay.objects.filter(community_id=community.pk, day__gte=first, day__lt=last)
        .order_by()
        .values_list("actor_id", "target_id")
        .annotate(
            total=Sum(f["replies"] + f["mentions"] + f["reactions"] + f["accepts"] + f["messages"]),
            answered=Sum(f["replies"] + f["reactions"]),
            appreciated=Sum(f["reactions"] + f["accepts"]),
        )
    )


def _active_members(days: MemberDays, start: datetime, end: datetime) -> metrics.ActiveMembers:
    first_day, n_days = start.date(), (end - start) // DAY
    monthly = days.distinct(first_day, n_days, MAU_DAYS)
    day_rows = tuple(
        metrics.DayActivity(
            start=start + i * DAY,
            active=days.active_count(first_day + i * DAY),
            active_28_days=monthly[i],
        )
        for i in range(n_days)
    )
    weeks = tuple(
        len(days.active_between(first_day + w * 7 * DAY, first_day + min(w * 7 + 7, n_days) * DAY))
        for w in range(-(-n_days // 7))
    )
    ratios = [Fraction(100 * d.active, d.active_28_days) for d in day_rows if d.active_28_days]
    return metrics.ActiveMembers(
        days=day_rows,
        weeks=weeks,
        total=len(days.active_between(first_day, first_day + n_days * DAY)),
        stickiness=_mean(ratios),
    )


def _member_to_member(pairs: ReportPairs, staff: frozenset[int]) -> metrics.MemberToMember:
    staff_ids = np.fromiter(staff, dtype=np.int64, count=len(staff))
    neither = ~np.isin(pairs.actor, staff_ids) & ~np.isin(pairs.target, staff_ids)
    total, members = int(pairs.total.sum()), int(pairs.total[neither].sum())
    return metrics.MemberToMember(total, members, _share(members, total))


def _reciprocity(pairs: ReportPairs) -> metrics.Reciprocity:
    found, back = pairs.back
    some = pairs.total > 0
    reciprocated = int((some & found & (back > 0)).sum())
    close = (pairs.actor < pairs.target) & (pairs.total >= 3) & (back >= 3)
    a, b = pairs.actor[close], pairs.target[close]
    order = np.lexsort((b, a))
    relationships = tuple(zip(a[order].tolist(), b[order].tolist(), strict=True))
    count = int(some.sum())
    return metrics.Reciprocity(count, reciprocated, _share(reciprocated, count), relationships)


def _never_answered(
    days: MemberDays, answered: set[int], first_day: date, last_day: date
) -> metrics.NeverAnswered:
    posters = days.posters_between(first_day, last_day)
    return metrics.NeverAnswered(len(posters), tuple(sorted(posters - answered)))


def _appreciation(
    days: MemberDays, appreciated: set[int], first_day: date, last_day: date
) -> metrics.AppreciationReach:
    active = days.active_between(first_day, last_day)
    reached = appreciated & active
    return metrics.AppreciationReach(len(active), len(reached), _share(len(reached), len(active)))


def _newcomers(community_id: int, start, end, until) -> metrics.NewcomerWelcome:
    facts = fast_rows.rows(
        MemberFact.objects.filter(
            community_id=community_id, first_post_at__gte=start, first_post_at__lt=end
        )
        .order_by("user_id")
        .values_list("user_id", "first_post_at", "second_post_at", "first_reply_at")
    )
    welcomed, unwelcomed, waits, returned = [], [], [], {True: 0, False: 0}
    newcomers = []
    for user, first, second, reply in facts:
        newcomers.append(user)
        is_welcomed = reply is not None and reply < until and reply <= first + WELCOME_WITHIN
        if is_welcomed:
            welcomed.append(user)
            waits.append(_micros(reply - first))
        else:
            unwelcomed.append(user)
        if second is not None and second < until and second <= first + RETURN_WITHIN:
            returned[is_welcomed] += 1
    return metrics.NewcomerWelcome(
        newcomers=tuple(newcomers),
        welcomed=tuple(welcomed),
        unwelcomed=tuple(unwelcomed),
        rate=_share(len(welcomed), len(newcomers)),
        median_hours_to_reply=_median_hours(waits),
        welcomed_returned=_share(returned[True], len(welcomed)),
        unwelcomed_returned=_share(returned[False], len(unwelcomed)),
    )


class _Thread(NamedTuple):
    kind: str
    topic_id: int
    started_at: datetime
    first_response_at: datetime | None


def _threads(community_id: int, start, end) -> list[_Thread]:
    return [
        _Thread(*row)
        for row in fast_rows.rows(
            ThreadFact.objects.filter(
                community_id=community_id, started_at__gte=start, started_at__lt=end
            )
            .order_by("started_at", "event_id")
            .values_list("kind", "topic_id", "started_at", "first_response_at")
        )
    ]


MICROS_PER_HOUR = 3_600_000_000


def _micros(delta: timedelta) -> int:
    return delta // timedelta(microseconds=1)


def _median_hours(micros: list[int]) -> Fraction | None:
    """The median of durations in microseconds, in hours: ``metrics._median`` of their
    ``_hours``, without sorting Fractions."""
    if not micros:
        return None
    ordered, middle = sorted(micros), len(micros) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle], MICROS_PER_HOUR)
    return Fraction(ordered[middle - 1] + ordered[middle], 2 * MICROS_PER_HOUR)


def _mean_hours(micros: list[int]) -> Fraction | None:
    return Fraction(sum(micros), len(micros) * MICROS_PER_HOUR) if micros else None


def _response_times(facts: Iterable[_Thread], until) -> metrics.ResponseTimes:
    waits, unanswered, started = [], [], 0
    for fact in facts:
        started += 1
        if fact.first_response_at is not None and fact.first_response_at < until:
            waits.append(_micros(fact.first_response_at - fact.started_at))
        else:
            unanswered.append(fact.topic_id)
    return metrics.ResponseTimes(
        started,
        len(waits),
        _median_hours(waits),
        _mean_hours(waits),
        tuple(sorted(unanswered)),
    )


def _first_response(facts: list[_Thread], until) -> metrics.FirstResponse:
    return metrics.FirstResponse(
        topics=_response_times((f for f in facts if f.kind == ThreadKind.TOPIC), until),
        questions=_response_times((f for f in facts if f.kind == ThreadKind.QUESTION), until),
    )


def _support(
    community_id: int, threads: list[_Thread], start, end, until, staff
) -> metrics.MemberSupport:
    questions = [f for f in threads if f.kind == ThreadKind.QUESTION]
    decisions: dict[int, list[AcceptDecision]] = defaultdict(list)
    for d in AcceptDecision.objects.filter(
        community_id=community_id,
        topic_id__in=ThreadFact.objects.filter(
            community_id=community_id,
            kind=ThreadKind.QUESTION,
            started_at__gte=start,
            started_at__lt=end,
        ).values("topic_id"),
        at__lt=until,
    ).order_by("at", "event_id"):
        decisions[d.topic_id].append(d)
    hours, from_members = [], 0
    for q in questions:
        standing = None
        for d in decisions[q.topic_id]:
            if d.at >= q.started_at:
                standing = d if d.accepted else None
        if standing is not None:
            hours.append(_micros(standing.at - q.started_at))
            from_members += standing.answerer_id not in staff
    return metrics.MemberSupport(
        questions=len(questions),
        accepted=len(hours),
        accepted_from_members=from_members,
        share=_share(from_members, len(hours)),
        median_hours_to_accept=_median_hours(hours),
        unanswered=_response_times(questions, until).unanswered,
    )


def _retention(members: Members, start, end, as_of, days: MemberDays) -> tuple:
    joined = {u: at for u, at in members.joined_at.items() if start <= at < end}
    if not joined:
        return ()
    last = _follow_up_end(end, as_of)
    users, ordinals = days.arrays(start.date(), last.date() + DAY)
    return metrics.cohorts_of_days(joined, users, ordinals, as_of)


def _ideas(community_id: int, start, end, until, staff) -> metrics.Ideas:
    proposed = list(
        IdeaFact.objects.filter(
            community_id=community_id, proposed_at__gte=start, proposed_at__lt=end
        ).values_list("author_id", "first_response_at")
    )
    responded = sum(1 for _a, at in proposed if at is not None and at < until)
    votes = VerbDay.objects.filter(
        community_id=community_id, verb="idea.vote", day__gte=start.date(), day__lt=end.date()
    ).aggregate(n=Sum("count"))["n"]
    shipped = (
        IdeaShipped.objects.filter(community_id=community_id, at__gte=start, at__lt=end)
        .values("topic_id")
        .distinct()
        .count()
    )
    return metrics.Ideas(
        proposed=len(proposed),
        proposed_by_members=sum(1 for a, _at in proposed if a is not None and a not in staff),
        votes=votes or 0,
        responded=responded,
        response_share=_share(responded, len(proposed)),
        shipped=shipped,
    )


# What the dashboard's charts, graph, ladder and funnel read --------------------------------


def day_figures(
    community: Community,
    start: date,
    end: date,
    *,
    staff: frozenset[int],
    as_of: datetime,
    member_days: MemberDays | None = None,
) -> list[dict]:
    """One dict per UTC day in [start, end): the CSV export's and the charts' daily figures
    (field names as in ``hearth.analytics.dashboard.DayRow``). Seven queries (six with
    ``member_days``, covering the 27 days before ``start`` to ``end``)."""
    days = member_days or MemberDays(community.pk, start - (MAU_DAYS - 1) * DAY, end)
    interactions, between_members = _interactions_by_day(community, start, end, staff)
    verbs: dict[str, Counter] = defaultdict(Counter)
    for day, verb, n in VerbDay.objects.filter(
        community_id=community.pk,
        day__gte=start,
        day__lt=end,
        verb__in=("member.join", "question.ask", "answer.accept", "idea.propose", "idea.vote"),
    ).values_list("day", "verb", "count"):
        verbs[verb][day] = n
    newcomers, welcomed = Counter(), Counter()
    for first, reply in fast_rows.rows(
        MemberFact.objects.filter(
            community_id=community.pk,
            first_post_at__gte=utc_midnight(start),
            first_post_at__lt=utc_midnight(end),
        ).values_list("first_post_at", "first_reply_at")
    ):
        day = first.astimezone(UTC).date()
        newcomers[day] += 1
        if reply is not None and reply < as_of and reply <= first + WELCOME_WITHIN:
            welcomed[day] += 1
    from_members = Counter(
        d.at.astimezone(UTC).date()
        for d in AcceptDecision.objects.filter(
            community_id=community.pk,
            accepted=True,
            at__gte=utc_midnight(start),
            at__lt=utc_midnight(end),
        ).only("at", "answerer_id")
        if d.answerer_id not in staff
    )

    dates = [start + timedelta(days=k) for k in range((end - start).days)]
    weekly = days.distinct(start, len(dates), 7)
    monthly = days.distinct(start, len(dates), MAU_DAYS)
    rows = []
    for i, day in enumerate(dates):
        rows.append(
            {
                "day": day,
                "active": days.active_count(day),
                "active_7_days": weekly[i],
                "active_28_days": monthly[i],
                "interactions": interactions[day],
                "member_to_member": between_members[day],
                "posts": days.posts_on(day),
                "new_members": verbs["member.join"][day],
                "newcomers": newcomers[day],
                "newcomers_welcomed": welcomed[day],
                "questions_asked": verbs["question.ask"][day],
                "answers_accepted": verbs["answer.accept"][day],
                "answers_accepted_from_members": from_members[day],
                "ideas_proposed": verbs["idea.propose"][day],
                "idea_votes": verbs["idea.vote"][day],
            }
        )
    return rows


def _interactions_by_day(
    community: Community, start: date, end: date, staff: frozenset[int]
) -> tuple[Counter, Counter]:
    """Interactions per day, and of them those where neither side is in ``staff``: summed
    in the database, a row per day."""
    total = sum((F(name) for name in PAIR_COUNTS[1:]), F(PAIR_COUNTS[0]))
    sums = {"n": Sum(total)}
    if staff:
        ids = sorted(staff)
        sums["with_staff"] = Sum(total, filter=Q(actor_id__in=ids) | Q(target_id__in=ids))
    interactions, between_members = Counter(), Counter()
    for day, n, *with_staff in (
        PairDay.objects.filter(community_id=community.pk, day__gte=start, day__lt=end)
        .order_by()
        .values_list("day")
        .annotate(**sums)
    ):
        interactions[day] += n
        between_members[day] += n - (with_staff[0] or 0 if with_staff else 0)
    return interactions, between_members


def pair_activity(community: Community, start: date, end: date) -> list[PairActivity]:
    """Who interacted with whom over the days [start, end), by kind, ordered by pair."""
    rows = (
        PairDay.objects.filter(community_id=community.pk, day__gte=start, day__lt=end)
        .order_by()
        .values_list("actor_id", "target_id")
        .annotate(*(Sum(field) for field in PAIR_FIELDS.values()), Max("last_at"))
    )
    return [PairActivity(*row) for row in sorted(rows)]


def co_topic_presence(
    community: Community, start: date, end: date
) -> list[tuple[int, int, datetime]]:
    """(low id, high id, later of their last posts) once per topic both posted in."""
    posters: dict[int, dict[int, datetime]] = defaultdict(dict)
    for topic, user, last in (
        TopicMemberDay.objects.filter(community_id=community.pk, day__gte=start, day__lt=end)
        .order_by()
        .values("topic_id", "user_id")
        .annotate(last=Max("last_at"))
        .values_list("topic_id", "user_id", "last")
    ):
        posters[topic][user] = last
    together = []
    for topic in sorted(posters):
        last = posters[topic]
        ids = sorted(last)
        together.extend(
            (a, b, max(last[a], last[b])) for i, a in enumerate(ids) for b in ids[i + 1 :]
        )
    return together


def active_days(
    community: Community,
    start: date,
    end: date,
    *,
    contributions: bool = False,
    member_days: MemberDays | None = None,
) -> dict[int, set[date]]:
    """The days each member was active (or, with ``contributions``, answered a question
    or proposed an idea) in [start, end); from ``member_days`` when given."""
    days = member_days or MemberDays(community.pk, start, end)
    return days.by_member(start, end, contributions=contributions)


def first_posts(community: Community, user_ids) -> dict[int, datetime]:
    return dict(
        fast_rows.rows(
            MemberFact.objects.filter(community_id=community.pk, user_id__in=user_ids).values_list(
                "user_id", "first_post_at"
            )
        )
    )


def first_reciprocated(community: Community, users: QuerySet) -> dict[int, datetime]:
    """The first day each of ``users`` (a ``values("user_id")`` queryset) both gave and got
    an interaction with the same person: the later of the first a→b and the first b→a,
    earliest over b (days, as midnight UTC). Found in the database, a row per member."""
    table = connection.ops.quote_name(PairDay._meta.db_table)
    among, among_params = users.query.sql_with_params()
    sql = (
        f"WITH f AS (SELECT actor_id AS a, target_id AS b, MIN(day) AS first FROM {table} "  # noqa: S608 - our table
        f"WHERE {table}.community_id = %s AND (actor_id IN ({among}) OR target_id IN ({among})) "
        "GROUP BY actor_id, target_id) "
        "SELECT x.a, MIN(CASE WHEN x.first > y.first THEN x.first ELSE y.first END) "
        f"FROM f x JOIN f y ON y.a = x.b AND y.b = x.a WHERE x.a IN ({among}) GROUP BY x.a"
    )
    found = fast_rows.sql_rows(sql, [community.pk, *among_params, *among_params, *among_params])
    return {
        user: utc_midnight(day if isinstance(day, date) else date.fromisoformat(day))
        for user, day in found
    }
