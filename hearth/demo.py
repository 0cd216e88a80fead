"""The demo data set: a few communities with members who joined through the services, so
every membership has its interaction events and staff actions like real ones."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from hearth.accounts.models import User
from hearth.communities import services
from hearth.communities.models import Community, JoinPolicy, Membership, Role, Visibility
from hearth.core.actor import Actor
from hearth.core.models import InteractionEvent

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "hearth-demo"  # noqa: S105 - printed to the operator on purpose

RULES = """\
Welcome! These rules keep this a place people want to come back to.

1. **Be kind.** Disagree with ideas, never attack people.
2. **Help each other.** Answer questions you know the answer to; say thanks when helped.
3. **No spam or self-promotion** outside the Showcase category.
4. **Keep it on topic** and search before you post.
5. **Respect privacy.** Don't share anyone's personal information.

Staff may remove posts or members who break these rules. If you see a problem, flag it.
"""

FIRST = ["Ada", "Ben", "Chloé", "Dev", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kaia",
         "Liam", "Maya", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Vik",
         "Wen", "Xena", "Yusuf", "Zoë"]  # fmt: skip
LAST = ["Okafor", "Lindqvist", "Moreau", "Patel", "Yilmaz", "Adeyemi", "Hopper", "Tanaka",
        "García", "Berg", "Nakamura", "Silva", "Kowalski", "Haddad", "Novak", "Rossi"]  # fmt: skip
SOURCES = ["newsletter", "instagram", "youtube", "twitter", "website", ""]


def _user(username: str, name: str, password: str | None = None, **extra) -> User:
    user = User.objects.create_user(
        username=username,
        email=f"{username}@example.com",
        password=password,
        display_name=name,
        **extra,
    )
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def build_demo(*, members: int = 120, seed: int = 7) -> Community:
    rng = random.Random(seed)
    owner = _user(DEMO_USERNAME, "Dana Demo", DEMO_PASSWORD, bio="Community manager at Lumen.")
    main = services.community_create(
        user=owner,
        name="Lumen Photographers",
        slug="lumen",
        tagline="Where Lumen camera owners help each other take better photos.",
        accent_color="#c2410c",
        rules=RULES,
        join_policy=JoinPolicy.OPEN,
        visibility=Visibility.PUBLIC,
    )
    approval = services.community_create(
        user=owner,
        name="Lumen Beta Testers",
        slug="lumen-beta",
        tagline="Try firmware before anyone else and tell us what breaks.",
        accent_color="#4338ca",
        rules=RULES + "\n6. **Beta builds are confidential** until release.\n",
        join_policy=JoinPolicy.APPROVAL,
        join_questions=["Which Lumen camera do you own?", "What do you mostly photograph?"],
    )
    services.community_create(
        user=owner,
        name="Lumen Staff Lounge",
        slug="lumen-staff",
        tagline="Private space for the Lumen community team.",
        accent_color="#0f766e",
        rules="Be excellent to each other. What's said here stays here.",
        join_policy=JoinPolicy.INVITE,
        visibility=Visibility.PRIVATE,
    )

    now = timezone.now()
    people = []
    for i in range(members):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        people.append(
            _user(f"{first.lower().replace('é', 'e').replace('ë', 'e')}{i + 1}", f"{first} {last}")
        )
    for i, person in enumerate(people):
        joined = services.membership_join(
            actor=Actor.for_user(person, main),
            community=main,
            accept_rules=True,
            source=rng.choice(SOURCES),
        )
        # Spread join dates over the last six months, as a real community's would be.
        when = now - timedelta(days=rng.uniform(0, 180) * (1 - i / (members * 1.2)))
        Membership.objects.filter(pk=joined.pk).update(joined_at=when, requested_at=when)
        InteractionEvent.objects.filter(
            object_type="communities.membership", object_id=joined.pk
        ).update(created_at=when)
    owner_actor = Actor.for_user(owner, main)
    staff_roles = [Role.ADMIN, Role.MODERATOR, Role.MODERATOR]
    for person, role in zip(people[:3], staff_roles, strict=False):
        services.membership_set_role(
            actor=owner_actor,
            membership=Membership.objects.get(community=main, user=person),
            role=role,
        )
    for person in people[3 : 3 + min(6, max(0, members - 3))]:
        services.membership_join(
            actor=Actor.for_user(person, approval),
            community=approval,
            accept_rules=True,
            answers=["Lumen X2", rng.choice(["Street", "Birds", "Portraits", "Astro"])],
        )
    main.refresh_from_db()
    return main


def demo_is_empty() -> bool:
    return not Community.objects.exists()
