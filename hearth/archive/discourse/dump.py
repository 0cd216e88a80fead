"""Reading a Discourse backup without loading it: the ``.tar.gz`` (or ``.tar``) Discourse
writes, holding ``dump.sql.gz`` (a plain-SQL ``pg_dump`` of its database) and
``uploads/``; or the bare ``.sql.gz`` it writes when backups leave uploads out.

The dump is decompressed as a stream and only the ``COPY public.<table> (<columns>) FROM
stdin;`` blocks of the tables the importer needs are read: each line is one row, fields
separated by tabs in PostgreSQL's text format (``\\N`` is NULL; ``\\t``, ``\\n``, ``\\\\``
and the other backslash escapes), the block ending at a line holding ``\\.``. Rows go
into a staging SQLite database in a temporary directory, keyed and indexed, so the import
can read them in whatever order it needs (pg_dump writes tables alphabetically: posts
before topics before users) while memory stays flat whatever the size of the forum. The
images under ``uploads/`` are copied beside it in the same pass: a ``.tar.gz`` read in
any other order is decompressed again from its start at every step back."""

from __future__ import annotations

import gzip
import io
import re
import shutil
import sqlite3
import tarfile
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from hearth.archive.common import ArchiveError

DUMP_NAME = "dump.sql.gz"
IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp"}
CHUNK = 1024 * 1024
# table -> (columns it must have, columns taken when present), as Discourse names them
# (app/models/*.rb schema annotations).
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "users": (
        ("id", "username", "created_at", "active", "admin", "moderator", "trust_level"),
        ("name", "staged", "suspended_till", "silenced_till", "uploaded_avatar_id"),
    ),
    "user_emails": (("user_id", "email", "primary"), ()),
    "user_profiles": (("user_id",), ("bio_raw", "location", "website")),
    "categories": (
        ("id", "name", "slug"),
        (
            "description",
            "color",
            "position",
            "parent_category_id",
            "read_restricted",
            "topic_id",
            "created_at",
        ),
    ),  # fmt: skip
    "topics": (
        ("id", "title", "created_at", "user_id", "category_id", "archetype", "deleted_at"),
        ("visible", "closed", "archived", "pinned_at"),
    ),
    "posts": (
        ("id", "user_id", "topic_id", "post_number", "raw", "created_at", "deleted_at"),
        ("updated_at", "reply_to_post_number", "post_type", "hidden", "hidden_at", "user_deleted"),
    ),  # fmt: skip
    # Optional: likes (post_action_type_id 2) and the uploads posts link to.
    "post_actions": (("post_id", "user_id", "post_action_type_id", "deleted_at", "created_at"), ()),
    "uploads": (("id", "sha1", "url"), ("original_filename", "extension")),
}
REQUIRED = ("users", "user_emails", "user_profiles", "categories", "topics", "posts")
INDEXES = {
    "users": ["id"],
    "user_emails": ["user_id"],
    "user_profiles": ["user_id"],
    "categories": ["id"],
    "topics": ["id"],
    "posts": ["topic_id, post_number", "id"],
    "post_actions": ["post_id"],
    "uploads": ["sha1", "id"],
}
COPY_LINE = re.compile(r'^COPY (?:(?:public|"public")\.)?"?(\w+)"? \((.*)\) FROM stdin;\s*$')
ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))", re.DOTALL)
SIMPLE_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _unescape_match(match: re.Match) -> str:
    octal, hexa, char = match.groups()
    if octal is not None:
        return chr(int(octal, 8))
    if hexa is not None:
        return chr(int(hexa, 16))
    return SIMPLE_ESCAPES.get(char, char)


def unescape(field: str) -> str | None:
    """One field of a COPY text-format row: ``\\N`` is NULL, backslash escapes decoded."""
    if field == r"\N":
        return None
    if "\\" not in field:
        return field
    return ESCAPE.sub(_unescape_match, field)


def parse_bool(value: str | None) -> bool:
    return value in ("t", "true", "1")


