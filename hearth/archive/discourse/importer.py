"""The import from end to end: check where it goes, read the backup into the staging
database, then run the stages in one transaction and recompute what derives from them."""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import timedelta
from pathlib import Path

from django.db import DatabaseError, transaction

from hearth.archive.common import ArchiveError, progress, recount
from hearth.archive.discourse import accounts, categories, events, likes, members, posts
from hearth.archive.discourse.dump import Backup
from hearth.archive.discourse.state import State, Summary


def import_discourse(
    path: Path,
    *,
    slug: str,
    create: str | None = None,
    owner: str | None = None,
    show: bool = False,
) -> Summary:
    """Import the Discourse backup at ``path`` into community ``slug`` (created, named
    ``create``, when given; otherwise it must exist and have no topics)."""
    from hearth.communities.models import Community

    if create is None:
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            raise ArchiveError(
                f'No community with the slug {slug!r}: give --create "Name" to make one.'
            )
        members.check_empty(community)
    elif Community.objects.filter(slug=slug).exists():
        raise ArchiveError(
            f"A community with the slug {slug!r} already exists: leave out --create to import "
            "into it (it must have no topics), or choose a free slug."
        )
    backup = Backup(path)
    with tempfile.TemporaryDirectory(prefix="hearth-discourse-") as tmp:
        bar = progress(desc="read backup", enabled=show)
        try:
            conn = backup.unpack(Path(tmp), progress=bar)
        finally:
            bar.close()
        conn.row_factory = sqlite3.Row
        try:
            state = State(conn, backup, show=show)
            return _run(state, slug=slug, create=create, owner=owner)
        except (DatabaseError, ValueError, TypeError) as exc:
            # Rolled back: a value this database refused, or one no column could hold.
            raise ArchiveError(f"The backup cannot be imported: {exc}") from exc
        finally:
            conn.close()


def _run(state: State, *, slug: str, create: str | None, owner: str | None) -> Summary:
    from hearth.analytics import rollups
    from hearth.core import page_cache
    from hearth.core.uploads import discard_uploads_on_error
    from hearth.search.index import rebuild_index
    from hearth.trust import levels as trust_levels

    with discard_uploads_on_error(), transaction.atomic():
        accounts.import_users(state)
        community = members.find_or_create_community(state, slug, create, owner)
        state.community = community
        state.summary.community = community
        members.import_memberships(state)
        categories.import_categories(state)
        posts.import_topics(state)
        likes.import_likes(state)
        events.write(state)
        recount(community)
        categories.set_last_posted(state)
        if create is not None:
            categories.drop_unused_defaults(state)
        # Derived state, recomputed from what was just written, in the same transaction.
        rebuild_index(community_id=community.pk)
        rollups.rebuild(community)
        trust_levels.update(community, lag=timedelta(0))
        events.skip_history_for_followers(state)
        page_cache.bump_now_and_on_commit(community.pk)
    community.refresh_from_db()
    return state.summary
