"""Trigram indexes for finding people by name on PostgreSQL.

The member directory and mention autocomplete match ``username`` by prefix and
``display_name`` anywhere in it (case-insensitively, so Django compares ``UPPER(…)``);
without these indexes PostgreSQL reads every user. They need the pg_trgm extension: where
the database user may not create it, the migration says so and leaves the indexes out
(search still works, only slower). SQLite has nothing to do."""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

INDEXES = {
    "accounts_user_username_trgm": "username",
    "accounts_user_display_name_trgm": "display_name",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        logger.warning("pg_trgm is not available: name search will read every user.")
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON accounts_user "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
