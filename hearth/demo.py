"""The demo data set: a few communities with members who joined through the services, so
every membership has its interaction events and staff actions like real ones."""

import io
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from hearth.accounts.models import User
from hearth.communities import services
from hearth.communities.models import Community, JoinPolicy, Membership, Role, Visibility
from hearth.core.actor import Actor
from hearth.core.models import InteractionEvent
from hearth.discussions import services as discussion_services
from hearth.discussions.models import REACTIONS, Category, Post, Topic
from hearth.ideas import services as idea_services
from hearth.ideas.models import Idea
from hearth.qa import services as qa_services
from hearth.qa.models import Question
from hearth.search.models import PostDocument

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


TOPICS = [
    ("Best settings for night sky shots on the X2?", "astro"),
    ("Autofocus hunting in low light — firmware fix coming?", "gear"),
    ("Share your favourite street photo from this week", "critique"),
    ("Which lens for portraits: 50mm or 85mm?", "gear"),
    ("How do you back up thousands of RAW files?", "general"),
    ("Critique my first attempt at long exposure", "critique"),
    ("Battery life tips for cold weather", "gear"),
    ("Monthly challenge: reflections", "general"),
    ("Editing workflow: Lightroom vs darktable", "general"),
    ("Birds in flight — shutter speed advice?", "critique"),
    ("Is the lens hood worth it?", "gear"),
    ("Photo walk meetup in Lisbon", "general"),
]
REPLIES = [
    "Great question! I usually start with ISO 3200, f/2.8 and 15 seconds, then adjust.",
    "Thanks for sharing this, it's exactly what I needed.",
    "I had the same problem — updating the firmware to 2.1 fixed it for me.",
    "Lovely composition. I'd crop a little from the left to balance the horizon.",
    "Have you tried the 500 rule? Divide 500 by your focal length for the longest exposure.",
    "Seconding this. The **85mm** gives much nicer compression for portraits.",
    "I keep two copies locally and one offsite. Boring but it works.",
    "> the trick is patience\n\nSo true. I waited an hour for that heron.",
    "Welcome to the community! Post a photo when you can 📷",
    "Here's a checklist I use:\n\n- clean the sensor\n- format the card\n- charge *two* batteries",
    "This thread convinced me to try darktable. The learning curve is real though.",
    "::: spoiler\nThe answer is: a polarising filter.\n:::",
]
INTRODUCTIONS = [
    "Hi all! I'm a hobbyist from Porto, mostly shooting street and architecture.",
    "Hello! Just got my first Lumen camera and I'm here to learn.",
    "Long-time lurker, first post. I love astrophotography.",
]


def _backdate(topic: Topic, start, rng: random.Random) -> None:
    """Spread a generated thread over time, keeping events in step with the posts."""
    posts = list(Post.objects.filter(topic=topic).order_by("number"))
    gaps = [timedelta(minutes=rng.randint(10, 60 * 30)) for _ in posts[1:]]
    # Keep the whole thread in the past.
    start = min(start, timezone.now() - sum(gaps, timedelta()) - timedelta(minutes=5))
    when, last = start, None
    for post, gap in zip(posts, [timedelta(), *gaps], strict=True):
        when = when + gap
        Post.objects.filter(pk=post.pk).update(created_at=when)
        InteractionEvent.objects.filter(object_type="discussions.post", object_id=post.pk).update(
            created_at=when
        )
        PostDocument.objects.filter(post_id=post.pk).update(created_at=when)
        last = when
    Topic.objects.filter(pk=topic.pk).update(created_at=start, last_posted_at=last or start)
    InteractionEvent.objects.filter(object_type="discussions.topic", object_id=topic.pk).update(
        created_at=start
    )
    question = Question.objects.filter(topic=topic).first()
    if question is not None:
        times = {p.pk: p.created_at for p in Post.objects.filter(topic=topic)}
        Question.objects.filter(pk=question.pk).update(
            asked_at=start,
            first_response_at=times.get(question.first_response_id),
            accepted_at=last if question.accepted_answer_id else None,
        )


