from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from hearth.archive.backup import restore_backup
from hearth.archive.common import ArchiveError


class Command(BaseCommand):
    help = (
        "Restore a backup made by `hearth backup`: `hearth restore PATH [--force]`. Stop the "
        "app and the worker first. Checksums and the schema are verified before anything is "
        "touched; a non-empty database or upload folder is replaced only with --force, and a "
        "backup made by a newer Hearth is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup (.tar.gz) to restore.")
        parser.add_argument(
            "--force", action="store_true", help="Replace a database that holds data."
        )
        parser.add_argument(
            "--no-migrate",
            action="store_true",
            help="Do not bring an older backup's schema up to date afterwards.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bars.")

    def handle(self, *args, path, force=False, no_migrate=False, no_progress=False, **options):
        try:
            manifest = restore_backup(path, force=force, show=not no_progress)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} (Hearth "
            f"{manifest['hearth_version']}, {len(manifest['files']) - 1} uploaded files)."
        )
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
            self.stdout.write("The schema is up to date.")
