from django.core.management.base import BaseCommand, CommandError

from hearth.communities.models import Community
from hearth.recognition import awards, reputation


class Command(BaseCommand):
    help = (
        "Recognition chores: `hearth badges award --community <slug>` re-evaluates every "
        "automatic badge for every member; `hearth badges reputation --community <slug>` "
        "recounts all-time reputation from the event log."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in [
            ("award", "Grant the automatic badges every member has earned."),
            ("reputation", "Recount every member's all-time reputation."),
        ]:
            action = sub.add_parser(name, help=text)
            action.add_argument("--community", required=True, help="The community's slug.")

    def handle(self, *args, action, community, **options):
        found = Community.objects.filter(slug=community).first()
        if found is None:
            raise CommandError(f"No community with the slug {community!r}.")
        if action == "award":
            granted = awards.award_everyone(found)
            self.stdout.write(self.style.SUCCESS(f"Granted {granted} badge(s) in {found.slug}."))
        else:
            members = reputation.rebuild(found)
            self.stdout.write(
                self.style.SUCCESS(f"Recounted reputation of {members} member(s) in {found.slug}.")
            )
