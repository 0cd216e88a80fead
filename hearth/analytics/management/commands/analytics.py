import time

from django.core.management.base import BaseCommand, CommandError

from hearth.analytics import rollups
from hearth.analytics.emails import send_weekly_email
from hearth.communities.models import Community


class Command(BaseCommand):
    help = (
        "Health-dashboard rollups: `hearth analytics rebuild --community SLUG` recomputes a "
        "community's rollups from its whole event log; `hearth analytics update` applies new "
        "events (what the background task does); `hearth analytics weekly-email --all` sends "
        "each community's staff the weekly health email (run it weekly from cron)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("rebuild", "Delete and recompute the rollups from the raw events."),
            ("update", "Apply events recorded since the last run."),
            ("weekly-email", "Email staff the last seven days' health figures."),
        ):
            action = sub.add_parser(name, help=text)
            which = action.add_mutually_exclusive_group(required=True)
            which.add_argument("--community", help="Slug of the community.")
            which.add_argument("--all", action="store_true", dest="every", help="Every community.")

    def handle(self, *args, action, community=None, every=False, **options):
        if every:
            communities = list(Community.objects.order_by("slug"))
        else:
            communities = list(Community.objects.filter(slug=community))
            if not communities:
                raise CommandError(f"No community with the slug {community!r}.")
        if action == "weekly-email":
            for c in communities:
                rollups.update(c)
                sent = send_weekly_email(c)
                self.stdout.write(f"{c.slug}: weekly email sent to {sent} staff members")
            return
        for c in communities:
            began = time.perf_counter()
            n = rollups.rebuild(c) if action == "rebuild" else rollups.update(c)
            seconds = time.perf_counter() - began
            self.stdout.write(f"{c.slug}: {n} events applied in {seconds:.1f} s")
