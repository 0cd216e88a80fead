"""Full-text structures for PostDocument, one kind per database.

SQLite: an FTS5 external-content table over (title, body) whose rowid is the post id, kept in
step by triggers (the FTS5 documentation's recipe for external content tables). The update
trigger fires only when title or body change, so moving a topic (category_id) costs no FTS
work.

PostgreSQL: a STORED generated tsvector (title weight A, body weight B, 'english') with a
GIN index. Angle brackets are read as spaces: PostgreSQL's parser otherwise takes
``<script>`` written in a post as an HTML tag and drops its words, which SQLite keeps."""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE search_postdocument_fts USING fts5(
        title, body,
        content='search_postdocument', content_rowid='post_id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER search_postdocument_fts_insert AFTER INSERT ON search_postdocument BEGIN
        INSERT INTO search_postdocument_fts(rowid, title, body)
        VALUES (new.post_id, new.title, new.body);
    END
    """,
    """
    CREATE TRIGGER search_postdocument_fts_delete AFTER DELETE ON search_postdocument BEGIN
        INSERT INTO search_postdocument_fts(search_postdocument_fts, rowid, title, body)
        VALUES ('delete', old.post_id, old.title, old.body);
    END
    """,
    """
    CREATE TRIGGER search_postdocument_fts_update AFTER UPDATE OF title, body
    ON search_postdocument BEGIN
        INSERT INTO search_postdocument_fts(search_postdocument_fts, rowid, title, body)
        VALUES ('delete', old.post_id, old.title, old.body);
        INSERT INTO search_postdocument_fts(rowid, title, body)
        VALUES (new.post_id, new.title, new.body);
    END
    """,
    # Rows written before this migration (none on a fresh install) enter the index too.
    "INSERT INTO search_postdocument_fts(search_postdocument_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_postdocument_fts_update",
    "DROP TRIGGER IF EXISTS search_postdocument_fts_delete",
    "DROP TRIGGER IF EXISTS search_postdocument_fts_insert",
    "DROP TABLE IF EXISTS search_postdocument_fts",
]

POSTGRESQL_FORWARD = [
    """
    ALTER TABLE search_postdocument ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, translate(title, '<>', '  ')), 'A')
        || setweight(to_tsvector('english'::regconfig, translate(body, '<>', '  ')), 'B')
    ) STORED
    """,
    "CREATE INDEX search_postdocument_vector ON search_postdocument USING GIN (search_vector)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS search_postdocument_vector",
    "ALTER TABLE search_postdocument DROP COLUMN IF EXISTS search_vector",
]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        raise RuntimeError(f"Hearth search supports SQLite and PostgreSQL, not {vendor}.")
    for sql in statements[vendor]:
        schema_editor.execute(sql)


def forward(apps, schema_editor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD})


def backward(apps, schema_editor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD})


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
