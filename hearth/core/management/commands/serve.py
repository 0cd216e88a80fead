import argparse
import multiprocessing
import os
import signal
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hearth.core.preload import preload
from hearth.core.staticfiles import collect_if_changed
from hearth.core.worker import ChildSupervisor


def collect_static_apart(log) -> None:
    """``collect_if_changed`` in a child process where the system can fork: compressing
    the files grows this process's heap by ~50 MB, and granian's workers, forked from it,
    would each carry that (measured: 129 → 167 MB resident per worker at start)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        collect_if_changed(log=log)
        return
    child = multiprocessing.get_context("fork").Process(
        target=collect_if_changed, kwargs={"log": log}, name="hearth-collectstatic"
    )
    child.start()
    child.join()
    if child.exitcode != 0:
        raise CommandError("Collecting the static files failed: see the error above.")


def stop_on_sigterm() -> None:
    """Make SIGTERM stop the server the way Ctrl+C does.

    uvicorn shuts down gracefully on SIGTERM, then raises the signal again under the
    handler it found; with the default one the process would die on the spot and the
    worker child outlive it. This handler turns it into KeyboardInterrupt, which uvicorn
    swallows, so ``serve`` goes on to stop the worker."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def stop_worker(supervisor: ChildSupervisor) -> None:
    """Terminate the worker and wait for it; a second signal meanwhile cannot cut this
    short and leave the worker behind."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    supervisor.stop()


def default_workers() -> int:
    """Production: one process per core this process may run on. Embedded (SQLite): one."""
    if not settings.PRODUCTION:
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def default_server() -> str:
    """granian in production (measured ahead under load, bench/README.md "Server
    processes"); uvicorn in embedded mode, where it serves from the one process itself
    (granian adds a supervising process)."""
    return os.environ.get("HEARTH_SERVER") or ("granian" if settings.PRODUCTION else "uvicorn")


def share_metrics_between_processes(data_dir: Path) -> Path:
    """Point prometheus_client's multiprocess mode at ``<data dir>/metrics`` (emptied: the
    files of a previous run would add their counts to this one's) for this process and the
    ones it starts. An operator's own ``PROMETHEUS_MULTIPROC_DIR`` is kept as it is."""
    from hearth.core.metrics_dir import MULTIPROC_ENV, enable_multiprocess

    if os.environ.get(MULTIPROC_ENV):
        directory = Path(os.environ[MULTIPROC_ENV])
    else:
        directory = data_dir / "metrics"
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink(missing_ok=True)
    enable_multiprocess(directory)
    return directory


SERVERS = ("uvicorn", "granian")
APP = "hearth.asgi:application"  # Django's, behind the body-size limit, with lifespan


def run_uvicorn(host: str, port: int, workers: int) -> None:
    import uvicorn  # here: granian's workers, forked from this process, never use it

    uvicorn.run(
        APP,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        # TCP_NODELAY on every connection, also with several workers (hearth.core.nodelay).
        http="hearth.core.nodelay:NoDelayH11Protocol",
        # X-Forwarded-For/-Proto only from the proxies the operator names; uvicorn
        # would otherwise trust them from any local process (hearth.core.client_ip).
        proxy_headers=bool(settings.HEARTH_TRUSTED_PROXIES),
        forwarded_allow_ips=settings.HEARTH_TRUSTED_PROXIES,
        # The lifespan shutdown writes buffered page views (hearth.asgi).
        lifespan="on",
    )


def run_granian(host: str, port: int, workers: int) -> None:
    """granian (Rust HTTP, one Python process per worker, TCP_NODELAY set). The
    application is loaded here first (``hearth.core.preload``), and the workers forked from
    this process share it: the same ASGI application in each, so the body-size limit and
    the lifespan hooks are the same. It rewrites no client address: X-Forwarded-For is read
    from trusted proxies only, by hearth.core.client_ip, as under WSGI."""
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    # granian forks its workers from this process: what is loaded here, they share.
    preload(APP)
    Server(
        APP,
        address=host,
        port=port,
        interface=Interfaces.ASGI,  # with the lifespan protocol
        workers=workers,
        websockets=False,
        log_level=LogLevels.warning,
        # granian's own lines go through Hearth's handler: same format (JSON with
        # HEARTH_LOG_FORMAT=json), request id field, level.
        log_dictconfig={
            "formatters": {},
            "handlers": {},
            "loggers": {"_granian": {"propagate": True}, "granian.access": {"propagate": True}},
        },
        respawn_failed_workers=True,
    ).serve()


class Command(BaseCommand):
    help = (
        "Serve Hearth over HTTP with an ASGI server (granian in production, on every core; "
        "uvicorn in embedded mode). In embedded mode it also runs "
        "the background worker (badges, welcome messages, analytics rollups) beside it, "
        "restarts it if it dies, and stops it on SIGTERM or Ctrl+C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="Server processes: in production one per CPU core by default, in embedded "
            "mode one (SQLite); use PostgreSQL past one.",
        )
        parser.add_argument(
            "--server",
            choices=SERVERS,
            default=default_server(),
            help="The ASGI server (HEARTH_SERVER): granian by default in production, "
            "uvicorn in embedded mode.",
        )
        parser.add_argument(
            "--with-worker",
            action=argparse.BooleanOptionalAction,
            default=not settings.PRODUCTION,
            help="Run `hearth worker` as a child process (default in embedded mode; in "
            "production run workers as their own services).",
        )
        parser.add_argument(
            "--collectstatic",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="Collect the static files first (hashed names, gzip and brotli) when they "
            "changed since the last run; without it, files not collected yet are served "
            "under their plain names.",
        )

    def handle(self, *args, host, port, workers, server, with_worker, collectstatic, **options):
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        if server not in SERVERS:
            raise CommandError(
                f"HEARTH_SERVER must be one of {', '.join(SERVERS)}, not {server!r}."
            )
        if collectstatic:
            collect_static_apart(log=self.stdout.write)
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        self.stdout.write(self.style.SUCCESS(f"Hearth is running at http://{shown_host}:{port}/"))
        self.stdout.write(f"Data directory: {settings.DATA_DIR}  (Ctrl+C to stop)")
        if workers > 1 or with_worker:
            # Before the server processes and the worker start, which inherit it.
            share_metrics_between_processes(settings.DATA_DIR)
        stop_on_sigterm()
        supervisor = None
        try:
            if with_worker:
                log_path = settings.DATA_DIR / "worker.log"
                supervisor = ChildSupervisor(
                    [sys.executable, "-m", "hearth.cli", "worker"], log_path=log_path
                )
                supervisor.start()
                self.stdout.write(
                    f"Background worker running (pid {supervisor.process.pid}); its log: {log_path}"
                )
                self.stdout.flush()
            if server == "granian":
                try:
                    import granian  # noqa: F401
                except ImportError as exc:
                    raise CommandError("granian is not installed: pip install granian") from exc
                run_granian(host, port, workers)
            else:
                run_uvicorn(host, port, workers)
        except KeyboardInterrupt:
            pass  # a signal before uvicorn took over its handling
        finally:
            if supervisor is not None:
                stop_worker(supervisor)
