"""Everything the community-health dashboard shows, gathered in one place.

``build_dashboard(community, window)`` returns a frozen view-model: the window's
:class:`~hearth.analytics.metrics.HealthReport`, the previous window's (for "what moved"),
one :class:`DayRow` per day (charts, CSV, API), and the inputs of the graph, ladder, funnel
and audience sections. Views, the CSV export and the JSON API all read it, so the figures
agree everywhere.

Where the numbers come from is decided in the "Source" section below and nowhere else:
today it reads the raw interaction events (a constant number of queries, whatever their
volume); the daily rollups replace it there without touching the pages."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from hearth.accounts.models import User
from hearth.analytics import fast_rows, metrics, rollups
from hearth.analytics.funnel import FunnelReport, Journey, funnel
from hearth.analytics.graph import InteractionGraph, PairActivity, interaction_graph
from hearth.analytics.graph_edges import same_topic, weighed_edges, window_pairs
from hearth.analytics.ladder import (
    LEADING_SPAN,
    DayArrays,
    LadderMoves,
    LadderReport,
    ladders,
)
from hearth.analytics.member_days import MemberDays
from hearth.analytics.models import VerbDay
from hearth.analytics.parallel_reads import Reads
from hearth.audience.selectors import (
    Audience,
    audience_figures,
    visitors_by_campaign,
    visitors_by_source,
)
from hearth.communities.models import STAFF_ROLES, Membership, MembershipStatus
from hearth.core.lazy_import import lazy
from hearth.growth.selectors import signups_in
from hearth.members.models import MemberProfile

np = lazy("numpy")  # loaded on first use: web processes never compute

if TYPE_CHECKING:
    from hearth.communities.models import Community

DAY = timedelta(days=1)
LADDER_MONTHS_BEFORE = 2  # month starts shown before the window's own month
LEADER_TRUST_LEVEL = 4


@dataclass(frozen=True)
class Window:
    """UTC calendar days ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def end_at(self) -> datetime:
        """The instant after the last day (exclusive end, as the metrics take it)."""
        return datetime.combine(self.end + DAY, time.min, tzinfo=UTC)

    def previous(self) -> Window:
        """The window of equal length just before this one."""
        return Window(self.start - timedelta(days=self.days), self.start - DAY)

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]


@dataclass(frozen=True)
class DayRow:
    """One UTC day's figures: a row of the CSV export and of the API's ``days``.

    Counts are of events that day; ``active_7_days``/``active_28_days`` are distinct
    members active in the 7/28 days ending that day (WAU/MAU)."""

    day: date
    active: int  # DAU
    active_7_days: int  # WAU
    active_28_days: int  # MAU
    interactions: int  # replies, mentions, reactions, acceptances between two people
    member_to_member: int  # of which neither side is staff
    posts: int  # topics started + replies
    new_members: int  # member.join events
    newcomers: int  # members whose first post ever was that day
    newcomers_welcomed: int  # of which got a reply from someone else within 24 h
    questions_asked: int
    answers_accepted: int
    answers_accepted_from_members: int  # accepted answer written by a non-staff member
    ideas_proposed: int
    idea_votes: int
    page_views: int | None = None  # None: audience figures not recorded
    unique_visitors: int | None = None

    @property
    def stickiness(self) -> Fraction | None:
        """DAU/MAU × 100 for the day (the dashboard's stickiness is their mean)."""
        return Fraction(100 * self.active, self.active_28_days) if self.active_28_days else None


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    name: str


@dataclass(frozen=True)
class Dashboard:
    window: Window
    previous_window: Window
    report: metrics.HealthReport
    previous: metrics.HealthReport
    days: tuple[DayRow, ...]
    relationships: tuple[RelationshipRow, ...]  # reciprocated pairs, most interactions first
    graph: InteractionGraph
    ladder: LadderReport  # at each month start before the window's end, and at its end
    window_moves: LadderMoves  # from the window's start to its end (the Sankey, slipping)
    funnel: FunnelReport  # people who joined (or asked to) in the window, per source
    audience: Audience
    staff: frozenset[int]
    people: dict[int, Person] = field(default_factory=dict)
    first_activity: date | None = None  # the community's first recorded day
    as_of: datetime | None = None  # when the figures were computed

    @property
    def has_activity(self) -> bool:
        return self.report.active.total > 0

    @property
    def before_data(self) -> bool:
        """The window starts before the community's first recorded day ("longer than the
        data"): its early days are empty, not quiet."""
        return self.first_activity is None or self.window.start < self.first_activity


