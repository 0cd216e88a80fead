"""`hearth backup` / `hearth restore`: round trips on SQLite and PostgreSQL, and every refusal."""

import io
import json
import os
import sqlite3
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from hearth.archive.backup import Target, create_backup, restore_backup
from hearth.archive.common import ArchiveError

ON_PG = connection.vendor == "postgresql"
DST_DB = "test_archive_dst"


def _seed(topic):
    media = Path(settings.MEDIA_ROOT)
    (media / "avatars").mkdir(parents=True, exist_ok=True)
    (media / "avatars" / "olivia.png").write_bytes(b"\x89PNG avatar bytes")
    private = Path(settings.HEARTH_PRIVATE_MEDIA_ROOT)
    (private / "posts" / "2026").mkdir(parents=True, exist_ok=True)
    (private / "posts" / "2026" / "pic.webp").write_bytes(os.urandom(5000))


def _rewrite(src: Path, dst: Path, change) -> None:
    """Copy the backup at ``src`` to ``dst`` with ``change(files)`` applied to its members."""
    with tarfile.open(src, "r:gz") as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}
    change(files)
    with tarfile.open(dst, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _manifest(change):
    def apply(files):
        manifest = json.loads(files["manifest.json"])
        change(manifest)
        files["manifest.json"] = json.dumps(manifest).encode()

    return apply


def _counts_django() -> dict:
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        out = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            out[table] = cursor.fetchone()[0]
        return out


def _tree(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def sqlite_target(tmp_path):
    return Target(
        db={"ENGINE": "django.db.backends.sqlite3", "NAME": tmp_path / "restored.sqlite3"},
        media_root=tmp_path / "restored" / "media",
        private_root=tmp_path / "restored" / "private-media",
    )


@pytest.mark.skipif(ON_PG, reason="SQLite backups need the SQLite test database")
@pytest.mark.django_db(transaction=True)
def test_sqlite_round_trip(topic, tmp_path, sqlite_target):
    _seed(topic)
    before = _counts_django()
    path = tmp_path / "b.tar.gz"
    manifest = create_backup(path)
    assert manifest["database"] == "sqlite"
    assert manifest["schema"]["discussions"].startswith("00")
    assert {
        "database.sqlite3",
        "media/avatars/olivia.png",
        "private-media/posts/2026/pic.webp",
    } <= set(manifest["files"])

    restore_backup(path, target=sqlite_target)

    con = sqlite3.connect(sqlite_target.db["NAME"])
    after = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in before}
    title = con.execute("SELECT title FROM discussions_topic").fetchone()[0]
    con.close()
    assert after == before
    assert title == "Hello garden"
    assert _tree(sqlite_target.media_root) == _tree(Path(settings.MEDIA_ROOT))
    assert _tree(sqlite_target.private_root) == _tree(Path(settings.HEARTH_PRIVATE_MEDIA_ROOT))

    # A second restore onto the now non-empty database needs --force.
    with pytest.raises(ArchiveError, match="not empty"):
        restore_backup(path, target=sqlite_target)
    restore_backup(path, target=sqlite_target, force=True)
    assert _tree(sqlite_target.media_root) == _tree(Path(settings.MEDIA_ROOT))


@pytest.mark.skipif(ON_PG, reason="SQLite backups need the SQLite test database")
@pytest.mark.django_db(transaction=True)
def test_refusals_leave_the_target_untouched(topic, tmp_path, sqlite_target):
    _seed(topic)
    good = tmp_path / "good.tar.gz"
    create_backup(good)
    with pytest.raises(ArchiveError, match="already exists"):
        create_backup(good)

    cases = {
        "newer": (
            _manifest(lambda m: m["migrations"]["discussions"].append("9999_from_the_future")),
            "newer Hearth",
        ),
        "vendor": (_manifest(lambda m: m.update(database="postgresql")), "same kind"),
        "checksum": (
            lambda files: files.update({"media/avatars/olivia.png": b"tampered"}),
            "Checksum mismatch",
        ),
        "missing": (lambda files: files.pop("private-media/posts/2026/pic.webp"), "missing"),
        "extra": (lambda files: files.update({"media/sneaky.txt": b"x"}), "does not list"),
        "no-manifest": (lambda files: files.pop("manifest.json"), "manifest"),
        "other-format": (_manifest(lambda m: m.update(format="zip")), "not a Hearth backup"),
    }
    for name, (change, message) in cases.items():
        bad = tmp_path / f"{name}.tar.gz"
        _rewrite(good, bad, change)
        with pytest.raises(ArchiveError, match=message):
            restore_backup(bad, target=sqlite_target)
        assert not Path(sqlite_target.db["NAME"]).exists(), name
        assert not sqlite_target.media_root.exists(), name

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ArchiveError, match="damaged or truncated"):
        restore_backup(truncated, target=sqlite_target)
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not a tar at all")
    with pytest.raises(ArchiveError, match="not a readable backup"):
        restore_backup(garbage, target=sqlite_target)
    with pytest.raises(ArchiveError, match="No backup"):
        restore_backup(tmp_path / "nope.tar.gz", target=sqlite_target)

    # Uploads already in the target folders count as data too.
    sqlite_target.media_root.mkdir(parents=True)
    (sqlite_target.media_root / "keep.png").write_bytes(b"keep")
    with pytest.raises(ArchiveError, match="media folder"):
        restore_backup(good, target=sqlite_target)
    assert (sqlite_target.media_root / "keep.png").read_bytes() == b"keep"