def build_discussions(
    community: Community, owner: User, people: list[User], *, topics: int, rng
) -> None:
    owner_actor = Actor.for_user(owner, community)
    cats = {c.slug: c for c in Category.objects.filter(community=community)}
    for slug, name, description, color, post_access in [
        (
            "gear",
            "Gear & firmware",
            "Cameras, lenses, accessories and updates.",
            "#9333ea",
            "members",
        ),
        (
            "critique",
            "Photo critique",
            "Share a photo and ask for honest, kind feedback.",
            "#db2777",
            "members",
        ),
        (
            "astro",
            "Astrophotography",
            "Night skies, star trails and the Milky Way.",
            "#0f172a",
            "members",
        ),
        ("announcements", "Announcements", "News from the Lumen team.", "#c2410c", "staff"),
    ]:
        cats[slug] = discussion_services.category_create(
            actor=owner_actor,
            name=name,
            slug=slug,
            description=description,
            color=color,
            post_access=post_access,
        )
    now = timezone.now()
    welcome = discussion_services.topic_create(
        actor=owner_actor, category=cats["announcements"], title="Welcome to Lumen Photographers!",
        body="We're so glad you're here. Start by introducing yourself in **Introductions** and "
        "read the rules. Questions about your camera? Ask in *Gear & firmware*.",
    )  # fmt: skip
    discussion_services.topic_set_state(actor=owner_actor, topic=welcome, pinned=True)
    _backdate(welcome, now - timedelta(days=170), rng)
    for text, person in zip(INTRODUCTIONS, people[10:13], strict=False):
        actor = Actor.for_user(person, community)
        intro = discussion_services.topic_create(
            actor=actor,
            category=cats["introductions"],
            title=f"Hello from {person.display_name.split()[0]}!",
            body=text,
        )
        greeter = rng.choice(people[:10])
        discussion_services.post_reply(
            actor=Actor.for_user(greeter, community),
            topic=intro,
            body=f"Welcome @{person.username}! Glad you're here.",
        )
        _backdate(intro, now - timedelta(days=rng.uniform(1, 60)), rng)
    for i in range(topics):
        title, slug = TOPICS[i % len(TOPICS)]
        if i >= len(TOPICS):
            title = f"{title} ({i // len(TOPICS) + 1})"
        author = rng.choice(people)
        actor = Actor.for_user(author, community)
        body = rng.choice(REPLIES[:7]) + "\n\nWhat do you all think?"
        image = _demo_image(rng) if i % 5 == 0 else None
        topic = discussion_services.topic_create(
            actor=actor, category=cats[slug], title=title, body=body, image=image
        )
        posts = [Post.objects.get(topic=topic, number=1)]
        for _ in range(rng.randint(0, 9)):
            replier = rng.choice(people + [owner])
            target = rng.choice(posts)
            text = rng.choice(REPLIES)
            if rng.random() < 0.3 and target.author_id and target.author_id != replier.pk:
                text = f"@{target.author.username} {text}"
            posts.append(
                discussion_services.post_reply(
                    actor=Actor.for_user(replier, community),
                    topic=topic,
                    body=text,
                    reply_to=target if rng.random() < 0.4 else None,
                )  # fmt: skip
            )
        for post in posts:
            for reactor in rng.sample(people, k=min(len(people), rng.randint(0, 4))):
                if reactor.pk != post.author_id:
                    discussion_services.reaction_toggle(
                        actor=Actor.for_user(reactor, community),
                        post=post,
                        kind=rng.choice(list(REACTIONS)),
                    )
        _backdate(topic, now - timedelta(days=rng.uniform(0, 150), hours=rng.uniform(0, 23)), rng)


QUESTIONS = [
    (
        "How do I update the firmware without a computer?",
        "Use the Lumen app: Settings → Camera → Firmware. Keep the battery above 50%.",
    ),
    (
        "Why are my night photos grainy?",
        "Lower the ISO, use a longer exposure on a tripod, turn on long-exposure noise reduction.",
    ),
    (
        "Can I use old manual lenses with the X2?",
        "Yes, with an M42 adapter. Set 'shoot without lens' to On in the menu.",
    ),
    (
        "What does the orange blinking light mean?",
        "It's writing to the card. Wait until it stops before removing the card.",
    ),
    ("Best SD card for 4K video?", "Any V30 card works; V60 if you shoot the high bit-rate mode."),
    (
        "How to transfer photos to my phone over Wi-Fi?",
        "Pair in the app first, then Playback → Send to phone.",
    ),
    ("Is the X2 weather sealed?", None),
    ("Autofocus won't lock on faces in backlight", None),
    ("How do I reset all settings?", None),
]
IDEAS = [
    ("Dark mode in the Lumen app", "shipped", "Shipped in app 3.2 — thank you all for the votes!"),
    (
        "Bluetooth remote shutter from the phone",
        "in_progress",
        "We're building this now; beta testers will get it first.",
    ),
    ("Focus peaking colour choice", "planned", "Planned for the spring firmware."),
    ("Interval timer up to 24 hours", "planned", None),
    (
        "Export presets to share with friends",
        "under_review",
        "We love this and are looking at how presets could be shared safely.",
    ),
    (
        "Built-in GPS tagging",
        "declined",
        "A GPS radio would cut battery life by a third; the app can tag photos from your phone.",
    ),
    ("Custom button for ISO", "new", None),
    ("Star-tracking mode for astrophotography", "new", None),
]


