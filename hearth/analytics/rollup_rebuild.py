"""A full rebuild of a community's rollups inside PostgreSQL: each rollup table is one
``INSERT … SELECT`` over the event log, where replaying it (rollup_writes.py) moves every
event through Python in batches. It writes exactly the rows the replay writes — the
tests compare every row of every table, on logs whose ids are not in time order too —
so each statement below states the replay's rule in SQL:

- The replay reads ``data["topic"]`` if the key is there (even null), else the object id;
  a ``data`` that is JSON null counts as ``{}``. ``data["responded"]`` counts when
  Python finds it true (not null, false, 0, "", [] or {}).
- A fact is known to the events after the one that made it, in id order: a reply answers
  a question (the member's contribution) or responds to a thread only if the question or
  thread started with a lower event id and no later than the reply; a reply welcomes a
  member only after a post of theirs with a lower id and no later time; an official
  response answers an idea proposed with a lower id, no later.

SQLite replays (:func:`hearth.analytics.rollups.update`)."""

# ruff: noqa: S608 - every statement is built from this module's constants and the models'
# meta; the only values (the community, the last event) are parameters.
from __future__ import annotations

from django.db import connection

from hearth.analytics.models import (
    AcceptDecision,
    IdeaFact,
    IdeaShipped,
    MemberDay,
    MemberFact,
    PairDay,
    ThreadFact,
    TopicMemberDay,
    VerbDay,
)
from hearth.analytics.rollup_writes import PAIR_FIELDS
from hearth.core.models import InteractionEvent

EVENTS = "rollup_rebuild_events"  # a temporary table, dropped at commit
POSTS = "('topic.create', 'post.reply')"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns(model, *names: str) -> str:
    return ", ".join(
        connection.ops.quote_name(model._meta.get_field(name).column) for name in names
    )


def _insert(model, names: tuple[str, ...], select: str) -> str:
    return f"INSERT INTO {_table(model)} ({_columns(model, 'community', *names)}) {select}"


def _events_table() -> str:
    return (
        f"CREATE TEMPORARY TABLE {EVENTS} ON COMMIT DROP AS "
        "SELECT id, created_at AS at, (created_at AT TIME ZONE 'UTC')::date AS day, verb, "
        "actor_id AS actor, target_user_id AS target, "
        "CASE WHEN data ? 'topic' THEN (data ->> 'topic')::bigint ELSE object_id END AS topic, "
        "verb = 'topic.create' AND (data ->> 'kind') IS DISTINCT FROM 'questions' AS starts_topic, "
        "verb = 'idea.status' AND COALESCE(data -> 'responded', 'null') NOT IN ('null'::jsonb, "
        "'false'::jsonb, '0'::jsonb, '\"\"'::jsonb, '[]'::jsonb, '{}'::jsonb) AS responded, "
        "verb = 'idea.status' AND (data ->> 'to') = 'shipped' AS shipped "
        f"FROM {_table(InteractionEvent)} WHERE community_id = %s AND id <= %s"
    )


INDEXES = (
    f"CREATE INDEX ON {EVENTS} (topic, id) WHERE verb = 'question.ask'",
    f"CREATE INDEX ON {EVENTS} (topic) WHERE verb = 'post.reply'",
    f"CREATE INDEX ON {EVENTS} (target) WHERE verb = 'post.reply'",
    f"CREATE INDEX ON {EVENTS} (actor, id) WHERE verb IN {POSTS}",
    f"CREATE INDEX ON {EVENTS} (topic) WHERE verb = 'idea.status'",
    f"ANALYZE {EVENTS}",
)


