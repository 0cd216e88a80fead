from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hearth.archive.common import ArchiveError
from hearth.archive.community import export_community


class Command(BaseCommand):
    help = (
        "Write one community's full archive (JSON lines per table, the accounts it refers "
        "to without passwords, its uploads and a manifest of checksums) to a zip: "
        "`hearth export-community SLUG PATH`."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The community to export.")
        parser.add_argument("path", type=Path, help="The zip file to write.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bars.")

    def handle(self, *args, slug, path, no_progress=False, **options):
        try:
            manifest = export_community(slug, path, show=not no_progress)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(n for label, n in manifest["counts"].items() if label != "accounts.User")
        self.stdout.write(
            f"Exported {slug}: {rows} rows, {manifest['counts']['accounts.User']} accounts and "
            f"{sum(1 for f in manifest['files'] if f.startswith('files/'))} uploads to {path}."
        )
