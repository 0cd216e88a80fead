import argparse
import subprocess
import sys

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve Hearth over HTTP with the ASGI server (uvicorn). In embedded mode it also runs "
        "the background worker (badges, welcome messages, analytics rollups) beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=1, help="Worker processes (use PostgreSQL past one)."
        )
        parser.add_argument(
            "--with-worker",
            action=argparse.BooleanOptionalAction,
            default=not settings.PRODUCTION,
            help="Run `hearth worker` as a child process (default in embedded mode; in "
            "production run workers as their own services).",
        )

    def handle(self, *args, host, port, workers, with_worker, **options):
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        self.stdout.write(self.style.SUCCESS(f"Hearth is running at http://{shown_host}:{port}/"))
        self.stdout.write(f"Data directory: {settings.DATA_DIR}  (Ctrl+C to stop)")
        worker = None
        if with_worker:
            log_path = settings.DATA_DIR / "worker.log"
            self.stdout.write(f"Background worker running; its log: {log_path}")
            with open(log_path, "ab") as log:
                worker = subprocess.Popen(  # noqa: S603
                    [sys.executable, "-m", "hearth.cli", "worker"], stdout=log, stderr=log
                )
        try:
            uvicorn.run(
                "hearth.asgi:application",
                host=host,
                port=port,
                workers=workers,
                log_level="warning",
                # X-Forwarded-For/-Proto only from the proxies the operator names; uvicorn
                # would otherwise trust them from any local process (hearth.core.client_ip).
                proxy_headers=bool(settings.HEARTH_TRUSTED_PROXIES),
                forwarded_allow_ips=settings.HEARTH_TRUSTED_PROXIES,
                lifespan="off",
            )
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
