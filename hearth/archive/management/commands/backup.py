from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hearth.archive.backup import create_backup
from hearth.archive.common import ArchiveError


class Command(BaseCommand):
    help = (
        "Back up the whole install (database, media and private media) into one .tar.gz "
        "with a manifest of checksums: `hearth backup [PATH]`. SQLite is copied with its "
        "online backup API and PostgreSQL with pg_dump, so the site may keep running."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="File to write (default: HEARTH_DATA_DIR/backups/hearth-<time>.tar.gz).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bars.")

    def handle(self, *args, path=None, no_progress=False, **options):
        if path is None:
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            path = Path(settings.DATA_DIR) / "backups" / f"hearth-{stamp}.tar.gz"
        try:
            manifest = create_backup(path, show=not no_progress)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        size = path.stat().st_size
        self.stdout.write(
            f"Backed up the {manifest['database']} database and {len(manifest['files']) - 1} "
            f"uploaded files to {path} ({size / 1024 / 1024:.1f} MiB)."
        )
