"""``hearth backup`` and ``hearth restore``: the whole install in one ``.tar.gz``.

The archive holds ``database.sqlite3`` (SQLite's online backup API, page by page, so the
site keeps running) or ``database.pgdump`` (``pg_dump --format=custom``), the media and
private media folders under ``media/`` and ``private-media/``, and ``manifest.json``:
Hearth's version, the database vendor, the schema (every applied migration per app), when
it was made and the SHA-256 and size of every other file.

A restore extracts into a staging folder beside the target, verifies every checksum and
the schema before touching anything, refuses a non-empty target without ``force`` and a
backup made by newer code (a migration this code does not have) always."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

from hearth.archive.common import (
    CHUNK,
    ArchiveError,
    check_schema,
    manifest_head,
    progress,
    sha256_file,
)

FORMAT = "hearth-backup"
FORMAT_VERSION = 1
SQLITE_NAME = "database.sqlite3"
PG_NAME = "database.pgdump"
MEDIA_DIRS = ("media", "private-media")
SQLITE_PAGES_PER_STEP = 1024


@dataclass
class Target:
    """Where a backup is read from or restored to: a database and the two upload folders."""

    db: dict
    media_root: Path
    private_root: Path

    @classmethod
    def current(cls) -> Target:
        return cls(
            db=connections["default"].settings_dict,
            media_root=Path(settings.MEDIA_ROOT),
            private_root=Path(settings.HEARTH_PRIVATE_MEDIA_ROOT),
        )

    @property
    def vendor(self) -> str:
        engine = self.db["ENGINE"]
        if engine.endswith("sqlite3"):
            return "sqlite"
        if engine.endswith("postgresql"):
            return "postgresql"
        raise ArchiveError(f"Backups support SQLite and PostgreSQL, not {engine}.")

    def folder(self, name: str) -> Path:
        return self.media_root if name == "media" else self.private_root


# --- database access without Django's connection (the target may be another database) ---


def _sqlite_path(db: dict) -> str:
    return str(db["NAME"])


def _is_memory(db: dict) -> bool:
    name = str(db["NAME"])
    return name == ":memory:" or "mode=memory" in name


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_connect(db: dict):
    import psycopg

    return psycopg.connect(
        dbname=db["NAME"],
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        autocommit=True,
    )


def _rows(target: Target, sql: str) -> list[tuple]:
    """Rows of one query on the target database ([] when the table is not there)."""
    if target.vendor == "sqlite":
        if _is_memory(target.db):
            with connections["default"].cursor() as cursor:
                try:
                    cursor.execute(sql)
                except Exception:  # noqa: BLE001 - no such table
                    return []
                return list(cursor.fetchall())
        path = _sqlite_path(target.db)
        if not Path(path).exists():
            return []
        con = sqlite3.connect(path)
        try:
            return list(con.execute(sql).fetchall())
        except sqlite3.Error:
            return []
        finally:
            con.close()
    import psycopg

    with _pg_connect(target.db) as con:
        try:
            return list(con.execute(sql).fetchall())
        except psycopg.Error:
            return []


def applied_migrations(target: Target) -> list[tuple[str, str]]:
    return [(app, name) for app, name in _rows(target, "SELECT app, name FROM django_migrations")]


def database_has_data(target: Target) -> bool:
    """True when the database holds any account, community or interaction."""
    for table in ("accounts_user", "communities_community", "core_interactionevent"):
        rows = _rows(target, f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608 - fixed names
        if rows:
            return True
    return False


def _files_under(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


# --- backup ---


def _sqlite_dump(target: Target, out: Path, show: bool) -> None:
    if _is_memory(target.db):  # the test database: Django's own connection holds it
        connections["default"].ensure_connection()
        source = connections["default"].connection
        close = False
    else:
        source = sqlite3.connect(_sqlite_path(target.db))
        close = True
    dest = sqlite3.connect(out)
    bar = progress(desc="database", unit="page", enabled=show)

    def step(status, remaining, total):
        bar.total = total
        bar.n = total - remaining
        bar.refresh()

    try:
        source.backup(dest, pages=SQLITE_PAGES_PER_STEP, progress=step)
    finally:
        bar.close()
        dest.close()
        if close:
            source.close()


def _run_with_growth(cmd: list[str], out: Path, env: dict, desc: str, show: bool) -> None:
    """Run ``cmd`` (which writes ``out``) while a bar shows how much it has written."""
    bar = progress(desc=desc, enabled=show)
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=errors)  # noqa: S603
        while proc.poll() is None:
            if out.exists():
                bar.n = out.stat().st_size
                bar.refresh()
            time.sleep(0.2)
        bar.close()
        if proc.returncode:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()
            raise ArchiveError(f"{cmd[0]} failed: {message}")


def _pg_dump(target: Target, out: Path, show: bool) -> None:
    if not shutil.which("pg_dump"):
        raise ArchiveError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
    cmd = [
        "pg_dump",
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={out}",
        f"--dbname={target.db['NAME']}",
    ]
    _run_with_growth(cmd, out, _pg_env(target.db), "database", show)


def create_backup(path: Path, *, target: Target | None = None, show: bool = False) -> dict:
    """Write the whole install to ``path`` (a .tar.gz); returns the manifest."""
    target = target or Target.current()
    vendor = target.vendor
    path = Path(path)
    if path.exists():
        raise ArchiveError(f"{path} already exists; give another name.")
    applied = applied_migrations(target)
    if not applied:
        raise ArchiveError("The database has no schema yet (run `hearth migrate` first).")
    manifest = {
        **manifest_head(FORMAT, FORMAT_VERSION, applied),
        "database": vendor,
        "files": {},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".hearth-backup-") as tmp:
        db_name = SQLITE_NAME if vendor == "sqlite" else PG_NAME
        db_file = Path(tmp) / db_name
        if vendor == "sqlite":
            _sqlite_dump(target, db_file, show)
        else:
            _pg_dump(target, db_file, show)
        members: list[tuple[str, Path]] = [(db_name, db_file)]
        for name in MEDIA_DIRS:
            root = target.folder(name)
            members += [(f"{name}/{p.relative_to(root).as_posix()}", p) for p in _files_under(root)]
        total = sum(p.stat().st_size for _, p in members)
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                bar = progress(total=total, desc="archive", enabled=show)
                for arcname, file in members:
                    manifest["files"][arcname] = {
                        "sha256": sha256_file(file),
                        "size": file.stat().st_size,
                    }
                    tar.add(file, arcname=arcname, recursive=False)
                    bar.update(file.stat().st_size)
                bar.close()
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size = len(data)
                info.mtime = int(time.time())
                tar.addfile(info, io.BytesIO(data))
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


# --- restore ---


def read_backup(path: Path, staging: Path, show: bool = False) -> dict:
    """Extract ``path`` into ``staging`` and verify it; returns the manifest."""
    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"No backup at {path}.")
    try:
        with open(path, "rb") as raw, tarfile.open(fileobj=raw, mode="r:*") as tar:
            bar = progress(total=path.stat().st_size, desc="extract", enabled=show)
            for member in tar:
                if not member.isfile():
                    raise ArchiveError(f"Unexpected entry {member.name!r} in the backup.")
                tar.extract(member, staging, filter="data")
                bar.n = raw.tell()
                bar.refresh()
            bar.close()
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ArchiveError(
            f"{path} is not a readable backup (damaged or truncated): {exc}"
        ) from exc
    manifest_file = staging / "manifest.json"
    try:
        manifest = json.loads(manifest_file.read_text())
    except (OSError, ValueError) as exc:
        raise ArchiveError("The backup has no readable manifest.json.") from exc
    if manifest.get("format") != FORMAT:
        raise ArchiveError("This is not a Hearth backup (its manifest names another format).")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise ArchiveError("This backup was written in a newer format; upgrade Hearth first.")
    files = manifest.get("files") or {}
    present = {
        p.relative_to(staging).as_posix()
        for p in staging.rglob("*")
        if p.is_file() and p != manifest_file
    }
    missing = sorted(set(files) - present)
    extra = sorted(present - set(files))
    if missing:
        raise ArchiveError(f"The backup is incomplete: {missing[0]} is missing.")
    if extra:
        raise ArchiveError(f"The backup holds a file its manifest does not list: {extra[0]}.")
    bar = progress(total=sum(f.get("size", 0) for f in files.values()), desc="verify", enabled=show)
    for name, meta in files.items():
        if sha256_file(staging / name) != meta.get("sha256"):
            raise ArchiveError(f"Checksum mismatch for {name}: the backup is damaged.")
        bar.update(meta.get("size", 0))
    bar.close()
    check_schema(manifest)
    return manifest


def _sqlite_restore(target: Target, source: Path, show: bool) -> None:
    connections.close_all()
    src = sqlite3.connect(source)
    if _is_memory(target.db):
        connections["default"].ensure_connection()
        dest = connections["default"].connection
    else:
        Path(_sqlite_path(target.db)).parent.mkdir(parents=True, exist_ok=True)
        dest = sqlite3.connect(_sqlite_path(target.db))
    bar = progress(desc="database", unit="page", enabled=show)

    def step(status, remaining, total):
        bar.total = total
        bar.n = total - remaining
        bar.refresh()

    try:
        src.backup(dest, pages=SQLITE_PAGES_PER_STEP, progress=step)
    except sqlite3.Error as exc:
        raise ArchiveError(f"Could not write the database: {exc}") from exc
    finally:
        bar.close()
        src.close()
        if not _is_memory(target.db):
            dest.close()


def _pg_restore(target: Target, source: Path, staging: Path, show: bool) -> None:
    for tool in ("pg_restore", "psql"):
        if not shutil.which(tool):
            raise ArchiveError(
                f"{tool} is not installed (Debian: apt-get install postgresql-client)."
            )
    env = _pg_env(target.db)
    script = staging / "restore.sql"
    done = subprocess.run(  # noqa: S603
        ["pg_restore", "--no-owner", "--no-privileges", f"--file={script}", str(source)],  # noqa: S607
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise ArchiveError(f"pg_restore could not read the dump: {done.stderr.strip()}")
    # Everything in the target goes in the same transaction as the restore: a failure
    # leaves the database as it was.
    listed = _rows(target, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    tables = [row[0] for row in listed]
    drop = ""
    if tables:
        drop = "DROP TABLE IF EXISTS " + ", ".join(f'public."{t}"' for t in tables) + " CASCADE;"
    connections.close_all()
    cmd = [
        "psql",
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "--single-transaction",
        f"--dbname={target.db['NAME']}",
    ]
    if drop:
        cmd += ["-c", drop]
    cmd += ["-f", "-"]
    total = script.stat().st_size
    bar = progress(total=total, desc="database", enabled=show)
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(  # noqa: S603
            cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors
        )
        try:
            with open(script, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    proc.stdin.write(chunk)
                    bar.update(len(chunk))
            proc.stdin.close()
        except BrokenPipeError:
            pass
        proc.wait()
        bar.close()
        if proc.returncode:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()
            raise ArchiveError(f"The database restore failed and was rolled back: {message}")


def _swap_folder(new: Path, live: Path) -> None:
    """Put ``new`` where ``live`` is, keeping ``live`` until the move succeeded."""
    live.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if live.exists():
        old = live.with_name(f".{live.name}.before-restore-{os.getpid()}")
        live.rename(old)
    try:
        shutil.move(str(new), str(live))
    except OSError:
        if old is not None:
            old.rename(live)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def restore_backup(
    path: Path, *, target: Target | None = None, force: bool = False, show: bool = False
) -> dict:
    """Replace the target's database and uploads with the backup at ``path``."""
    target = target or Target.current()
    vendor = target.vendor
    work_parent = target.media_root.parent
    work_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work_parent, prefix=".hearth-restore-") as tmp:
        staging = Path(tmp) / "backup"
        staging.mkdir()
        manifest = read_backup(path, staging, show)
        if manifest.get("database") != vendor:
            raise ArchiveError(
                f"This is a {manifest.get('database')} backup and this install runs on {vendor}: "
                "restore it on the same kind of database (to move communities between kinds, "
                "use `hearth export-community` and `hearth import-community`)."
            )
        if not force:
            if database_has_data(target):
                raise ArchiveError(
                    "The database is not empty: restoring would overwrite it. Run with --force "
                    "to replace it (take a backup of it first)."
                )
            for name in MEDIA_DIRS:
                if _files_under(target.folder(name)):
                    raise ArchiveError(
                        f"The {name} folder ({target.folder(name)}) is not empty: run with "
                        "--force to replace it."
                    )
        if vendor == "sqlite":
            _sqlite_restore(target, staging / SQLITE_NAME, show)
        else:
            _pg_restore(target, staging / PG_NAME, Path(tmp), show)
        for name in MEDIA_DIRS:
            new = staging / name
            new.mkdir(exist_ok=True)
            _swap_folder(new, target.folder(name))
    return manifest
