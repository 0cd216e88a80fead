"""Rebuilding the index, and the full-text migration in both directions."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hearth.discussions.models import Post, Topic
from hearth.search.models import PostDocument


def test_rebuild_adds_missing_and_drops_stale_documents(
    community, member, general, start_topic, reply, find
):
    topic = start_topic(member, general, "Tomato blight", "Leaves")
    kept = reply(member, topic, "Copper")
    gone = reply(member, topic, "Sulphur")
    # Writes that bypassed the services: the index no longer matches the posts.
    PostDocument.objects.filter(post_id=kept.pk).delete()
    Post.objects.filter(pk=gone.pk).update(deleted_at=topic.created_at)
    assert find("copper") == [] and find("sulphur") == [("Tomato blight", 3)]

    call_command("search_reindex", community=community.slug, stdout=io.StringIO())

    assert find("copper") == [("Tomato blight", 2)]
    assert find("sulphur") == []


def test_full_rebuild_rewrites_documents(member, general, start_topic, find):
    topic = start_topic(member, general, "Tomato", "Leaves")
    PostDocument.objects.filter(topic_id=topic.pk).update(body="stale words")
    call_command("search_reindex", full=True, stdout=io.StringIO())
    assert find("leaves") == [("Tomato", 1)] and find("stale") == []


def test_rebuild_skips_deleted_topics(member, general, start_topic, find):
    topic = start_topic(member, general, "Tomato", "Leaves")
    Topic.objects.filter(pk=topic.pk).update(deleted_at=topic.created_at)
    call_command("search_reindex", stdout=io.StringIO())
    assert find("tomato") == []


def _fulltext_exists() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'search_postdocument_fts%%'"
            )
            return cursor.fetchone()[0] > 0
        cursor.execute(
            "SELECT COUNT(*) FROM information_schema.columns "
            "WHERE table_name = 'search_postdocument' AND column_name = 'search_vector'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_fulltext_migration_reverses_and_reindexes_existing_rows(
    member, general, start_topic, find
):
    start_topic(member, general, "Tomato blight", "Leaves")

    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([("search", target)])

    migrate("0001_initial")
    assert not _fulltext_exists()
    assert PostDocument.objects.count() == 1
    migrate("0002_fulltext")
    assert _fulltext_exists()
    # Rows written before the full-text structures existed are searchable.
    assert find("blight") == [("Tomato blight", 1)]
    # And back to the latest: the recency index replaces the plain one, and finds the same.
    migrate("0003_recent_vector_index")
    assert find("blight") == [("Tomato blight", 1)]
