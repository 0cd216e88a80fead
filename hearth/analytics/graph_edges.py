"""The interaction graph's weighed edges over a window of days, from the rollups.

The database sums each ordered pair's interactions and finds each member's last post in
each topic; the pairs of both directions and the same-topic pairs are formed and merged in
array arithmetic. At 100,000 members a window has ~140,000 (topic, member) rows giving
~480,000 same-topic pairs: joining and grouping them in PostgreSQL took ~1.2 s of its
time, longer than any other read of the dashboard, where the arrays take ~0.1 s.

The ordered pairs are the ones the window's health report reads (:func:`window_pairs`):
the dashboard reads them once for both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import BigIntegerField, F, Max, Sum

from hearth.analytics import fast_rows, rollups
from hearth.analytics.graph import (
    CO_TOPIC_WEIGHT,
    CONVERSATION_WEIGHT,
    REACTION_WEIGHT,
    WeighedEdges,
    pair_order,
)
from hearth.analytics.models import TopicMemberDay
from hearth.analytics.rollup_writes import PAIR_FIELDS
from hearth.communities.models import Community
from hearth.core.lazy_import import lazy

np = lazy("numpy")  # loaded on first use: web processes never compute


class LatestMicros(Max):
    """A group's latest time in microseconds since the Unix epoch, exactly: an integer
    per row instead of a datetime object to make and convert."""

    output_field = BigIntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return f"(EXTRACT(EPOCH FROM {sql}) * 1000000)::bigint", params  # numeric: exact

    def as_sqlite(self, compiler, connection, **extra):
        # Django keeps a time in SQLite as UTC text: "YYYY-MM-DD HH:MM:SS[.ffffff]".
        sql, params = super().as_sql(compiler, connection, **extra)
        seconds = f"CAST(strftime('%%s', {sql}) AS INTEGER) * 1000000"
        return f"({seconds} + CAST(substr({sql}, 21, 6) AS INTEGER))", [*params, *params]


@dataclass(frozen=True)
class WindowPairs:
    """The window's ordered pairs, read once: what the health report keeps of them, and
    each pair's graph weight and latest moment (microseconds since the epoch)."""

    report: rollups.ReportPairs
    weight: np.ndarray
    last: np.ndarray


def window_pairs(community: Community, start: date, end: date) -> WindowPairs:
    """The ordered pairs over the days [start, end), each direction weighed as
    :class:`~hearth.analytics.graph.PairActivity` weighs it."""
    f = {name: F(name) for name in PAIR_FIELDS.values()}
    conversation = f["replies"] + f["mentions"] + f["accepts"] + f["messages"]
    rows = fast_rows.rows(
        rollups.report_pairs_query(community, start, end).annotate(
            weight=Sum(CONVERSATION_WEIGHT * conversation + REACTION_WEIGHT * f["reactions"]),
            last=LatestMicros("last_at"),
        )
    )
    *report, weight, last = fast_rows.int_columns(rows, 7)
    return WindowPairs(rollups.ReportPairs(*report), weight, last)


def same_topic(community: Community, start: date, end: date) -> tuple[np.ndarray, ...]:
    """(low, high, weight, last) once per topic two members both posted in over the days
    [start, end); a pair's time in a topic is the later of their last posts there."""
    rows = fast_rows.rows(
        TopicMemberDay.objects.filter(community_id=community.pk, day__gte=start, day__lt=end)
        .order_by()
        .values_list("topic_id", "user_id")
        .annotate(last=LatestMicros("last_at"))
    )
    topic, user, last = fast_rows.int_columns(rows, 3)
    order = pair_order(topic, user)
    topic, user, last = topic[order], user[order], last[order]
    # Each row pairs with the rows after it in its topic: a topic of k posters gives
    # k(k - 1)/2 pairs, the lower id first (users are sorted within a topic).
    n = len(topic)
    if not n:
        return (np.zeros(0, dtype=np.int64),) * 4
    starts = np.flatnonzero(np.r_[True, topic[1:] != topic[:-1]])
    ends = np.repeat(np.r_[starts[1:], n], np.diff(np.r_[starts, n]))
    after = ends - np.arange(n) - 1
    first = np.repeat(np.arange(n), after)
    second = first + 1 + np.arange(len(first)) - np.repeat(np.cumsum(after) - after, after)
    return (
        user[first],
        user[second],
        np.full(len(first), CO_TOPIC_WEIGHT, dtype=np.int64),
        np.maximum(last[first], last[second]),
    )


def weighed_edges(pairs: WindowPairs, together: tuple[np.ndarray, ...]) -> WeighedEdges:
    """One edge per unordered pair (``low`` < ``high``, in no particular order): the
    weights of both directions and of every topic both posted in summed, the latest
    moment kept."""
    actor, target = pairs.report.actor, pairs.report.target
    interactions = (np.minimum(actor, target), np.maximum(actor, target), pairs.weight, pairs.last)
    return _summed(*(np.concatenate(parts) for parts in zip(interactions, together, strict=True)))


def graph_edges(community: Community, start: date, end: date) -> WeighedEdges:
    """The edges over the days [start, end) (:func:`weighed_edges`)."""
    return weighed_edges(window_pairs(community, start, end), same_topic(community, start, end))


def _summed(low, high, weight, last) -> WeighedEdges:
    """One edge per (low, high): weights summed, the latest time kept."""
    if not len(low):
        return WeighedEdges(low, high, weight, last)
    order = pair_order(low, high)
    low, high, weight, last = low[order], high[order], weight[order], last[order]
    starts = np.flatnonzero(np.r_[True, (low[1:] != low[:-1]) | (high[1:] != high[:-1])])
    return WeighedEdges(
        low[starts],
        high[starts],
        np.add.reduceat(weight, starts),
        np.maximum.reduceat(last, starts),
    )
