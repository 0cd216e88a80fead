from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hearth.archive.common import ArchiveError
from hearth.archive.community import import_community


class Command(BaseCommand):
    help = (
        "Import a community archive made by `hearth export-community`: "
        "`hearth import-community PATH [--slug NEW]`. Everything is verified first and "
        "written in one transaction; accounts with the same email address are linked, others "
        "are created without a password (their owners set one with 'Forgot password')."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The archive (.zip) to import.")
        parser.add_argument("--slug", help="Import under this slug (when the archive's is taken).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bars.")

    def handle(self, *args, path, slug=None, no_progress=False, **options):
        try:
            summary = import_community(path, slug=slug, show=not no_progress)
        except ArchiveError as exc:
            raise CommandError(f"Nothing was imported: {exc}") from exc
        community = summary["community"]
        self.stdout.write(
            f"Imported {community.slug} ({community.name}): {summary['rows']} rows; "
            f"{summary['users_matched']} accounts linked by email, {summary['users_created']} "
            "created (without a password)."
        )
