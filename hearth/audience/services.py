"""Writes of the audience tables: adding a batch of page views to the day aggregates, and
pruning old visitor hashes.

Page views are not interactions, so no interaction event is recorded for them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

from django.db import connection, models, transaction

from hearth.audience.models import (
    AudienceDay,
    ReferrerDay,
    SourceVisitDay,
    TopicViewDay,
    VisitorDay,
)
from hearth.audience.recording import PageView
from hearth.communities.models import Community
from hearth.qa.models import Question

# Rows per INSERT: far below SQLite's and PostgreSQL's bound-parameter limits.
CHUNK = 500


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    return [connection.ops.quote_name(model._meta.get_field(f).column) for f in fields]


def _chunks(rows: list[tuple], size: int = CHUNK) -> Iterable[list[tuple]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _values(rows: list[tuple]) -> tuple[str, list]:
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(rows[0])) + ")"] * len(rows))
    adapt = connection.ops.adapt_datefield_value
    params = [adapt(v) if isinstance(v, date) else v for row in rows for v in row]
    return placeholders, params


def _insert_new(model, fields: Sequence[str], rows: list[tuple]) -> list[tuple]:
    """Insert the rows that are not there yet (by the model's unique constraint on
    ``fields``) and return the first two columns of those actually inserted. Under
    concurrent flushes each row is inserted, and so returned, exactly once."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = _columns(model, fields)
    inserted: list[tuple] = []
    with connection.cursor() as cursor:
        for chunk in _chunks(rows):
            values, params = _values(chunk)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values} "  # noqa: S608
                f"ON CONFLICT ({', '.join(columns)}) DO NOTHING "
                f"RETURNING {columns[0]}, {columns[1]}",
                params,
            )
            inserted.extend(cursor.fetchall())
    return inserted


def _add_counts(model, keys: Sequence[str], counts: Sequence[str], rows: list[tuple]) -> None:
    """Upsert rows of ``keys + counts``, adding the counts to an existing row's (never
    overwriting them, so concurrent flushes add up)."""
    table = connection.ops.quote_name(model._meta.db_table)
    key_columns = _columns(model, keys)
    count_columns = _columns(model, counts)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in count_columns)
    with connection.cursor() as cursor:
        for chunk in _chunks(rows):
            values, params = _values(chunk)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(key_columns + count_columns)}) "  # noqa: S608
                f"VALUES {values} ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {updates}",
                params,
            )


def question_views(views: Sequence[PageView]) -> Counter:
    """Views of questions by anyone but the asker, by (community, day, topic), from a
    batch: one query for the askers of the topics viewed. A view of a topic that is not a
    question of that community, or by its asker, is not counted; a signed-out view is."""
    viewed = Counter((v.community_id, v.day, v.topic_id, v.viewer_id) for v in views if v.topic_id)
    if not viewed:
        return Counter()
    askers = {
        (community_id, topic_id): asker_id or 0
        for topic_id, community_id, asker_id in Question.objects.filter(
            topic_id__in={key[2] for key in viewed}
        ).values_list("topic_id", "community_id", "asker_id")
    }
    counted: Counter = Counter()
    for (community_id, day, topic_id, viewer_id), n in viewed.items():
        asker_id = askers.get((community_id, topic_id))
        if asker_id is None or (viewer_id and viewer_id == asker_id):
            continue
        counted[(community_id, day, topic_id)] += n
    return counted


def page_views_save(views: Sequence[PageView]) -> None:
    """Add a batch of page views to the day tables in one transaction.

    Rows go in sorted key order so that two flushes on PostgreSQL lock rows in the same
    order and wait for each other instead of deadlocking. Views of communities deleted
    since they were recorded are dropped.
    """
    existing = set(
        Community.objects.filter(pk__in={v.community_id for v in views}).values_list(
            "pk", flat=True
        )
    )
    views = [v for v in views if v.community_id in existing]
    if not views:
        return
    page_views = Counter((v.community_id, v.day) for v in views)
    visitors = sorted({(v.community_id, v.day, v.visitor_hash) for v in views})
    referrers = Counter((v.community_id, v.day, v.referrer_host) for v in views if v.referrer_host)
    sources = sorted(
        {(v.community_id, v.day, v.source, v.campaign, v.visitor_hash) for v in views if v.source}
    )
    questions = question_views(views)
    with transaction.atomic():
        # The day's visitor count grows by the visitors this flush inserted first.
        new_visitors = Counter(
            (community_id, str(day))
            for community_id, day in _insert_new(
                VisitorDay, ["community", "day", "visitor_hash"], visitors
            )
        )
        if sources:
            _insert_new(
                SourceVisitDay, ["community", "day", "source", "campaign", "visitor_hash"], sources
            )
        _add_counts(
            AudienceDay,
            ["community", "day"],
            ["page_views", "visitors"],
            [
                (community_id, day, n, new_visitors[(community_id, str(day))])
                for (community_id, day), n in sorted(page_views.items())
            ],
        )
        if referrers:
            _add_counts(
                ReferrerDay,
                ["community", "day", "host"],
                ["views"],
                [(*key, n) for key, n in sorted(referrers.items())],
            )
        if questions:
            _add_counts(
                TopicViewDay,
                ["community", "day", "topic"],
                ["views"],
                [(*key, n) for key, n in sorted(questions.items())],
            )


def visitor_hashes_prune(*, before: date) -> int:
    """Delete the visitor hashes of days before ``before``; the daily totals stay.
    Returns the number of rows deleted."""
    with transaction.atomic():
        visitors, _ = VisitorDay.objects.filter(day__lt=before).delete()
        sources, _ = SourceVisitDay.objects.filter(day__lt=before).delete()
    return visitors + sources
