"""Applying a batch of interaction events to the daily rollups (hearth/analytics/models.py):
the write side of :mod:`hearth.analytics.rollups`, which follows the event log and calls
:func:`apply_events` once per batch, in one transaction under the state's row lock.

Set-based: a batch's events are first aggregated in Python per day-table key (a member's
day, a pair's day, a verb's day, a member's day in a topic), then each table gets one
``INSERT … ON CONFLICT DO UPDATE`` per chunk of keys that *adds* the batch's counts to the
stored ones and keeps the later ``last_at`` (``GREATEST`` on PostgreSQL, ``MAX`` on
SQLite): no row is read back, so applying N batches costs what their distinct keys cost.
The facts (a member's first posts and first reply, a thread's first response, an idea's
first official response) are merged "earliest wins" in event order, so they are loaded for
the batch's members and topics, merged in Python, and the new or changed ones written back
with one upsert per table. Applying the same events in any batching gives the same rows
(the tests compare every row of every table).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice

from django.db import connection, models

from hearth.analytics.metrics import POST_VERBS
from hearth.analytics.models import (
    AcceptDecision,
    IdeaFact,
    IdeaShipped,
    MemberDay,
    MemberFact,
    PairDay,
    ThreadFact,
    ThreadKind,
    TopicMemberDay,
    VerbDay,
)

PAIR_FIELDS = {
    "post.reply": "replies",
    "post.mention": "mentions",
    "post.react": "reactions",
    "answer.accept": "accepts",
    "message.send": "messages",
}
PAIR_COUNTS = tuple(PAIR_FIELDS.values())
CHUNK_PARAMS = 30_000  # parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535


@dataclass(slots=True)
class _Member:
    user_id: int
    first_post_at: datetime
    second_post_at: datetime | None = None
    first_reply_at: datetime | None = None
    changed: bool = False


@dataclass(slots=True)
class _Thread:
    event_id: int
    kind: str
    topic_id: int
    author_id: int | None
    started_at: datetime
    first_response_at: datetime | None = None
    changed: bool = False


@dataclass(slots=True)
class _Idea:
    event_id: int
    topic_id: int
    author_id: int | None
    proposed_at: datetime
    first_response_at: datetime | None = None
    changed: bool = False


def _topic(verb_object_id: int | None, data: dict) -> int | None:
    return data.get("topic", verb_object_id)


def apply_events(community_id: int, batch: list[tuple]) -> None:
    """Add one batch of events (tuples of ``event_cursor.EVENT_ROW_FIELDS``, in id order)
    to the community's rollups."""
    if connection.vendor == "postgresql":
        # Derived rows, committed with the state's watermark: a crash that loses this
        # commit loses both, and the next run applies the batch again. So the commit
        # need not wait for the disk (a full rebuild commits hundreds of batches).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    events = [
        (pk, at, verb, actor, target, _topic(object_id, data or {}), data or {})
        for pk, at, verb, actor, target, object_id, data in batch
    ]
    post_users = {e[3] for e in events if e[2] in POST_VERBS and e[3] is not None}
    reply_targets = {e[4] for e in events if e[2] == "post.reply" and e[4] is not None}
    member_facts = {
        row[0]: _Member(*row)
        for row in MemberFact.objects.filter(
            community_id=community_id, user_id__in=post_users | reply_targets
        ).values_list("user_id", "first_post_at", "second_post_at", "first_reply_at")
    }
    thread_topics = {e[5] for e in events if e[2] == "post.reply" and e[5] is not None}
    threads: dict[int, list[_Thread]] = defaultdict(list)
    for row in ThreadFact.objects.filter(
        community_id=community_id, topic_id__in=thread_topics
    ).values_list("event_id", "kind", "topic_id", "author_id", "started_at", "first_response_at"):
        threads[row[2]].append(_Thread(*row))
    idea_topics = {e[5] for e in events if e[2] == "idea.status" and e[5] is not None}
    ideas: dict[int, list[_Idea]] = defaultdict(list)
    for row in IdeaFact.objects.filter(
        community_id=community_id, topic_id__in=idea_topics
    ).values_list("event_id", "topic_id", "author_id", "proposed_at", "first_response_at"):
        ideas[row[1]].append(_Idea(*row))

    member_days: dict[tuple, list[int]] = {}  # (day, user) -> [events, posts, contributions]
    pair_days: dict[tuple, list] = {}  # (day, actor, target) -> [*PAIR_COUNTS, last_at]
    verb_days: dict[tuple, int] = defaultdict(int)
    presence: dict[tuple, datetime] = {}
    new_threads: list[_Thread] = []
    new_ideas: list[_Idea] = []
    decisions, shipped = [], []
    pair_slot = {verb: i for i, verb in enumerate(PAIR_FIELDS)}

    for pk, at, verb, actor, target, topic, data in events:
        day = at.astimezone(UTC).date()
        verb_days[day, verb] += 1
        is_post = verb in POST_VERBS
        if actor is not None:
            counts = member_days.get((day, actor))
            if counts is None:
                counts = member_days[day, actor] = [0, 0, 0]
            counts[0] += 1
            if is_post:
                counts[1] += 1
            if verb == "idea.propose" or (
                verb == "post.reply" and _answers(threads.get(topic, ()), actor, at)
            ):
                counts[2] += 1
        if verb in pair_slot and actor is not None and target is not None and actor != target:
            key = (day, actor, target)
            row = pair_days.get(key)
            if row is None:
                row = pair_days[key] = [0, 0, 0, 0, 0, at]
            row[pair_slot[verb]] += 1
            if at > row[5]:
                row[5] = at
        if is_post and actor is not None:
            if topic is not None:
                key = (day, topic, actor)
                if key not in presence or at > presence[key]:
                    presence[key] = at
            fact = member_facts.get(actor)
            if fact is None:
                member_facts[actor] = _Member(actor, at, changed=True)
            else:
                _merge_post(fact, at)
        if verb == "post.reply" and actor is not None:
            if target is not None and target != actor:
                fact = member_facts.get(target)
                if (
                    fact is not None
                    and fact.first_post_at <= at
                    and _earlier(at, fact.first_reply_at)
                ):
                    fact.first_reply_at = at
                    fact.changed = True
            for thread in threads.get(topic, ()):
                if (
                    thread.author_id != actor
                    and thread.started_at <= at
                    and _earlier(at, thread.first_response_at)
                ):
                    thread.first_response_at = at
                    thread.changed = True
        if topic is not None and (
            verb == "question.ask" or (verb == "topic.create" and data.get("kind") != "questions")
        ):
            thread = _Thread(
                pk,
                (ThreadKind.QUESTION if verb == "question.ask" else ThreadKind.TOPIC).value,
                topic,
                actor,
                at,
                changed=True,
            )
            threads[topic].append(thread)
            new_threads.append(thread)
        if verb in ("answer.accept", "answer.unaccept") and topic is not None:
            decisions.append(
                AcceptDecision(
                    community_id=community_id,
                    event_id=pk,
                    topic_id=topic,
                    at=at,
                    accepted=verb == "answer.accept",
                    answerer_id=target,
                )
            )
        if verb == "idea.propose" and topic is not None:
            idea = _Idea(pk, topic, actor, at, changed=True)
            ideas[topic].append(idea)
            new_ideas.append(idea)
        if verb == "idea.status" and topic is not None:
            if data.get("responded"):
                for idea in ideas.get(topic, ()):
                    if idea.proposed_at <= at and _earlier(at, idea.first_response_at):
                        idea.first_response_at = at
                        idea.changed = True
            if data.get("to") == "shipped":
                shipped.append(
                    IdeaShipped(community_id=community_id, event_id=pk, topic_id=topic, at=at)
                )

    _save_facts(community_id, member_facts, threads, ideas)
    AcceptDecision.objects.bulk_create(decisions, ignore_conflicts=True)
    IdeaShipped.objects.bulk_create(shipped, ignore_conflicts=True)
    add_day_rows(
        MemberDay,
        community_id,
        ("day", "user_id"),
        member_days,
        counts=("events", "posts", "contributions"),
    )
    add_day_rows(
        PairDay,
        community_id,
        ("day", "actor_id", "target_id"),
        pair_days,
        counts=PAIR_COUNTS,
        latest="last_at",
    )
    add_day_rows(
        VerbDay, community_id, ("day", "verb"), {k: (n,) for k, n in verb_days.items()},
        counts=("count",),
    )  # fmt: skip
    add_day_rows(
        TopicMemberDay,
        community_id,
        ("day", "topic_id", "user_id"),
        {key: (at,) for key, at in presence.items()},
        latest="last_at",
    )


