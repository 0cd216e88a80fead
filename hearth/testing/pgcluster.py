"""Throwaway PostgreSQL clusters for tests that need a server of their own: a primary made
with ``initdb`` and streaming replicas made with ``pg_basebackup -R``, each on a free port
of 127.0.0.1, in a temporary directory, started and stopped with ``pg_ctl``.

The shared PostgreSQL at 127.0.0.1:5432 is never touched, so a test may stop, restart,
pause or kill these at will (the read-replica tests, the database-restart fault tests).

    bindir = pgcluster.find_bindir()          # None: no PostgreSQL server binaries here
    with pgcluster.TempDir() as base:
        primary = pgcluster.create_primary(base / "primary", bindir=bindir)
        replica = pgcluster.create_replica(primary, base / "replica")
        primary.dsn("hearth")                  # postgres://postgres@127.0.0.1:<port>/hearth
        replica.stop(); replica.start(); primary.restart()

PostgreSQL refuses to run as root; as root (as here) every command runs as the
``postgres`` OS user through ``runuser``, in a directory that user owns.
``skip_reason()`` says why clusters cannot be made (for ``pytest.skip``), or None.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

OS_USER = "postgres"
# Durability is not what a throwaway cluster is for: no fsync, smallest footprint.
PRIMARY_CONF = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket_dir}'
fsync = off
full_page_writes = off
wal_level = replica
max_wal_senders = 5
max_connections = 60
shared_buffers = 32MB
wal_keep_size = 64MB
log_min_messages = warning
logging_collector = off
"""


def find_bindir() -> Path | None:
    """The PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup), or None."""
    candidates = []
    if shutil.which("pg_config"):
        try:
            out = subprocess.run(  # noqa: S603
                ["pg_config", "--bindir"],  # noqa: S607
                capture_output=True, text=True, timeout=10, check=True,
            ).stdout.strip()  # fmt: skip
            candidates.append(Path(out))
        except (OSError, subprocess.SubprocessError):
            pass
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for bindir in candidates:
        if all((bindir / tool).exists() for tool in ("initdb", "pg_ctl", "pg_basebackup")):
            return bindir
    return None


def _run_as() -> list[str]:
    """The prefix that runs a command as a user PostgreSQL accepts."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", OS_USER, "--"]


def skip_reason() -> str | None:
    """Why throwaway clusters cannot be made on this machine, or None when they can."""
    if find_bindir() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) are not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(OS_USER)
        except KeyError:
            return f"running as root and there is no {OS_USER!r} OS user to run PostgreSQL"
        if not shutil.which("runuser"):
            return "running as root and runuser is not installed"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempDir:
    """A temporary directory the PostgreSQL OS user owns (tmp_path's parents are private
    to root), removed on exit."""

    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp(prefix="hearth-pg-"))
        if os.geteuid() == 0:
            user = pwd.getpwnam(OS_USER)
            os.chown(self.path, user.pw_uid, user.pw_gid)
        return self.path

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


class Cluster:
    """One PostgreSQL server: a data directory, a port and pg_ctl."""

    def __init__(self, datadir: Path, port: int, bindir: Path):
        self.datadir = Path(datadir)
        self.port = port
        self.bindir = Path(bindir)

    def __repr__(self) -> str:
        return f"<Cluster {self.datadir} on 127.0.0.1:{self.port}>"

    @property
    def logfile(self) -> Path:
        return self.datadir.parent / f"{self.datadir.name}.log"

    def _pg(self, tool: str, *args: str, timeout: float = 60) -> str:
        command = [*_run_as(), str(self.bindir / tool), *args]
        result = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
        if result.returncode != 0:
            log = self.logfile.read_text()[-2000:] if self.logfile.exists() else ""
            raise RuntimeError(
                f"{tool} failed ({result.returncode}): {result.stderr.strip()}\n{log}"
            )
        return result.stdout

    def dsn(self, dbname: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres", **kwargs):
        """A psycopg connection (autocommit) to this server."""
        import psycopg

        return psycopg.connect(self.dsn(dbname), autocommit=True, connect_timeout=5, **kwargs)

    def execute(self, sql: str, params=None, dbname: str = "postgres") -> list[tuple]:
        """Run one statement in its own connection; the rows it returns, if any."""
        with self.connect(dbname) as conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def is_running(self) -> bool:
        command = [*_run_as(), str(self.bindir / "pg_ctl"), "status", "-D", str(self.datadir)]
        return subprocess.run(command, capture_output=True, check=False).returncode == 0  # noqa: S603

    def start(self, wait: float = 30) -> None:
        self._pg(
            "pg_ctl", "start", "-w", "-t", str(int(wait)), "-D", str(self.datadir),
            "-l", str(self.logfile), timeout=wait + 10,
        )  # fmt: skip
        self.wait_ready(wait)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: roll back sessions; ``immediate``: as if killed)."""
        if self.is_running():
            self._pg("pg_ctl", "stop", "-w", "-m", mode, "-D", str(self.datadir))

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def wait_ready(self, timeout: float = 30) -> None:
        """Until the server accepts connections (a replica: until it accepts reads)."""
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            try:
                self.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)


