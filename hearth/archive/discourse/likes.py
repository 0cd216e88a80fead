"""Discourse likes as ❤️ reactions, and each post's reaction counts."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from hearth.archive.discourse import accounts, events
from hearth.archive.discourse.bulk import set_column
from hearth.archive.discourse.dump import parse_int, parse_time
from hearth.archive.discourse.state import State

LIKE = 2  # post_action_types: like
REACTION = "heart"


def import_likes(state: State) -> None:
    from hearth.discussions.models import Post, Reaction

    # One like per member and post (Discourse can hold a second one on the topic).
    rows = state.db.execute(
        "SELECT a.user_id, MIN(a.created_at) AS created_at, m.h_id, m.author, m.topic "
        "FROM post_actions a JOIN post_map m ON m.d_id = CAST(a.post_id AS INTEGER) "
        "WHERE CAST(a.post_action_type_id AS INTEGER) = ? AND a.deleted_at IS NULL "
        "GROUP BY m.h_id, a.user_id ORDER BY MIN(a.created_at)",
        (LIKE,),
    )
    batch = []
    for row in rows:
        user_id = accounts.user(state, parse_int(row["user_id"]))
        if user_id is None or user_id == row["author"]:
            continue
        state.summary.reactions += 1
        at = parse_time(row["created_at"]) or timezone.now()
        batch.append(
            Reaction(
                community=state.community, post_id=row["h_id"], user_id=user_id,
                kind=REACTION, created_at=at,
            )
        )  # fmt: skip
        events.record(
            state, at, "post.react", user_id, row["author"], "discussions.post", row["h_id"],
            {"kind": REACTION, "topic": row["topic"]},
        )  # fmt: skip
        if len(batch) >= 1000:
            Reaction.objects.bulk_create(batch)
            batch.clear()
    Reaction.objects.bulk_create(batch)
    counts = (
        Reaction.objects.filter(community=state.community)
        .values_list("post_id", "kind")
        .annotate(n=Count("pk"))
        .order_by("post_id")
    )
    changed = []
    for post_id, kind, n in counts.iterator():
        changed.append((post_id, {kind: n}))
        if len(changed) >= 1000:
            set_column(Post, "reactions", changed)
            changed.clear()
    set_column(Post, "reactions", changed)
