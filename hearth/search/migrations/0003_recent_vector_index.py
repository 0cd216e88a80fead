"""PostgreSQL: the GIN index also holds each post's recency bucket, so a search reads the
newest matching posts window by window instead of every match (``hearth.search.backends``,
``RECENT_VECTOR``). It replaces the plain index on ``search_vector``, whose every query it
also serves. Built concurrently (no write lock on a large table; so not in a transaction).
SQLite: nothing (FTS5 reads its doclists newest first)."""

from django.db import migrations

RECENT = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS search_postdocument_recent ON search_postdocument "
    "USING GIN ((search_vector || array_to_tsvector(ARRAY['§' || (post_id >> 13)::text])))"
)
PLAIN = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS search_postdocument_vector ON search_postdocument "
    "USING GIN (search_vector)"
)


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RECENT)
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS search_postdocument_vector")


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PLAIN)
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS search_postdocument_recent")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("search", "0002_fulltext")]

    operations = [migrations.RunPython(forward, backward)]