def parse_time(value: str | None) -> datetime | None:
    """A ``timestamp without time zone`` as Discourse stores it (UTC), or None."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ArchiveError(f"The dump holds a time this importer cannot read: {value!r}.") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_int(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise ArchiveError(
            f"The dump holds a number this importer cannot read: {value!r}."
        ) from exc


# --- opening the backup ---


class Backup:
    """A Discourse backup on disk. :meth:`unpack` reads it in one pass, front to back (a
    ``.tar.gz`` cannot be read in any other order without decompressing it again from the
    start): the dump into the staging database, the images under ``uploads/`` into the
    work directory; :meth:`read_upload` then returns an image's bytes."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise ArchiveError(f"{self.path} does not exist or is not a file.")
        self.uploads: dict[str, Path] = {}
        try:
            self.is_tar = tarfile.is_tarfile(self.path)
        except OSError as exc:
            raise ArchiveError(f"{self.path} cannot be read: {exc}.") from exc
        if not self.is_tar and not _looks_like_gzipped_dump(self.path):
            raise ArchiveError(
                f"{self.path} is not a Discourse backup: expected the .tar.gz (or .tar) "
                f"Discourse writes, holding {DUMP_NAME}, or that bare .sql.gz."
            )

    def unpack(self, workdir: Path, *, progress=None) -> sqlite3.Connection:
        """Stage the dump (see :func:`stage`) and keep the images; returns the staging
        database. Raises ArchiveError for a backup that is damaged or holds no dump."""
        db_path = Path(workdir) / "staging.sqlite3"
        if not self.is_tar:
            with open(self.path, "rb") as raw:
                return stage(raw, db_path, progress=progress)
        conn = None
        try:
            # Random-access mode, but members are visited in order, so every seek is a short
            # step forward and each byte is decompressed once.
            with tarfile.open(self.path, "r:*") as tar:
                for member in tar:
                    name = member.name.removeprefix("./")
                    if name == DUMP_NAME and member.isfile():
                        if conn is not None:
                            raise ArchiveError(f"The backup holds {DUMP_NAME} twice.")
                        conn = stage(tar.extractfile(member), db_path, progress=progress)
                    elif name.startswith("uploads/") and member.isfile() and _wanted(member):
                        target = Path(workdir) / "uploads" / str(len(self.uploads))
                        target.parent.mkdir(exist_ok=True)
                        with tar.extractfile(member) as src, open(target, "wb") as dst:
                            shutil.copyfileobj(src, dst)
                        self.uploads[name] = target
                # Read to the very end, so a compressed archive's checksum and length are
                # checked: a download cut short is refused, not imported in part.
                while tar.fileobj.read(CHUNK):
                    pass
        except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
            if conn is not None:
                conn.close()
            raise ArchiveError(
                f"{self.path} cannot be read: the archive is damaged or truncated."
            ) from exc
        except BaseException:
            if conn is not None:
                conn.close()
            raise
        if conn is None:
            raise ArchiveError(
                f"{self.path} is a tar archive but holds no {DUMP_NAME}: it is not a "
                "Discourse backup."
            )
        return conn

    def read_upload(self, name: str) -> bytes | None:
        path = self.uploads.get(name)
        return path.read_bytes() if path is not None else None


def _wanted(member: tarfile.TarInfo) -> bool:
    """An upload worth keeping: an image (the only kind imported) Hearth would accept."""
    from django.conf import settings

    return (
        member.name.rsplit(".", 1)[-1].lower() in IMAGE_EXTENSIONS
        and member.size <= settings.HEARTH_MAX_UPLOAD_BYTES
    )


def _looks_like_gzipped_dump(path: Path) -> bool:
    try:
        with gzip.open(path, "rb") as fh:
            head = fh.read(4096)
    except (OSError, EOFError, zlib.error):
        return False
    return b"PostgreSQL database dump" in head or b"COPY " in head or b"SET " in head


# --- reading the COPY blocks into the staging database ---


def _copy_blocks(
    lines: Iterator[str], wanted: set[str]
) -> Iterator[tuple[str, list[str], Iterator[list[str | None]]]]:
    """(table, columns, rows) for each COPY block of a wanted table; the caller must
    consume ``rows`` before asking for the next block."""
    for line in lines:
        if not line.startswith("COPY "):
            continue
        match = COPY_LINE.match(line.rstrip("\n"))
        if match is None:
            continue
        table = match.group(1)
        columns = [c.strip().strip('"') for c in match.group(2).split(",")]
        if table not in wanted:
            _skip_block(lines)
            continue
        yield table, columns, _rows(lines, table, len(columns))