def build_dashboard(
    community: Community, window: Window, *, as_of: datetime | None = None
) -> Dashboard:
    """Every section's data from the daily rollups, in a fixed number of queries whatever
    the number of raw events; the largest independent reads run while the rest is
    computed (parallel_reads.py)."""
    with Reads() as reads, _collector_paused():
        return _build(community, window, as_of or timezone.now(), reads)


@contextmanager
def _collector_paused():
    """The cyclic garbage collector off while the computation runs. At 100,000 members it
    makes over a million rows, tuples and numbers, none of them in a cycle, which set off
    thousands of collections, a few of them over every object of the process."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(community: Community, window: Window, as_of: datetime, reads: Reads) -> Dashboard:
    previous_window = window.previous()
    boundaries = ladder_boundaries(window)
    ladder_from = (boundaries[0] - LEADING_SPAN * DAY).date()
    # In the order the computation below needs them; the window's pairs are read once, for
    # its report and its graph.
    pairs_read = reads.start(window_pairs, community, window.start, window.end + DAY)
    days_read = reads.start(member_days, community, window, ladder_from, as_of)
    together = reads.start(same_topic, community, window.start, window.end + DAY)
    previous_pairs = reads.start(
        rollups.report_pairs, community, previous_window.start, previous_window.end + DAY
    )
    reciprocated = reads.start(rollups.first_reciprocated, community, arrived(community, window))
    members = memberships(community)
    staff, joined, ladder_members, leaders = member_sets(members)
    known = rollups.Members(staff, joined)
    all_days, pairs = days_read.result(), pairs_read.result()
    report = rollups.health_report(
        community,
        window.start_at,
        window.end_at,
        as_of=as_of,
        members=known,
        pairs=pairs.report,
        member_days=all_days,
    )
    activity_end = as_of.date() + DAY  # the ladder's and the funnel's activity: until now
    window_ladder, months_ladder = ladders(
        ladder_members,
        DayArrays(*all_days.arrays(ladder_from, activity_end)),
        DayArrays(*all_days.arrays(ladder_from, window.end + DAY, contributions=True)),
        leaders,
        [window.start_at, window.end_at],
        boundaries,
    )
    graph = interaction_graph(
        weighed_edges(pairs, together.result()),
        (),  # same-topic presence is in the edges' weights, counted in the database
        all_days.active_between(window.start, min(window.end + DAY, activity_end)),
        staff,
        graph_opt_outs(community),
        as_of,
    )
    start_at, end_at = window.start_at, window.end_at
    arriving = {m.user for m in members if start_at <= m.requested_at < end_at}
    activity = all_days.by_member(ladder_from, activity_end, members=arriving)
    named = {n.user for n in graph.picture.nodes if n.user is not None}
    reach = audience(community, window)
    visits = {a.day: a for a in reach.days}
    return Dashboard(
        window=window,
        previous_window=previous_window,
        report=report,
        previous=rollups.health_report(
            community,
            previous_window.start_at,
            previous_window.end_at,
            as_of=as_of,
            members=known,
            pairs=previous_pairs.result(),
            member_days=all_days,
        ),
        days=tuple(
            replace(
                row, page_views=visits[row.day].page_views, unique_visitors=visits[row.day].visitors
            )
            if row.day in visits
            else row
            for row in daily_rows(community, window, staff, as_of, all_days)
        ),
        relationships=tuple(relationship_rows(pairs.report)),
        graph=graph,
        ladder=months_ladder,
        window_moves=window_ladder.moves[0],
        funnel=funnel_report(
            community, window, members, activity, reciprocated=reciprocated.result()
        ),
        audience=reach,
        staff=staff,
        people=people(named),
        first_activity=first_activity(community),
        as_of=as_of,
    )


def current_report(
    community: Community, window: Window, *, as_of: datetime | None = None
) -> metrics.HealthReport:
    """The window's report alone (drill-downs)."""
    return rollups.health_report(community, window.start_at, window.end_at, as_of=as_of)


