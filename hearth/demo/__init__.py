"""The demo data set: a few communities whose members joined and took part through the
services, so every membership and post has its interaction events and staff actions like
real ones. The main community gets months of history from hearth.demo.history."""

import random
from datetime import timedelta

import time_machine
from django.db import transaction
from django.utils import timezone

from hearth.accounts.models import User
from hearth.analytics import rollups
from hearth.audience.recording import PageView, visitor_hash
from hearth.audience.services import page_views_save
from hearth.benefits import demo as benefits_demo
from hearth.communities import services
from hearth.communities.models import (
    Community,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Role,
    Visibility,
)
from hearth.conversations import demo as conversations_demo
from hearth.core import ratelimit, scheduler
from hearth.core.actor import Actor
from hearth.core.models import InteractionEvent
from hearth.customers import demo as customers_demo
from hearth.demo.history import build_history, history_start
from hearth.elections import demo as elections_demo
from hearth.events import demo as events_demo
from hearth.governance import demo as governance_demo
from hearth.groups import demo as groups_demo
from hearth.members import demo as members_demo
from hearth.moderation import demo as moderation_demo
from hearth.notifications import emails as notification_emails
from hearth.notifications import fanout as notification_fanout
from hearth.notifications import services as notification_services
from hearth.notifications.models import DigestFrequency, OutboxEmail, OutboxKind
from hearth.onboarding import demo as onboarding_demo
from hearth.recognition import demo as recognition_demo

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


STAFF = [
    # username, name, role, bio
    ("marco", "Marco Reyes", Role.ADMIN, "Product specialist at Lumen."),
    ("sofia", "Sofia Brandt", Role.MODERATOR, "Landscape photographer and Lumen moderator."),
    ("kenji", "Kenji Ito", Role.MODERATOR, "Support engineer at Lumen."),
]


@transaction.atomic
@ratelimit.paused()
def build_demo(*, members: int = 160, seed: int = 7, days: int = 180) -> Community:
    """Three communities: "Lumen Photographers" with ``days`` of history in which
    ``members`` people joined (see hearth.demo.history), with profiles, follows, messages,
    a welcome, badges, watched words, public, private and secret groups, a finished
    moderator election, a review queue (flagged, held and appealed items),
    page views and its health rollups; an approval-only beta community with pending
    requests; and a private staff lounge. Months of history are written in seconds, so the
    posting limits are paused."""
    rng = random.Random(seed)
    now = timezone.now()
    # Lumen and its team exist since just before the history starts.
    with time_machine.travel(history_start(now, days) - timedelta(hours=6), tick=False):
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
        owner_actor = Actor.for_user(owner, main)
        staff = [owner]
        for username, name, role, bio in STAFF:
            user = _user(username, name, bio=bio)
            membership = services.membership_join(
                actor=Actor(user, main), community=main, accept_rules=True
            )
            services.membership_set_role(actor=owner_actor, membership=membership, role=role)
            staff.append(user)
    build_history(main, staff, days=days, rng=rng, members=members, until=now)
    people = [
        m.user
        for m in Membership.objects.filter(
            community=main, status=MembershipStatus.ACTIVE, role=Role.MEMBER
        ).select_related("user")
    ]
    # Profiles, messages, the welcome and badges as of today's start (UTC), so a seed always
    # gives the same story relative to the history.
    with time_machine.travel(history_start(now, days) + timedelta(days=days), tick=False):
        members_demo.populate(main, people, rng)
        conversations_demo.populate(main, people, rng)
        onboarding_demo.populate(main, owner, people, rng)
        recognition_demo.populate(main, owner, people, rng)
        moderation_demo.populate(main, owner, staff[2], people, rng)
        events_demo.populate(main, owner, rng)
        # A stream of its own, so the groups leave the rest of the seeded story unchanged.
        groups_demo.populate(main, owner, people, random.Random(f"groups-{seed}"))
        # The organisation's customer list (Benefits tab), on its own stream too.
        customers_demo.populate(
            main, owner, timezone.now().date(), random.Random(f"customers-{seed}")
        )
        elections_demo.populate(main, owner, random.Random(f"elections-{seed}"))
        # Last: the adopted proposal changes the rules, which members then accept.
        governance_demo.populate(main, owner, random.Random(f"governance-{seed}"))
    _page_views(main, start=history_start(now, days).date(), end=now.date(), rng=rng)
    # People finding the solved questions: the Benefits tab's answer views.
    benefits_demo.populate(
        main, owner, start=history_start(now, days).date(), end=now.date(), seed=seed
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
    # Lumen's most involved members ask to join the beta; their requests wait for review.
    testers = (
        Membership.objects.filter(community=main, status=MembershipStatus.ACTIVE, role=Role.MEMBER)
        .order_by("-trust_level", "joined_at")
        .select_related("user")[:6]
    )
    for membership in testers:
        services.membership_join(
            actor=Actor.for_user(membership.user, approval),
            community=approval,
            accept_rules=True,
            answers=["Lumen X2", rng.choice(["Street", "Birds", "Portraits", "Astro"])],
        )
    main.refresh_from_db()
    for community in Community.objects.all():
        rollups.rebuild(community)
        # The demo history's notifications, so its members have a bell and a list to open.
        notification_fanout.process(community, lag=timedelta(0))
    _demo_digest(main, owner)
    return main


def _demo_digest(community: Community, user: User) -> None:
    """The demo login's weekly digest, sent now (embedded installs write mail under
    var/mail) so there is one to read; this week's scheduled run then finds it done."""
    notification_services.preferences_save(
        actor=Actor.for_user(user, community), channels={}, digest=DigestFrequency.WEEKLY
    )
    now = timezone.now()
    slot = scheduler.weekly(now)
    row, _created = OutboxEmail.objects.get_or_create(
        kind=OutboxKind.DIGEST,
        recipient=user,
        community=community,
        period_key=f"{DigestFrequency.WEEKLY}:{slot}",
        defaults={"send_after": now},
    )
    notification_emails.send_outbox(row.pk)


REFERRERS = ["google.com", "instagram.com", "youtube.com", "reddit.com", "t.co", "", "", ""]
VISIT_SOURCES = [
    ("newsletter", ""), ("instagram", ""), ("youtube-launch", ""),
    ("spring-meetup", ""), ("google", ""), ("reddit", ""), ("twitter", ""),
]  # fmt: skip


def _page_views(community: Community, *, start, end, rng: random.Random) -> None:
    """The audience side: every active member's views, plus anonymous visitors of whom
    some land from the campaigns' links, so reach and community can be compared."""
    active: dict = {}
    for actor, at in (
        InteractionEvent.objects.filter(community=community)
        .exclude(actor=None)
        .values_list("actor_id", "created_at")
    ):
        active.setdefault(at.date(), set()).add(actor)
    views = []
    day = start
    while day <= end:
        visitors = [f"u:{user}" for user in active.get(day, ())]
        visitors += [f"a:demo-{day}-{n}" for n in range(rng.randint(30, 90))]
        for identity in visitors:
            landed = identity.startswith("a:") and rng.random() < 0.15
            source, campaign = rng.choice(VISIT_SOURCES) if landed else ("", "")
            for n in range(rng.randint(1, 6)):
                views.append(
                    PageView(
                        community.pk,
                        day,
                        visitor_hash(community.pk, identity),
                        rng.choice(REFERRERS) if n == 0 and identity.startswith("a:") else "",
                        source if n == 0 else "",
                        campaign if n == 0 else "",
                    )
                )
        day += timedelta(days=1)
    page_views_save(views)


def demo_is_empty() -> bool:
    return not Community.objects.exists()
