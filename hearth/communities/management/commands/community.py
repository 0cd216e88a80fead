from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hearth.accounts.models import User
from hearth.communities import services
from hearth.communities.models import Community, JoinPolicy, Visibility


class Command(BaseCommand):
    help = "Manage communities: `hearth community create …`, `hearth community list`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a community owned by an existing user.")
        create.add_argument("--name", required=True)
        create.add_argument("--slug", required=True)
        create.add_argument("--owner", required=True, help="Username of the owner.")
        create.add_argument("--tagline", default="")
        create.add_argument("--color", default="#2f6f4e", help="Accent colour, #rrggbb.")
        rules = create.add_mutually_exclusive_group(required=True)
        rules.add_argument("--rules", help="Rules text (Markdown).")
        rules.add_argument("--rules-file", type=Path, help="File holding the rules (Markdown).")
        create.add_argument("--join-policy", choices=JoinPolicy.values, default=JoinPolicy.OPEN)
        create.add_argument("--visibility", choices=Visibility.values, default=Visibility.PUBLIC)
        create.add_argument(
            "--question", action="append", default=[], help="A join question (repeatable)."
        )
        create.add_argument("--logo", type=Path, help="Path to a logo image.")
        sub.add_parser("list", help="List communities.")

    def handle(self, *args, action, **options):
        if action == "list":
            for c in Community.objects.order_by("slug"):
                self.stdout.write(
                    f"{c.slug:24} {c.member_count:>7} members  {c.visibility:8} {c.name}"
                )
            return
        owner = User.objects.filter(username=options["owner"]).first()
        if owner is None:
            raise CommandError(
                f"No user named {options['owner']!r}. Create one with `hearth createsuperuser`."
            )
        rules = options["rules"]
        if options["rules_file"]:
            try:
                rules = options["rules_file"].read_text()
            except OSError as exc:
                raise CommandError(f"Cannot read the rules file: {exc}") from exc
        logo = None
        if options["logo"]:
            try:
                logo = options["logo"].open("rb")
            except OSError as exc:
                raise CommandError(f"Cannot read the logo: {exc}") from exc
            logo.size = options["logo"].stat().st_size
        try:
            community = services.community_create(
                user=owner,
                name=options["name"],
                slug=options["slug"],
                tagline=options["tagline"],
                accent_color=options["color"],
                rules=rules,
                join_policy=options["join_policy"],
                visibility=options["visibility"],
                join_questions=options["question"],
                logo=logo,
            )
        except ValidationError as exc:
            lines = [f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
            raise CommandError("\n".join(lines)) from exc
        finally:
            if logo is not None:
                logo.close()
        self.stdout.write(self.style.SUCCESS(f"Created {community.name} at /c/{community.slug}/"))
