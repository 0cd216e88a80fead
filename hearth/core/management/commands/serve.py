import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Hearth over HTTP with the ASGI server (uvicorn)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=1, help="Worker processes (use PostgreSQL past one)."
        )

    def handle(self, *args, host, port, workers, **options):
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        self.stdout.write(self.style.SUCCESS(f"Hearth is running at http://{shown_host}:{port}/"))
        self.stdout.write(f"Data directory: {settings.DATA_DIR}  (Ctrl+C to stop)")
        uvicorn.run(
            "hearth.asgi:application",
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            proxy_headers=True,
            lifespan="off",
        )
