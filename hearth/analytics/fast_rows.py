"""Reading the hundreds of thousands of rows a large community's dashboard needs, on
PostgreSQL, with the driver's own C loaders.

Django parses every time with a time zone through a Python loader of its own (≈10 µs a
value: at 100,000 members most of a dashboard's reading) and passes every aggregate
through a Python converter. For the rows read here they give nothing the driver does not:
times come back in the connection's zone (UTC), aggregates are integer sums, dates and
text need no conversion. So these reads run the queryset's SQL through Django's cursor
(counted, logged, wrapped as any query) with the driver's C loader for times, on that
cursor only. Elsewhere (SQLite) they are the queryset itself."""

from __future__ import annotations

from itertools import chain

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from hearth.core.lazy_import import lazy

np = lazy("numpy")  # loaded on first use: web processes never compute


def _register_c_loader(cursor) -> None:
    import psycopg
    from psycopg import postgres

    timestamptz = postgres.types["timestamptz"].oid
    cursor.cursor.adapters.register_loader(
        timestamptz, psycopg.adapters.get_loader(timestamptz, psycopg.pq.Format.TEXT)
    )


def rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a ``values_list`` queryset whose columns are integers, integer sums,
    text, dates, booleans or times, in the queryset's column order."""
    if connection.vendor != "postgresql":
        return list(queryset)
    query = queryset.query
    fields = list(queryset._fields)
    selected = [*query.extra_select, *query.values_select, *query.annotation_select]
    if fields and fields != selected[: len(fields)]:
        raise ValueError(f"columns {fields} are not selected in this order: {selected}")
    try:
        sql, params = query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return []
    with connection.cursor() as cursor:
        _register_c_loader(cursor)
        cursor.execute(sql, params)
        return cursor.fetchall()


def sql_rows(sql: str, params: list) -> list[tuple]:
    """The rows of a statement, times loaded by the driver's C loader on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _register_c_loader(cursor)
        cursor.execute(sql, params)
        return cursor.fetchall()


def int_columns(rows: list[tuple], width: int) -> list[np.ndarray]:
    """The columns of ``rows``, each row ``width`` integers, as int64 arrays."""
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=width * len(rows))
    return list(flat.reshape(len(rows), width).T)
