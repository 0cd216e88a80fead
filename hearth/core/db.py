"""What a database that is locked or out of reach means for a request.

Two rules: a page that only reads still renders when a bookkeeping write on the way fails
(``best_effort``), and a request that cannot be served because the database is busy or
gone answers 503 with ``Retry-After`` (``is_database_unavailable``, used by
``hearth.core.middleware.DatabaseUnavailableMiddleware``), never a 500.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction

from hearth.core import replica

logger = logging.getLogger(__name__)

# What a client is told to wait: SQLite locks are held for a moment (a backup, a long
# command), and a PostgreSQL failover takes seconds.
RETRY_AFTER_SECONDS = 10


def is_database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is busy or out of reach, so that trying again
    later may work: SQLite's lock wait ran out, or PostgreSQL's connection was refused,
    lost or cancelled. Other SQLite errors (a missing table) are bugs, not outages."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    message = str(exc).lower()
    if "locked" in message or "busy" in message:
        return True
    return not isinstance(exc.__cause__, sqlite3.Error)


@contextmanager
def best_effort(what: str) -> Iterator[None]:
    """Run a bookkeeping write that a read does on the way (a read position, a page-view
    batch, an API key's last use); when the database refuses it, log it and go on.

    Inside a transaction the write gets a savepoint: on PostgreSQL a failed statement
    would otherwise leave the transaction unusable for the reads that follow. Outside
    one (a view, usually) the write's own transaction is enough, and a failed write
    leaves the connection usable. With a read replica, such a write does not make the
    reader's next pages read the primary (``hearth.core.replica``).

        with best_effort("topic read position"):
            services.topic_mark_read(...)
    """
    try:
        with (
            replica.bookkeeping(),
            transaction.atomic() if connection.in_atomic_block else nullcontext(),
        ):
            yield
    except (DatabaseError, InterfaceError) as exc:
        if is_database_unavailable(exc):
            logger.warning("Skipped %s: %s", what, exc)
        else:
            logger.exception("Skipped %s", what)
