"""The interaction graph's weighed edges over a window of days, from the rollups.

The database sums each pair's interactions per unordered pair and finds each member's last
post in each topic; the same-topic pairs are formed and merged with the interactions in
array arithmetic. At 100,000 members a window has ~140,000 (topic, member) rows giving
~480,000 same-topic pairs: joining and grouping them in PostgreSQL took ~1.2 s of its
time, longer than any other read of the dashboard, where the arrays take ~0.1 s."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.db import connection

from hearth.analytics import fast_rows
from hearth.analytics.graph import (
    CO_TOPIC_WEIGHT,
    CONVERSATION_WEIGHT,
    REACTION_WEIGHT,
    WeighedEdges,
    micros,
)
from hearth.analytics.models import PairDay, TopicMemberDay
from hearth.communities.models import Community
from hearth.core.lazy_import import lazy

np = lazy("numpy")  # loaded on first use: web processes never compute


def graph_edges(community: Community, start: date, end: date) -> WeighedEdges:
    """The edges over the days [start, end), one per unordered pair (``low`` < ``high``,
    in no particular order), with the latest interaction or same-topic post of the pair.
    The weight is that of :class:`~hearth.analytics.graph.PairActivity` for both
    directions, plus CO_TOPIC_WEIGHT for each topic both posted in; a pair's time in a
    topic is the later of their last posts there."""
    days = [community.pk, *(_day(d) for d in (start, end))]
    interactions = _interactions(days)
    together = _same_topic(days)
    return _summed(*(np.concatenate(parts) for parts in zip(interactions, together, strict=True)))


def _day(day: date):
    return PairDay._meta.get_field("day").get_db_prep_value(day, connection)


def _latest_micros() -> str:
    """The latest ``last_at`` of a group in microseconds since the epoch, exactly
    (PostgreSQL's epoch is numeric); SQLite's is text, read by :func:`_columns`."""
    if connection.vendor == "postgresql":
        return "(EXTRACT(EPOCH FROM MAX(last_at)) * 1000000)::bigint"
    return "MAX(last_at)"


def _columns(rows: list[tuple], width: int) -> list[np.ndarray]:
    """Integer columns of ``rows``; the last one, a time, in microseconds since the epoch
    (SQLite gives it as text)."""
    if connection.vendor != "postgresql":
        rows = [
            (*numbers, micros(datetime.fromisoformat(text).replace(tzinfo=UTC)))
            for *numbers, text in rows
        ]
    return fast_rows.int_columns(rows, width)


def _interactions(days: list) -> tuple[np.ndarray, ...]:
    """(low, high, weight, last) per unordered pair that interacted."""
    pairs = connection.ops.quote_name(PairDay._meta.db_table)
    sql = (
        "SELECT CASE WHEN actor_id < target_id THEN actor_id ELSE target_id END, "  # noqa: S608 - our table
        "CASE WHEN actor_id < target_id THEN target_id ELSE actor_id END, "
        f"SUM({CONVERSATION_WEIGHT} * (replies + mentions + accepts + messages) "
        f"+ {REACTION_WEIGHT} * reactions), {_latest_micros()} "
        f"FROM {pairs} WHERE community_id = %s AND day >= %s AND day < %s GROUP BY 1, 2"
    )
    return tuple(_columns(fast_rows.sql_rows(sql, days), 4))


def _same_topic(days: list) -> tuple[np.ndarray, ...]:
    """(low, high, weight, last) once per topic two members both posted in."""
    presence = connection.ops.quote_name(TopicMemberDay._meta.db_table)
    sql = (
        f"SELECT topic_id, user_id, {_latest_micros()} FROM {presence} "  # noqa: S608 - our table
        "WHERE community_id = %s AND day >= %s AND day < %s GROUP BY topic_id, user_id"
    )
    topic, user, last = _columns(fast_rows.sql_rows(sql, days), 3)
    order = np.lexsort((user, topic))
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


def _summed(low, high, weight, last) -> WeighedEdges:
    """One edge per (low, high): weights summed, the latest time kept."""
    if not len(low):
        return WeighedEdges(low, high, weight, last)
    order = np.lexsort((high, low))
    low, high, weight, last = low[order], high[order], weight[order], last[order]
    starts = np.flatnonzero(np.r_[True, (low[1:] != low[:-1]) | (high[1:] != high[:-1])])
    return WeighedEdges(
        low[starts],
        high[starts],
        np.add.reduceat(weight, starts),
        np.maximum.reduceat(last, starts),
    )