def people(user_ids) -> dict[int, Person]:
    """Names for the given users, in one query."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    return {
        pk: Person(pk, username, display or username)
        for pk, username, display in User.objects.filter(pk__in=ids).values_list(
            "pk", "username", "display_name"
        )
    }


# Source: the daily rollups (hearth/analytics/rollups.py) ------------------------------


def first_activity(community: Community) -> date | None:
    return (
        VerbDay.objects.filter(community_id=community.pk)
        .order_by("day")
        .values_list("day", flat=True)
        .first()
    )


def daily_rows(
    community: Community,
    window: Window,
    staff: frozenset[int],
    as_of: datetime,
    days: MemberDays | None = None,
) -> tuple[DayRow, ...]:
    return tuple(
        DayRow(**figures)
        for figures in rollups.day_figures(
            community, window.start, window.end + DAY, staff=staff, as_of=as_of, member_days=days
        )
    )


def member_days(
    community: Community, window: Window, ladder_from: date, as_of: datetime
) -> MemberDays:
    """Every member day the dashboard counts, in one read: both windows' reports (from 27
    days before each, to their follow-up's end), the daily rows, and the ladder's and the
    funnel's activity (from ``ladder_from`` to ``as_of``)."""
    previous = window.previous()
    first = min(ladder_from, previous.start - (metrics.MAU_DAYS - 1) * DAY)
    last = max(
        as_of.date() + DAY,
        window.end + DAY,
        *(metrics._follow_up_end(w.end_at, as_of).date() + DAY for w in (window, previous)),
    )
    return MemberDays(community.pk, first, last)


def pair_activity(community: Community, window: Window) -> tuple[PairActivity, ...]:
    """Who interacted with whom in the window, by kind (a direct message counts, its
    content is never read)."""
    return tuple(rollups.pair_activity(community, window.start, window.end + DAY))


class MemberRow(NamedTuple):  # a tuple: 100,000 of them are made per computation
    user: int
    joined_at: datetime | None
    requested_at: datetime
    source: str
    campaign: str
    current: bool  # an active member
    staff: bool
    leader: bool  # staff, or trusted enough to lead


def memberships(community: Community) -> list[MemberRow]:
    """Every membership of the community, with its standing worked out by the database
    (comparing 100,000 statuses and roles in Python cost ~0.5 s of the dashboard)."""
    staff = Q(role__in=list(STAFF_ROLES))
    standing = {
        "current": Q(status=MembershipStatus.ACTIVE),
        "staff": staff,
        "leader": staff | Q(trust_level__gte=LEADER_TRUST_LEVEL),
    }
    rows = (
        Membership.objects.filter(community_id=community.pk)
        .annotate(
            **{n: ExpressionWrapper(q, output_field=BooleanField()) for n, q in standing.items()}
        )
        .values_list("user_id", "joined_at", "requested_at", "source", "campaign", *standing)
    )
    return list(map(MemberRow._make, fast_rows.rows(rows)))


def member_sets(members: list[MemberRow]):
    """In one pass: staff, when each member joined, the ladder's current members (with
    when they joined) and its leaders."""
    staff, joined, current, leaders = [], {}, {}, []
    for m in members:
        if m.staff:
            staff.append(m.user)
        if m.joined_at:
            joined[m.user] = m.joined_at
            if m.current:
                current[m.user] = m.joined_at
        if m.current and m.leader:
            leaders.append(m.user)
    return frozenset(staff), joined, current, frozenset(leaders)