def _skip_block(lines: Iterator[str]) -> None:
    for line in lines:
        if line in ("\\.\n", "\\."):
            return
    raise ArchiveError("The dump ends in the middle of a table: the backup is truncated.")


def _rows(lines: Iterator[str], table: str, width: int) -> Iterator[list[str | None]]:
    for number, line in enumerate(lines, 1):
        if line in ("\\.\n", "\\."):
            return
        if not line.endswith("\n"):
            break  # the last line of a cut-off stream
        fields = line[:-1].split("\t")
        if len(fields) != width:
            raise ArchiveError(
                f"Row {number} of the dump's {table} table has {len(fields)} fields, not "
                f"{width}: the dump is damaged."
            )
        yield [unescape(f) for f in fields]
    raise ArchiveError("The dump ends in the middle of a table: the backup is truncated.")


def stage(raw, db_path: Path, *, progress=None) -> sqlite3.Connection:
    """Read the gzipped dump from the binary stream ``raw`` into a new SQLite database at
    ``db_path`` (one table per Discourse table, with the columns in ``TABLES``); returns the
    open connection. Raises ArchiveError for a dump that cannot be read or lacks a required
    table or column."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    seen: set[str] = set()
    try:
        stream = gzip.GzipFile(fileobj=raw, mode="rb")
        with io.TextIOWrapper(stream, encoding="utf-8", errors="strict", newline="\n") as text:
            counted = _counting(text, progress)
            for table, columns, rows in _copy_blocks(counted, set(TABLES)):
                if table in seen:
                    raise ArchiveError(f"The dump holds the {table} table twice.")
                required, optional = TABLES[table]
                missing = [c for c in required if c not in columns]
                if missing:
                    raise ArchiveError(
                        f"The dump's {table} table has no {missing[0]} column: this is not a "
                        "Discourse backup this importer knows."
                    )
                taken = [c for c in (*required, *optional) if c in columns]
                positions = [columns.index(c) for c in taken]
                conn.execute(
                    f"CREATE TABLE {table} ({', '.join(f'[{c}]' for c in taken)})"  # noqa: S608
                )
                insert = f"INSERT INTO {table} VALUES ({', '.join('?' * len(taken))})"  # noqa: S608
                batch: list[list] = []
                for row in rows:
                    batch.append([row[i] for i in positions])
                    if len(batch) >= 2000:
                        conn.executemany(insert, batch)
                        batch.clear()
                conn.executemany(insert, batch)
                for columns_sql in INDEXES.get(table, []):
                    name = f"ix_{table}_{columns_sql.replace(', ', '_')}"
                    conn.execute(f"CREATE INDEX {name} ON {table} ({columns_sql})")
                seen.add(table)
    except (EOFError, zlib.error, gzip.BadGzipFile, tarfile.TarError) as exc:
        conn.close()
        raise ArchiveError(
            f"{DUMP_NAME} cannot be decompressed: the backup is damaged or truncated."
        ) from exc
    except UnicodeDecodeError as exc:
        conn.close()
        raise ArchiveError(f"{DUMP_NAME} is not UTF-8 text: the backup is damaged.") from exc
    except OSError as exc:
        conn.close()
        raise ArchiveError(f"{DUMP_NAME} cannot be read: {exc}.") from exc
    except BaseException:
        conn.close()
        raise
    missing = [t for t in REQUIRED if t not in seen]
    if missing:
        conn.close()
        raise ArchiveError(
            f"The dump has no data for the {missing[0]} table: this is not a complete "
            "Discourse backup."
        )
    for table in TABLES:
        if table not in seen:  # optional tables: empty
            required, _optional = TABLES[table]
            conn.execute(f"CREATE TABLE {table} ({', '.join(f'[{c}]' for c in required)})")
    conn.commit()
    return conn


def _counting(text: io.TextIOBase, bar) -> Iterator[str]:
    """The dump's lines, advancing the progress bar by the bytes read."""
    for line in text:
        if bar is not None:
            bar.update(len(line))
        yield line