@pytest.mark.django_db(transaction=True)
def test_commands(topic, tmp_path):
    path = tmp_path / "cli.tar.gz"
    out = io.StringIO()
    call_command("backup", str(path), "--no-progress", stdout=out)
    assert "Backed up" in out.getvalue() and path.exists()
    # The test database is not empty: no restore over it without --force.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(path), "--no-progress")
    with pytest.raises(CommandError, match="No backup"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), "--no-progress")


# --- PostgreSQL ---


def _pg_counts(db: dict) -> dict:
    from hearth.archive.backup import _pg_connect

    with _pg_connect(db) as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.fixture
def pg_dst():
    from hearth.archive.backup import _pg_connect

    admin = dict(connection.settings_dict, NAME="postgres")
    with _pg_connect(admin) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{DST_DB}"')
        con.execute(f'CREATE DATABASE "{DST_DB}"')
    yield dict(connection.settings_dict, NAME=DST_DB)
    with _pg_connect(admin) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{DST_DB}" WITH (FORCE)')


@pytest.mark.skipif(not ON_PG, reason="DATABASE_URL is not PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_postgresql_round_trip(topic, tmp_path, pg_dst):
    _seed(topic)
    src = dict(connection.settings_dict)
    before = _pg_counts(src)
    path = tmp_path / "pg.tar.gz"
    manifest = create_backup(path)
    assert manifest["database"] == "postgresql" and "database.pgdump" in manifest["files"]

    target = Target(db=pg_dst, media_root=tmp_path / "m", private_root=tmp_path / "p")
    restore_backup(path, target=target)
    assert _pg_counts(pg_dst) == before
    assert _tree(target.private_root) == _tree(Path(settings.HEARTH_PRIVATE_MEDIA_ROOT))

    with pytest.raises(ArchiveError, match="not empty"):
        restore_backup(path, target=target)
    # --force replaces everything, tables this backup does not know included, in one go.
    from hearth.archive.backup import _pg_connect

    with _pg_connect(pg_dst) as con:
        con.execute("CREATE TABLE stray_table (id int)")
        con.execute("UPDATE discussions_topic SET title = 'changed'")
    restore_backup(path, target=target, force=True)
    after = _pg_counts(pg_dst)
    assert after == before and "stray_table" not in after
    with _pg_connect(pg_dst) as con:
        assert con.execute("SELECT title FROM discussions_topic").fetchone()[0] == "Hello garden"

    newer = tmp_path / "newer.tar.gz"
    _rewrite(path, newer, _manifest(lambda m: m["migrations"]["core"].append("9999_future")))
    with pytest.raises(ArchiveError, match="newer Hearth"):
        restore_backup(newer, target=target, force=True)
    assert _pg_counts(pg_dst) == before