def _month_start(day: date, back: int = 0) -> date:
    month = day.year * 12 + day.month - 1 - back
    return date(month // 12, month % 12 + 1, 1)


def ladder_boundaries(window: Window) -> list[datetime]:
    """The first of each month from two months before the window's start to its end, then
    the window's end itself (the levels "now")."""
    first = _month_start(window.start, LADDER_MONTHS_BEFORE)
    months, day = [], first
    while day <= window.end:
        months.append(datetime.combine(day, time.min, tzinfo=UTC))
        day = _month_start(day + timedelta(days=31))
    return [*months, window.end_at]


def graph_opt_outs(community: Community) -> frozenset[int]:
    """Members who asked to be an anonymous dot in the graph (their profile's setting)."""
    return frozenset(
        MemberProfile.objects.filter(
            community_id=community.pk, anonymous_in_analytics=True
        ).values_list("user_id", flat=True)
    )


def arrived(community: Community, window: Window) -> QuerySet:
    """Who asked to join in the window, as a subquery: no list of ids to send."""
    return Membership.objects.filter(
        community_id=community.pk,
        requested_at__gte=window.start_at,
        requested_at__lt=window.end_at,
    ).values("user_id")


def funnel_report(
    community: Community,
    window: Window,
    members: list[MemberRow],
    activity: dict[int, set[date]],
    *,
    by_campaign: bool = False,
    reciprocated: dict[int, datetime] | None = None,
) -> FunnelReport:
    """Journeys of the people who asked to join in the window, from the source recorded on
    their membership, followed until now; and of the people who signed up from one of the
    community's campaigns in the window without joining (yet). ``by_campaign``: one row
    per (source, campaign), visitors counted per campaign too. ``reciprocated``: the
    arrivals' :func:`~hearth.analytics.rollups.first_reciprocated`, when read already."""
    start_at, end_at = window.start_at, window.end_at
    arrivals = [m for m in members if start_at <= m.requested_at < end_at]
    arriving = arrived(community, window)  # the same people, chosen in the database
    signed_up, first_post = {}, {}
    if arrivals:
        signed_up = dict(
            fast_rows.rows(User.objects.filter(pk__in=arriving).values_list("pk", "date_joined"))
        )
        first_post = rollups.first_posts(community, arriving)
        if reciprocated is None:
            reciprocated = rollups.first_reciprocated(community, arriving)
    reciprocated = reciprocated or {}
    journeys = [
        Journey(
            user=m.user,
            source=m.source,
            campaign=m.campaign,
            signed_up_at=signed_up[m.user],
            joined_at=m.joined_at,
            first_post_at=first_post.get(m.user),
            first_reciprocated_at=reciprocated.get(m.user) if m.user in first_post else None,
            active_days=frozenset(activity.get(m.user, ())),
        )
        for m in arrivals
    ]
    members_ids = {m.user for m in members}
    journeys += [
        Journey(a.user, a.source, a.campaign, a.signed_up_at, None, None, None, frozenset())
        for a in signups_in(community, window.start_at, window.end_at)
        if a.user not in members_ids
    ]
    visitors = visitors_by_source(community, window.start, window.end + DAY)
    if by_campaign:
        per_campaign = visitors_by_campaign(community, window.start, window.end + DAY)
        return funnel(visitors, journeys, visitors_by_campaign=per_campaign)
    return funnel(visitors, journeys)


def campaign_funnel(community: Community, window: Window) -> FunnelReport:
    """The funnel per (source, campaign) of the people who arrived in the window."""
    members = memberships(community)
    activity = rollups.active_days(community, window.start, timezone.now().date() + DAY)
    return funnel_report(community, window, members, activity, by_campaign=True)


def audience(community: Community, window: Window) -> Audience:
    return audience_figures(community, window.start, window.end + DAY)


# Relationships -------------------------------------------------------------------------


@dataclass(frozen=True)
class RelationshipRow:
    a: int
    b: int
    a_to_b: int
    b_to_a: int

    @property
    def total(self) -> int:
        return self.a_to_b + self.b_to_a

    @property
    def is_relationship(self) -> bool:
        return self.a_to_b >= 3 and self.b_to_a >= 3


def relationship_rows(pairs: rollups.ReportPairs) -> list[RelationshipRow]:
    """Reciprocated pairs, most interactions first, from the interactions of each ordered
    pair (every kind: a direct message counts, its content is never read)."""
    found, back = pairs.back
    kept = found & (pairs.actor < pairs.target)
    a, b, n, m = pairs.actor[kept], pairs.target[kept], pairs.total[kept], back[kept]
    order = np.lexsort((b, a, -(n + m)))
    return [
        RelationshipRow(*row)
        for row in zip(
            a[order].tolist(), b[order].tolist(), n[order].tolist(), m[order].tolist(), strict=True
        )
    ]