def _statements() -> list[str]:
    pair_counts = ", ".join(f"COUNT(*) FILTER (WHERE verb = '{verb}')" for verb in PAIR_FIELDS)
    pair_verbs = ", ".join(f"'{verb}'" for verb in PAIR_FIELDS)
    return [
        _insert(
            VerbDay,
            ("day", "verb", "count"),
            f"SELECT %s, day, verb, COUNT(*) FROM {EVENTS} GROUP BY day, verb",
        ),
        _insert(
            MemberDay,
            ("day", "user_id", "events", "posts", "contributions"),
            f"SELECT %s, day, actor, COUNT(*), COUNT(*) FILTER (WHERE verb IN {POSTS}), "
            "COUNT(*) FILTER (WHERE verb = 'idea.propose' OR (verb = 'post.reply' AND EXISTS ("
            f"SELECT 1 FROM {EVENTS} q WHERE q.verb = 'question.ask' AND q.topic = e.topic "
            "AND q.id < e.id AND q.at <= e.at AND q.actor IS DISTINCT FROM e.actor))) "
            f"FROM {EVENTS} e WHERE actor IS NOT NULL GROUP BY day, actor",
        ),
        _insert(
            PairDay,
            ("day", "actor_id", "target_id", *PAIR_FIELDS.values(), "last_at"),
            f"SELECT %s, day, actor, target, {pair_counts}, MAX(at) FROM {EVENTS} "
            f"WHERE verb IN ({pair_verbs}) AND actor IS NOT NULL AND target IS NOT NULL "
            "AND actor <> target GROUP BY day, actor, target",
        ),
        _insert(
            TopicMemberDay,
            ("day", "topic_id", "user_id", "last_at"),
            f"SELECT %s, day, topic, actor, MAX(at) FROM {EVENTS} WHERE verb IN {POSTS} "
            "AND actor IS NOT NULL AND topic IS NOT NULL GROUP BY day, topic, actor",
        ),
        _insert(
            MemberFact,
            ("user_id", "first_post_at", "second_post_at", "first_reply_at"),
            "SELECT %s, p.actor, p.first, p.second, ("
            f"SELECT MIN(r.at) FROM {EVENTS} r WHERE r.verb = 'post.reply' "
            "AND r.target = p.actor AND r.actor IS NOT NULL AND r.actor <> p.actor AND EXISTS ("
            f"SELECT 1 FROM {EVENTS} q WHERE q.verb IN {POSTS} AND q.actor = p.actor "
            "AND q.id < r.id AND q.at <= r.at)) "
            "FROM (SELECT actor, MIN(at) FILTER (WHERE n = 1) AS first, "
            "MIN(at) FILTER (WHERE n = 2) AS second FROM ("
            "SELECT actor, at, ROW_NUMBER() OVER (PARTITION BY actor ORDER BY at) AS n "
            f"FROM {EVENTS} WHERE verb IN {POSTS} AND actor IS NOT NULL) ranked "
            "WHERE n <= 2 GROUP BY actor) p",
        ),
        _insert(
            ThreadFact,
            ("event_id", "kind", "topic_id", "author_id", "started_at", "first_response_at"),
            "SELECT %s, t.id, CASE WHEN t.verb = 'question.ask' THEN 'question' ELSE 'topic' "
            "END, t.topic, t.actor, t.at, ("
            f"SELECT MIN(r.at) FROM {EVENTS} r WHERE r.verb = 'post.reply' AND r.topic = t.topic "
            "AND r.actor IS NOT NULL AND r.actor IS DISTINCT FROM t.actor AND r.id > t.id "
            f"AND r.at >= t.at) FROM {EVENTS} t WHERE t.topic IS NOT NULL "
            "AND (t.verb = 'question.ask' OR t.starts_topic)",
        ),
        _insert(
            IdeaFact,
            ("event_id", "topic_id", "author_id", "proposed_at", "first_response_at"),
            "SELECT %s, i.id, i.topic, i.actor, i.at, ("
            f"SELECT MIN(s.at) FROM {EVENTS} s WHERE s.verb = 'idea.status' AND s.responded "
            "AND s.topic = i.topic AND s.id > i.id AND s.at >= i.at) "
            f"FROM {EVENTS} i WHERE i.verb = 'idea.propose' AND i.topic IS NOT NULL",
        ),
        _insert(
            AcceptDecision,
            ("event_id", "topic_id", "at", "accepted", "answerer_id"),
            f"SELECT %s, id, topic, at, verb = 'answer.accept', target FROM {EVENTS} "
            "WHERE verb IN ('answer.accept', 'answer.unaccept') AND topic IS NOT NULL",
        ),
        _insert(
            IdeaShipped,
            ("event_id", "topic_id", "at"),
            f"SELECT %s, id, topic, at FROM {EVENTS} WHERE shipped AND topic IS NOT NULL",
        ),
    ]


def rebuild_in_database(community_id: int, last_event_id: int) -> None:
    """Write the community's rollups of its events up to ``last_event_id`` into empty
    rollup tables. Call inside a transaction (the events' table is dropped at commit)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64MB'")  # the groupings stay in memory
        # Left by an earlier rebuild in the same outer transaction (an import, the demo).
        cursor.execute(f"DROP TABLE IF EXISTS {EVENTS}")
        cursor.execute(_events_table(), [community_id, last_event_id])
        for sql in INDEXES:
            cursor.execute(sql)
        for sql in _statements():
            cursor.execute(sql, [community_id])