def build_support_and_ideas(community: Community, owner: User, people: list[User], *, rng) -> None:
    """A questions category (members answering most, staff some, a few unanswered) and an
    ideas board with every status, votes and official responses."""
    owner_actor = Actor.for_user(owner, community)
    help_desk = discussion_services.category_create(
        actor=owner_actor, name="Help & support", slug="help", kind="questions", color="#0891b2",
        description="Ask anything about your Lumen camera; members and staff answer.",
    )  # fmt: skip
    ideas = discussion_services.category_create(
        actor=owner_actor, name="Ideas", slug="ideas", kind="ideas", color="#ca8a04",
        description="Propose and vote on what Lumen should build next.",
    )  # fmt: skip
    staff = people[:3]
    now = timezone.now()
    for i, (title, answer) in enumerate(QUESTIONS):
        asker = people[20 + i]
        topic = discussion_services.topic_create(
            actor=Actor.for_user(asker, community), category=help_desk, title=title,
            body="I've searched but couldn't find this. Any help appreciated!",
        )  # fmt: skip
        if answer is not None:
            helper = staff[i % 3] if i < 2 else rng.choice(people[30:90])
            reply = discussion_services.post_reply(
                actor=Actor.for_user(helper, community), topic=topic, body=answer
            )
            for voter in rng.sample(people[40:100], k=rng.randint(1, 5)):
                if voter.pk != helper.pk:
                    qa_services.answer_vote_toggle(
                        actor=Actor.for_user(voter, community), answer=reply
                    )
            if i % 4 != 3:
                qa_services.answer_accept(actor=Actor.for_user(asker, community), answer=reply)
        _backdate(topic, now - timedelta(days=rng.uniform(1, 120)), rng)
    for title, status, response in IDEAS:
        author = rng.choice(people[10:80])
        topic = discussion_services.topic_create(
            actor=Actor.for_user(author, community), category=ideas, title=title,
            body="It would make the camera so much nicer to use. Who's with me?",
        )  # fmt: skip
        idea = Idea.objects.get(topic=topic)
        for voter in rng.sample(people, k=rng.randint(3, 25)):
            if voter.pk != author.pk:
                idea_services.idea_vote(actor=Actor.for_user(voter, community), idea=idea)
        if status != "new":
            idea_services.idea_set_status(
                actor=owner_actor, idea=idea, status=status, response=response or ""
            )
        _backdate(topic, now - timedelta(days=rng.uniform(5, 160)), rng)


def _demo_image(rng: random.Random):
    """A generated landscape (gradient sky, dark hills), so the demo needs no files."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    width, height = 960, 640
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = (rng.randint(10, 60), rng.randint(20, 80), rng.randint(80, 160)), (250, 160, 90)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    draw.polygon(
        [(0, 640), (0, 420), (260, 330), (520, 450), (760, 360), (960, 430), (960, 640)],
        fill=(30, 35, 45),
    )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return SimpleUploadedFile("landscape.jpg", buffer.getvalue(), content_type="image/jpeg")


@transaction.atomic
def build_demo(*, members: int = 120, topics: int = 30, seed: int = 7) -> Community:
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
    # Trust levels arrive with their own feature; the demo shows a realistic spread now.
    for person in people:
        Membership.objects.filter(community=main, user=person).update(
            trust_level=rng.choice([0, 1, 1, 2, 2, 3])
        )
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
    if people and topics:
        build_discussions(main, owner, people, topics=topics, rng=rng)
    if len(people) >= 100:
        build_support_and_ideas(main, owner, people, rng=rng)
    main.refresh_from_db()
    return main


def demo_is_empty() -> bool:
    return not Community.objects.exists()
