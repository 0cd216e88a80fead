from django.core.management.base import BaseCommand

from hearth.notifications import scheduler
from hearth.notifications.tasks import run_periodic_jobs


class Command(BaseCommand):
    help = (
        "Run the periodic jobs that are due (digests, the trust sweep, the weekly health "
        "email; catching up notifications, emails and rollups). "
        "Call it from cron every few minutes; each slot runs once however many call it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the run for the worker instead."
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            run_periodic_jobs.enqueue()
            self.stdout.write("Queued the periodic jobs for the worker.")
            return
        ran = scheduler.run_due()
        self.stdout.write("Ran: " + (", ".join(ran) if ran else "nothing new was due"))
