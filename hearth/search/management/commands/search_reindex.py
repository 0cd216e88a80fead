from django.core.management.base import BaseCommand, CommandError

from hearth.communities.models import Community
from hearth.search.index import rebuild_index


class Command(BaseCommand):
    help = "Bring the search index in step with the posts (all communities, or one)."

    def add_arguments(self, parser):
        parser.add_argument("--community", metavar="SLUG", help="Only this community.")
        parser.add_argument(
            "--full", action="store_true", help="Rewrite every document, not only missing ones."
        )

    def handle(self, *args, community=None, full=False, **options):
        community_id = None
        if community:
            found = Community.objects.filter(slug=community).first()
            if found is None:
                raise CommandError(f"No community with the slug {community!r}.")
            community_id = found.pk
        topics = rebuild_index(community_id=community_id, full=full)
        self.stdout.write(self.style.SUCCESS(f"Indexed {topics} topics."))