def create_primary(datadir: Path, *, bindir: Path | None = None, port: int | None = None):
    """initdb a new cluster in ``datadir`` (whose parent the PostgreSQL user owns) and
    start it on ``port`` (a free one by default); trust authentication on 127.0.0.1,
    replication allowed."""
    bindir = bindir or find_bindir()
    if bindir is None:
        raise RuntimeError(skip_reason() or "no PostgreSQL")
    cluster = Cluster(datadir, port or free_port(), bindir)
    cluster._pg(
        "initdb", "-D", str(cluster.datadir), "-U", "postgres", "--auth=trust",
        "--no-sync", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions",
    )  # fmt: skip
    with open(cluster.datadir / "postgresql.conf", "a") as conf:
        conf.write(PRIMARY_CONF.format(port=cluster.port, socket_dir=cluster.datadir.parent))
    cluster.start()
    return cluster


def create_replica(primary: Cluster, datadir: Path, *, port: int | None = None) -> Cluster:
    """A streaming replica of ``primary``: ``pg_basebackup -R`` into ``datadir``, started on
    ``port`` (a free one by default) and caught up with the primary when this returns."""
    replica = Cluster(datadir, port or free_port(), primary.bindir)
    replica._pg(
        "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
        "-D", str(replica.datadir), "-R", "-X", "stream", "-c", "fast", "--no-sync",
        timeout=120,
    )  # fmt: skip
    with open(replica.datadir / "postgresql.auto.conf", "a") as conf:
        conf.write(f"port = {replica.port}\nhot_standby = on\n")
    replica.start()
    wait_caught_up(primary, replica)
    return replica


def copy_schema(source_url: str, target: Cluster, dbname: str) -> None:
    """Create ``dbname`` on ``target`` with the tables, indexes, functions and triggers of
    the database at ``source_url`` (no rows): seconds, where migrating anew takes a minute
    on a busy machine. ``source_url``: e.g. the PostgreSQL test database pytest-django
    made."""
    target.execute(f'CREATE DATABASE "{dbname}"')
    dump = subprocess.run(  # noqa: S603
        [str(target.bindir / "pg_dump"), "--schema-only", "--no-owner", "--no-privileges",
         "-d", source_url],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    subprocess.run(  # noqa: S603
        [str(target.bindir / "psql"), "-q", "-X", "-v", "ON_ERROR_STOP=1",
         "-d", target.dsn(dbname)],
        input=dump.stdout, capture_output=True, timeout=120, check=True,
    )  # fmt: skip


def wait_caught_up(primary: Cluster, replica: Cluster, timeout: float = 30) -> None:
    """Until ``replica`` has replayed everything ``primary`` has written so far."""
    (target,) = primary.execute("SELECT pg_current_wal_flush_lsn()::text")[0]
    deadline = time.monotonic() + timeout
    while True:
        rows = replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,))
        if rows and rows[0][0]:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{replica} did not catch up with {primary} in {timeout} s")
        time.sleep(0.05)


# Pytest fixtures, made once per test session (per xdist worker; mark the module
# ``pytest.mark.xdist_group("pgcluster")`` to share one); a test module imports the ones it
# uses:
#     from hearth.testing.pgcluster import pg_base_dir, pg_primary  # noqa: F401
# Each module creates a database of its own on them. A test that stops, restarts or kills a
# server for good should make its own with create_primary(pg_base_dir / "<name>").
try:
    import pytest
except ImportError:  # not a test run
    pytest = None

if pytest is not None:

    @pytest.fixture(scope="session")
    def pg_base_dir():
        """A directory the PostgreSQL OS user owns, for this session's clusters; skips
        the test when clusters cannot be made here."""
        if reason := skip_reason():
            pytest.skip(reason)
        with TempDir() as base:
            yield base

    @pytest.fixture(scope="session")
    def pg_primary(pg_base_dir):
        """A throwaway primary of its own (stopped and removed after the session)."""
        primary = create_primary(pg_base_dir / "primary")
        try:
            yield primary
        finally:
            primary.stop("immediate")

    @pytest.fixture(scope="session")
    def pg_replica(pg_primary, pg_base_dir):
        """A streaming replica of ``pg_primary``."""
        replica = create_replica(pg_primary, pg_base_dir / "replica")
        try:
            yield replica
        finally:
            replica.stop("immediate")
