"""Processes that fault tests start and kill: a worker or a web server on the test's own
database, with "pause points" where the process waits (so the test can kill it there).

A pause point ``name`` waits while ``$HEARTH_FAULT_DIR/<name>.pause`` exists, after
creating ``<name>.reached`` so the test knows the process got there. The subprocesses run
with ``DJANGO_SETTINGS_MODULE=hearth.testing.fault_settings``, which installs the points.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend
from django.db import connection

WAIT = 15  # seconds: a bound for a test that would otherwise hang


def fault_dir() -> Path:
    return Path(os.environ["HEARTH_FAULT_DIR"])


def pause_point(name: str) -> None:
    pause = fault_dir() / f"{name}.pause"
    if not pause.exists():
        return
    (fault_dir() / f"{name}.reached").touch()
    while pause.exists():
        time.sleep(0.02)


class PausingEmailBackend(FileEmailBackend):
    """Files under ``$HEARTH_FAULT_DIR/mail``, one per message, after the ``email`` point."""

    def send_messages(self, email_messages):
        pause_point("email")
        return super().send_messages(email_messages)


class PauseInsideReplies:
    """Middleware that makes every reply wait at the ``reply`` point after its row is
    written and before its transaction commits."""

    def __init__(self, get_response):
        from hearth.discussions import services

        self.get_response = get_response
        if not getattr(services._create_post, "fault_wrapped", False):
            create = services._create_post

            def _create_post(*args, **kwargs):
                post = create(*args, **kwargs)
                pause_point("reply")
                return post

            _create_post.fault_wrapped = True
            services._create_post = _create_post

    def __call__(self, request):
        return self.get_response(request)


class SharedDatabase:
    """The test's database, for subprocesses: PostgreSQL's test database as it is (the test
    must be transactional, so what it wrote is committed); SQLite's in-memory test
    database copied to a file under ``directory`` (read back with :meth:`scalar`)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.sqlite_path: Path | None = None
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            self.sqlite_path = directory / "hearth.sqlite3"
            target = sqlite3.connect(self.sqlite_path)
            connection.connection.backup(target)
            target.close()

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "HEARTH_ENV": "embedded",
            "DJANGO_SETTINGS_MODULE": "hearth.testing.fault_settings",
            "HEARTH_DATA_DIR": str(self.directory),
            "HEARTH_FAULT_DIR": str(self.directory),
            "HEARTH_SECRET_KEY": "fault-test-secret-key-" + "x" * 40,
        }
        env.pop("DATABASE_URL", None)
        if self.sqlite_path is None:
            s = connection.settings_dict
            auth = quote(s["USER"]) + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
            host = s["HOST"] or "127.0.0.1"
            env["DATABASE_URL"] = f"postgres://{auth}@{host}:{s['PORT'] or 5432}/{s['NAME']}"
        return env

    def scalar(self, sql: str, params: tuple = ()):
        """One value of a query, as the subprocesses see the database now."""
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchone()[0]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """``python -m hearth.cli <args>`` in a session of its own (killed with its children)."""
    with open(log, "ab") as out:
        return subprocess.Popen(  # noqa: S603 (our own command line)
            [sys.executable, "-m", "hearth.cli", *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the process and its children: no handler, no cleanup, no commit."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=WAIT)


def wait_for(path: Path, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"the process exited first:\n{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{path.name} never appeared:\n{log.read_text()[-3000:]}")
        time.sleep(0.02)