def _answers(facts, actor: int, at: datetime) -> bool:
    """A reply by ``actor`` at ``at`` answers someone else's question (PRODUCT.md, the
    contributor ladder): the topic is a question asked, before the reply, by another."""
    return any(
        f.kind == ThreadKind.QUESTION and f.author_id != actor and f.started_at <= at for f in facts
    )


def _earlier(at: datetime, current: datetime | None) -> bool:
    return current is None or at < current


def _merge_post(fact: _Member, at: datetime) -> None:
    """Keep the earliest two post times (after a member's second post they never change,
    so the fact is not rewritten)."""
    if at < fact.first_post_at:
        fact.first_post_at, fact.second_post_at = at, fact.first_post_at
        fact.changed = True
    elif fact.second_post_at is None or at < fact.second_post_at:
        fact.second_post_at = at
        fact.changed = True


def _save_facts(community_id: int, member_facts, threads, ideas) -> None:
    """Write the new and changed facts: one upsert per table, keyed by its unique key."""
    members = [f for f in member_facts.values() if f.changed]
    upsert(
        MemberFact,
        ("community", "user_id", "first_post_at", "second_post_at", "first_reply_at"),
        [
            (community_id, f.user_id, f.first_post_at, f.second_post_at, f.first_reply_at)
            for f in members
        ],
        conflict=("community", "user_id"),
        replace=("first_post_at", "second_post_at", "first_reply_at"),
    )
    upsert(
        ThreadFact,
        ("community", "event_id", "kind", "topic_id", "author_id", "started_at",
         "first_response_at"),
        [
            (community_id, f.event_id, f.kind, f.topic_id, f.author_id, f.started_at,
             f.first_response_at)
            for facts in threads.values() for f in facts if f.changed
        ],
        conflict=("community", "event_id"),
        replace=("first_response_at",),
    )  # fmt: skip
    upsert(
        IdeaFact,
        ("community", "event_id", "topic_id", "author_id", "proposed_at", "first_response_at"),
        [
            (community_id, f.event_id, f.topic_id, f.author_id, f.proposed_at,
             f.first_response_at)
            for facts in ideas.values() for f in facts if f.changed
        ],
        conflict=("community", "event_id"),
        replace=("first_response_at",),
    )  # fmt: skip


