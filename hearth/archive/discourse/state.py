"""What one run of the Discourse import carries from stage to stage: the staging database,
the backup (for its uploads), the summary, and the maps from Discourse's ids to Hearth's
that each stage fills for the next."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from hearth.archive.discourse.dump import Backup


@dataclass
class Summary:
    community: object = None
    users_created: int = 0
    users_linked: int = 0
    users_without_email: int = 0
    categories: int = 0
    topics: int = 0
    posts: int = 0
    posts_deleted: int = 0
    reactions: int = 0
    images: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, why: str, n: int = 1) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + n


class State:
    def __init__(self, conn: sqlite3.Connection, backup: Backup, *, show: bool):
        self.db = conn
        self.backup = backup
        self.show = show
        self.summary = Summary()
        self.community = None  # set once the community is found or made
        self.users: dict[int, int] = {}  # Discourse user id -> Hearth user id
        self.usernames: dict[str, str] = {}  # Discourse username (lower) -> Hearth username
        self.trust: dict[int, int] = {}  # Hearth user id -> trust level
        self.staged: dict[int, sqlite3.Row] = {}  # staged Discourse users, created on use
        self.categories: dict[int, object] = {}  # Discourse category id -> Category
        self.event_seq = 0
        self.profile_urls: dict[str, str] = {}
        self.by_name: dict[str, int] | None = None  # username (lower) -> Hearth id, on use
        self.db.execute(
            "CREATE TABLE events (at TEXT, seq INTEGER, verb TEXT, actor INTEGER, "
            "target INTEGER, obj_type TEXT, obj_id INTEGER, data TEXT)"
        )
        self.db.execute(
            "CREATE TABLE post_map (d_id INTEGER PRIMARY KEY, h_id INTEGER, author INTEGER, "
            "topic INTEGER)"
        )

    def has_column(self, table: str, column: str) -> bool:
        return any(r[1] == column for r in self.db.execute(f"PRAGMA table_info({table})"))
