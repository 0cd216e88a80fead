"""The database router used when a read replica is configured (``DATABASE_REPLICA_URL``):
reads go to the replica when ``hearth.core.replica`` says they may, everything else to the
primary (``default``). Migrations run on the primary only; the replica receives them by
streaming. Rows read from either may be related to each other: they are the same data."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS

from hearth.core import replica


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return replica.REPLICA if replica.reads_replica() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        replica.note_write()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