def add_day_rows(
    model: type[models.Model],
    community_id: int,
    keys: tuple[str, ...],
    rows: dict[tuple, tuple | list | dict],
    *,
    counts: tuple[str, ...] = (),
    latest: str | None = None,
) -> None:
    """Add a batch's ``counts`` to the day table's rows with these ``keys`` (and keep the
    later ``latest`` time), creating the rows that do not exist yet: one additive upsert
    per chunk, no read. Each value of ``rows`` holds the counts in ``counts`` order, then
    the ``latest`` time (or is a dict by field name)."""
    if not rows:
        return
    fields = ("community", *keys, *counts, *((latest,) if latest else ()))
    values = []
    for key, row in rows.items():
        if isinstance(row, dict):
            row = [row.get(name, 0) for name in counts] + ([row[latest]] if latest else [])
        values.append((community_id, *key, *row))
    upsert(model, fields, values, conflict=("community", *keys), add=counts, keep_latest=latest)


def upsert(
    model: type[models.Model],
    fields: tuple[str, ...],
    rows: list[tuple],
    *,
    conflict: tuple[str, ...],
    add: tuple[str, ...] = (),
    keep_latest: str | None = None,
    replace: tuple[str, ...] = (),
) -> None:
    """``INSERT rows ON CONFLICT (conflict) DO UPDATE``: the ``add`` columns get the new
    value added, ``keep_latest`` keeps the later of the two, ``replace`` takes the new one.
    Works on PostgreSQL and SQLite (3.24+); values go through the fields' own adaptation,
    so they are stored exactly as the ORM would store them."""
    if not rows:
        return
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    model_fields = [meta.get_field(name) for name in fields]
    columns = [connection.ops.quote_name(f.column) for f in model_fields]
    column = {name: columns[i] for i, name in enumerate(fields)}
    target = ", ".join(connection.ops.quote_name(meta.get_field(n).column) for n in conflict)
    assignments = [f"{column[n]} = {table}.{column[n]} + EXCLUDED.{column[n]}" for n in add]
    if keep_latest:
        later = "GREATEST" if connection.vendor == "postgresql" else "MAX"
        c = column[keep_latest]
        assignments.append(f"{c} = {later}({table}.{c}, EXCLUDED.{c})")
    assignments += [f"{column[n]} = EXCLUDED.{column[n]}" for n in replace]
    action = f"DO UPDATE SET {', '.join(assignments)}" if assignments else "DO NOTHING"
    if connection.vendor == "postgresql":
        _insert_arrays(table, columns, model_fields, rows, target, action)
    else:
        _insert_values(table, columns, model_fields, rows, target, action)


