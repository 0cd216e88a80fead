from django.core.management.base import BaseCommand

from hearth.demo import DEMO_PASSWORD, DEMO_USERNAME, build_demo, demo_is_empty


class Command(BaseCommand):
    help = "Load the demo communities (use --if-empty to skip a database that has data)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--members", type=int, default=160, help="People who join the main community."
        )
        parser.add_argument("--days", type=int, default=180, help="Days of history to generate.")
        parser.add_argument("--if-empty", action="store_true")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, members, days, if_empty, seed, **options):
        if not demo_is_empty():
            if if_empty:
                self.stdout.write("The database already has communities; demo not loaded.")
                self._print_login()
                return
            self.stderr.write("The database already has communities. Use a fresh data directory.")
            return
        community = build_demo(members=max(0, members), days=max(28, days), seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {community.name} with {community.member_count} members."
            )
        )
        self._print_login()

    def _print_login(self):
        from hearth.accounts.models import User

        user = User.objects.filter(username=DEMO_USERNAME).first()
        if user is not None and user.check_password(DEMO_PASSWORD):
            self.stdout.write(f"Demo login: {DEMO_USERNAME} / {DEMO_PASSWORD}")
