from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hearth.archive.common import ArchiveError
from hearth.archive.discourse import import_discourse


class Command(BaseCommand):
    help = (
        "Import a Discourse backup (the .tar.gz from its admin's Backups page) into a new or "
        "empty community: `hearth import-discourse BACKUP --community SLUG [--create NAME]`. "
        "Users, categories, topics, posts and likes are imported in one transaction; "
        "accounts are linked by verified email or created without a password (their owners "
        "set one with 'Forgot password'). See docs/operators/import-discourse.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "backup", type=Path, help="The Discourse backup (.tar.gz, .tar or .sql.gz)."
        )
        parser.add_argument(
            "--community", required=True, metavar="SLUG", help="The community to import into."
        )
        parser.add_argument(
            "--create",
            metavar="NAME",
            help="Create the community under this name (otherwise it must exist, without topics).",
        )
        parser.add_argument(
            "--owner",
            metavar="USERNAME",
            help="With --create: the Hearth account to own it (default: the backup's first admin).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bars.")

    def handle(
        self, *args, backup, community, create=None, owner=None, no_progress=False, **options
    ):
        if owner and create is None:
            raise CommandError("--owner goes with --create: an existing community has its owner.")
        try:
            summary = import_discourse(
                backup, slug=community, create=create, owner=owner, show=not no_progress
            )
        except ArchiveError as exc:
            raise CommandError(f"Nothing was imported: {exc}") from exc
        imported = summary.community
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(summary.skipped.items()))
        self.stdout.write(
            f"Imported into {imported.slug} ({imported.name}): {summary.categories} categories, "
            f"{summary.topics} topics, {summary.posts} posts ({summary.posts_deleted} deleted), "
            f"{summary.reactions} likes, {summary.images} images; {summary.users_linked} accounts "
            "linked by verified "
            f"email, {summary.users_created} created without a password"
            + (
                f" ({summary.users_without_email} of them without an email address)"
                if summary.users_without_email
                else ""
            )
            + "."
            + (f" Left out: {skipped}." if skipped else "")
        )
