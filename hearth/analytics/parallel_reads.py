"""Reads a dashboard computation starts at once, so the database works while Python does.

At 100,000 members the worker spends seconds waiting on a few large reads (the graph's
weighed edges, the previous window's pairs, the funnel's first reciprocated days) that
depend on nothing computed before them. :class:`Reads` starts them together: on
PostgreSQL outside a transaction each runs in a thread on a database connection of its own
(closed when it is done) while the calling thread computes; elsewhere (SQLite, or inside a
transaction, whose own writes another connection would not see) each runs on the calling
thread when its result is asked for. Either way a result is the read's own."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connection, connections

PARALLEL_READS = 3


class _Later:
    def __init__(self, read: Callable, args: tuple):
        self._read, self._args = read, args

    def result(self) -> Any:
        return self._read(*self._args)


def _on_own_connection(read: Callable, *args) -> Any:
    try:
        return read(*args)
    finally:
        connections.close_all()  # this thread's connections only


class Reads:
    """``with Reads() as reads: later = reads.start(read, *args) … later.result()``"""

    def __init__(self):
        parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
        self._pool = ThreadPoolExecutor(PARALLEL_READS) if parallel else None

    def __enter__(self) -> Reads:
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def start(self, read: Callable, *args):
        if self._pool is None:
            return _Later(read, args)
        return self._pool.submit(_on_own_connection, read, *args)