def _insert_arrays(table, columns, model_fields, rows, target, action) -> None:
    """PostgreSQL: one statement whose parameters are one array per column (``unnest``),
    so neither the statement nor its parsing grows with the rows."""
    casts = [
        f"%s::{f.rel_db_type(connection) if f.is_relation else f.db_type(connection)}[]"
        for f in model_fields
    ]
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - names from the meta
        f"SELECT * FROM unnest({', '.join(casts)}) ON CONFLICT ({target}) {action}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_array_literal(column) for column in zip(*rows, strict=True)])


def _array_literal(values) -> str:
    """A PostgreSQL array literal of ints, strings, dates or aware datetimes (None is NULL):
    built here because the driver's array adapter walks every element in Python, several
    times slower than joining strings."""
    first = next((v for v in values if v is not None), None)
    if isinstance(first, int) and not isinstance(first, bool):
        items = ("NULL" if v is None else str(v) for v in values)
    elif isinstance(first, date | datetime):  # isoformat has no quotes, commas or spaces
        items = ("NULL" if v is None else v.isoformat() for v in values)
    else:
        items = (
            "NULL" if v is None else '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
            for v in values
        )
    return "{" + ",".join(items) + "}"


def _insert_values(table, columns, model_fields, rows, target, action) -> None:
    """SQLite: multi-row VALUES in chunks, each value adapted as the ORM stores it (dates
    and times are text there)."""
    adapt = [
        i
        for i, f in enumerate(model_fields)
        if not isinstance(f, models.IntegerField | models.ForeignKey | models.CharField)
    ]
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_statement = max(1, CHUNK_PARAMS // len(columns))
    it = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(islice(it, per_statement)):
            params = []
            for row in chunk:
                if adapt:
                    row = list(row)
                    for i in adapt:
                        if row[i] is not None:
                            row[i] = model_fields[i].get_db_prep_save(row[i], connection)
                params.extend(row)
            # Names come from the model's meta, quoted; every value is a parameter.
            sql = (
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608
                f"{', '.join([placeholder] * len(chunk))} ON CONFLICT ({target}) {action}"
            )
            cursor.execute(sql, params)
