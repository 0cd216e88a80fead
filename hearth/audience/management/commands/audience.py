from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hearth.audience.services import visitor_hashes_prune

DEFAULT_KEEP_DAYS = 400


class Command(BaseCommand):
    help = "Audience upkeep: `hearth audience prune --days 400`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        prune = sub.add_parser(
            "prune",
            help="Delete visitor hashes older than --days; daily totals and referrers stay.",
        )
        prune.add_argument("--days", type=int, default=DEFAULT_KEEP_DAYS)

    def handle(self, *args, action, days, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        before = timezone.now().date() - timedelta(days=days)
        deleted = visitor_hashes_prune(before=before)
        self.stdout.write(f"Deleted {deleted} visitor hashes from before {before}.")
