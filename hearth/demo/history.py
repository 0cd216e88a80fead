"""Months of a community's life for the demo, generated through the services.

:func:`build_history` replays about six months of a photography community: people join in
waves from invite campaigns and organic links, introduce themselves, ask and answer, start
discussions, react, propose and vote on ideas, then either drift away or become regulars.
Every write goes through the service a real request would call, inside
``time_machine.travel`` at the moment it happened, so every row and every interaction
event carries its historical time and the health dashboard reads a community exactly as it
would have grown. The story it tells:

- early on staff start most topics and answer most questions, slowly; over the months
  members answer each other, and sooner (member-to-member and member support shares rise,
  time to first response falls);
- newcomers are welcomed more often and sooner as the community matures, and the welcomed
  stay longer (cohort retention);
- some members become regulars and leaders, many drift away after a few weeks, a few
  leave; three cliques talk mostly among themselves, with two members bridging them;
- members propose ideas and vote on them; staff answer most, and a few ship.

The simulation is a queue of timed actions: joins, daily visits and the replies and
reactions a new post will draw are scheduled ahead, and whoever acts is chosen when the
action runs, from the members still around then.
"""

from __future__ import annotations

import heapq
import io
import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import time_machine
from django.utils import timezone

from hearth.accounts.models import User
from hearth.communities import services as community_services
from hearth.communities.models import Community, Membership
from hearth.core.actor import Actor
from hearth.demo import content, people
from hearth.demo.content import ThreadDeck
from hearth.demo.script import ANSWER, ANYONE, AUTHOR, REPLY_PREV, STAFF, Script
from hearth.demo.script import render as script_render
from hearth.discussions import policy as discussion_policy
from hearth.discussions import services as discussion_services
from hearth.discussions.models import REACTIONS, Category, Post, Topic
from hearth.ideas import services as idea_services
from hearth.ideas.models import CLOSED_STATUSES, Idea, IdeaStatus
from hearth.qa import services as qa_services
from hearth.trust import levels as trust_levels
from hearth.trust import services as trust_services

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
# How many of the latest topics a visit reads.
READS_PER_VISIT = {"leader": 6, "regular": 4, "casual": 3, "lurker": 2}


# Who joins, from where, and how they behave ------------------------------------------


@dataclass(frozen=True)
class Channel:
    """A way in: an invite campaign (joins with its code) or an organic link's
    ``?source=``. ``when`` draws a join moment as a fraction of the history."""

    source: str
    invite: bool
    share: float
    opens_at: float  # fraction of the history when the campaign's invite is created
    when: Callable[[random.Random], float]
    kinds: tuple[float, float, float, float]  # leader, regular, casual, lurker


def _launch(rng: random.Random) -> float:
    # The launch newsletter: a spike in the first days, then people who read it late.
    return rng.expovariate(1 / 0.025) if rng.random() < 0.85 else rng.uniform(0.05, 0.9)


def _bump(at: float, spread: float) -> Callable[[random.Random], float]:
    return lambda rng: at + rng.expovariate(1 / spread)


def _growing(rng: random.Random) -> float:
    # Search and social links bring more people as the community has more to find.
    return math.sqrt(rng.random())


def _steady(rng: random.Random) -> float:
    return rng.uniform(0.01, 1)


def _meetup(rng: random.Random) -> float:
    # People met at the spring photo walk and signed up over the next week.
    return rng.uniform(0.70, 0.74)


CHANNELS = (
    # source, invite, share of people, invite created at, join moments, kinds of people
    Channel("newsletter", True, 0.24, 0.0, _launch, (0.14, 0.26, 0.37, 0.23)),
    Channel("instagram", True, 0.18, 0.0, _steady, (0.06, 0.16, 0.43, 0.35)),
    Channel("youtube-launch", True, 0.17, 0.35, _bump(0.35, 0.03), (0.03, 0.12, 0.40, 0.45)),
    Channel("spring-meetup", True, 0.07, 0.69, _meetup, (0.16, 0.42, 0.32, 0.10)),
    Channel("google", False, 0.10, 0.0, _growing, (0.07, 0.20, 0.43, 0.30)),
    Channel("reddit", False, 0.07, 0.0, _growing, (0.07, 0.20, 0.43, 0.30)),
    Channel("twitter", False, 0.05, 0.0, _growing, (0.05, 0.18, 0.42, 0.35)),
    Channel("", False, 0.12, 0.0, _steady, (0.06, 0.18, 0.42, 0.34)),
)
KINDS = ("leader", "regular", "casual", "lurker")


@dataclass(frozen=True)
class Profile:
    activity: float  # chance of a visit on a given day, when new
    half_life: float  # days for that chance to halve
    starts_topic: float  # chance a visit starts a topic
    helpfulness: float  # weight when someone answers a question
    welcoming: float  # weight when someone welcomes a newcomer
    intro: float  # chance of introducing themselves


PROFILES = {
    "leader": Profile(0.4, 400, 0.16, 6.0, 5.0, 0.95),
    "regular": Profile(0.20, 80, 0.10, 2.0, 1.5, 0.8),
    "casual": Profile(0.13, 12, 0.07, 0.5, 0.2, 0.6),
    "lurker": Profile(0.04, 6, 0.02, 0.1, 0.05, 0.25),
}
STAFF_WEIGHTS = (1, 2, 3, 3)  # owner, admin, moderators: who picks up a thread


@dataclass(eq=False)
class Person:
    user: User
    kind: str  # "staff" or one of KINDS
    joins_at: datetime | None = None  # None for staff, members before the history starts
    channel: Channel | None = None
    cliques: tuple[int, ...] = ()
    actor: Actor | None = None
    first_post_at: datetime | None = None
    welcomed: bool | None = None  # whether their first post got a reply within a day
    leaves_at: datetime | None = None
    left: bool = False
    staff_weight: int = 1

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"

    def activity(self, at: datetime) -> float:
        """Chance of a visit on the day of ``at``."""
        if self.is_staff:
            return 1.0
        profile = PROFILES[self.kind]
        base, half_life = profile.activity, profile.half_life
        if self.welcomed:
            base, half_life = base * 1.15, half_life * 1.7
        elif self.welcomed is False:
            half_life *= 0.6
        age = (at - self.joins_at) / DAY
        return base * 0.5 ** (age / half_life)


# What they write ---------------------------------------------------------------------

CATEGORIES = [
    # slug, name, description, colour, kind, staff only
    (
        "gear",
        "Gear & firmware",
        "Cameras, lenses, accessories and updates.",
        "#9333ea",
        "discussion",
        False,
    ),
    (
        "critique",
        "Photo critique",
        "Share a photo and ask for honest, kind feedback.",
        "#db2777",
        "discussion",
        False,
    ),
    (
        "astro",
        "Astrophotography",
        "Night skies, star trails and the Milky Way.",
        "#0f172a",
        "discussion",
        False,
    ),
    ("announcements", "Announcements", "News from the Lumen team.", "#c2410c", "discussion", True),
    (
        "help",
        "Help & support",
        "Ask anything about your Lumen camera; members and staff answer.",
        "#0891b2",
        "questions",
        False,
    ),
    (
        "ideas",
        "Ideas",
        "Propose and vote on what Lumen should build next.",
        "#ca8a04",
        "ideas",
        False,
    ),
]
# The three cliques each gather in their own corner.
CLIQUE_HOMES = ("astro", "critique", "gear")
DISCUSSION_CATEGORIES = ("general", "gear", "critique", "astro")


def demo_image(rng: random.Random):
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


@dataclass(eq=False)
class Thread:
    topic: Topic
    kind: str  # discussion, question, idea, intro, announcement
    author: Person
    category: str
    clique: int | None
    posts: list[tuple[Post, Person]] = field(default_factory=list)
    idea: Idea | None = None
    idea_status: str = IdeaStatus.NEW
    at: datetime | None = None  # when it started
    script: Script | None = None  # what is said in it, reply by reply
    answer_post: Post | None = None  # the post that answers the question
    answered_by: Person | None = None
    said: set[str] = field(default_factory=set)  # reply bodies, none twice
    details: dict = field(default_factory=dict)  # an introduction's place and subject


# The simulation ------------------------------------------------------------------------


class _History:
    def __init__(
        self,
        community: Community,
        staff: list[User],
        *,
        days: int,
        members: int,
        until: datetime,
        rng: random.Random,
    ) -> None:
        self.community, self.rng = community, rng
        # The story is laid out on whole UTC days from ``start`` and cut off at ``until``,
        # so the same seed tells the same story whatever the time of day it is built.
        self.start, self.until = history_start(until, days), until
        self.length = days * DAY
        # A smaller community keeps its staff proportionally less busy.
        self.staff_scale = min(1.0, members / 200)
        self.days = days
        self.queue: list = []
        self.order = itertools.count()
        self.staff = [
            Person(user, "staff", actor=Actor.for_user(user, community), staff_weight=weight)
            for user, weight in zip(staff, itertools.cycle(STAFF_WEIGHTS), strict=False)
        ]
        self.people: list[Person] = []
        self.joined: list[Person] = []
        self.categories: dict[str, Category] = {}
        self.invites: dict[str, str] = {}
        self.recent: list[tuple[datetime, Post, Person, Thread]] = []
        self.reacted: set[tuple[int, int]] = set()
        self.voted: set[tuple[int, int]] = set()
        self.ideas: list[Thread] = []
        self.images = 0
        self.titles: set[str] = set()
        scale = (members / 160) * (days / 180)
        self.decks = {key: ThreadDeck(key, rng, self.titles, scale) for key in content.EXPECTED}
        self._day_cache: tuple[int, list[tuple[Person, float]]] | None = None
        self._plan_people(members)

    # Time ------------------------------------------------------------------------------

    def phase(self, at: datetime) -> float:
        """How far into the history ``at`` is: 0 at the start, 1 after ``days``."""
        return min(1.0, max(0.0, (at - self.start) / self.length))

    def moment(self, fraction: float) -> datetime:
        return self.start + self.length * fraction

    def later(self, median_hours: float, sigma: float = 0.9) -> timedelta:
        return HOUR * self.rng.lognormvariate(math.log(median_hours), sigma)

    def time_of_day(self, day: datetime) -> datetime:
        return day + HOUR * self.rng.triangular(6, 24, 20)

    def clique_pull(self, at: datetime) -> float:
        """How much more clique members turn to each other: cliques form in the first
        months."""
        return 1 + 7 * min(1.0, self.phase(at) / 0.4)

    def schedule(self, at: datetime, action: Callable, *args) -> None:
        if at < self.until - timedelta(minutes=1):
            heapq.heappush(self.queue, (at, next(self.order), action, args))

    def run(self) -> None:
        while self.queue:
            at, _order, action, args = heapq.heappop(self.queue)
            with time_machine.travel(at, tick=False):
                action(at, *args)

    # Planning who comes ----------------------------------------------------------------

    def _plan_people(self, count: int) -> None:
        rng = self.rng
        channels = rng.choices(CHANNELS, weights=[c.share for c in CHANNELS], k=count)
        plans = []
        for channel in channels:
            fraction = min(channel.when(rng), 0.995)
            kind = rng.choices(KINDS, weights=channel.kinds)[0]
            plans.append((fraction, channel, kind))
        plans.sort(key=lambda plan: plan[0])
        names = people.unique_names(len(plans), rng)
        for (fraction, channel, kind), (username, name) in zip(plans, names, strict=True):
            user = User.objects.create_user(
                username=username, email=f"{username}@example.com", display_name=name
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
            if people.has_avatar(username):
                people.give_avatar(user)
            joins_at = self.moment(fraction) + timedelta(minutes=rng.uniform(0, 600))
            person = Person(user, kind, joins_at=joins_at, channel=channel)
            if kind == "casual" and rng.random() < 0.1:
                person.leaves_at = joins_at + DAY * rng.uniform(20, 60)
            self.people.append(person)
            self.schedule(joins_at, self.join, person)
        self._form_cliques()

    def _form_cliques(self) -> None:
        """Three small groups of early regulars and leaders, and two members in two."""
        rng = self.rng
        early = [
            p
            for p in self.people
            if p.kind in ("leader", "regular") and self.phase(p.joins_at) < 0.6
        ]
        rng.shuffle(early)
        size = max(2, min(5, len(early) // 4))
        groups = [early[i * size : (i + 1) * size] for i in range(len(CLIQUE_HOMES))]
        for number, group in enumerate(groups):
            for person in group:
                person.cliques = (number,)
        leaders = [p for p in early[len(CLIQUE_HOMES) * size :] if p.kind == "leader"]
        for person, pair in zip(leaders, [(0, 1), (1, 2)], strict=False):
            person.cliques = pair

    # Set-up ----------------------------------------------------------------------------

    def setup(self) -> None:
        owner = self.staff[0]
        with time_machine.travel(self.start - HOUR, tick=False):
            for slug, name, description, color, kind, staff_only in CATEGORIES:
                self.categories[slug] = discussion_services.category_create(
                    actor=owner.actor,
                    name=name,
                    slug=slug,
                    description=description,
                    color=color,
                    kind=kind,
                    post_access="staff" if staff_only else "members",
                )
        for slug in ("general", "introductions"):
            self.categories[slug] = Category.objects.get(community=self.community, slug=slug)
        for channel in CHANNELS:
            if channel.invite:
                opens = self.moment(channel.opens_at) - HOUR
                self.schedule(max(opens, self.start), self.open_campaign, channel)
        for fraction, script in content.ANNOUNCEMENTS.items():
            self.schedule(self.moment(fraction) + 2 * HOUR, self.announce, script, not fraction)
        self.schedule(self.start, self.day, 0)

    def open_campaign(self, at: datetime, channel: Channel) -> None:
        invite = community_services.invite_create(
            actor=self.staff[0].actor,
            source=channel.source,
            expires_in_days=30 if channel.source == "spring-meetup" else None,
        )
        self.invites[channel.source] = invite.code

    def announce(self, at: datetime, script: Script, pinned: bool) -> None:
        author = self.staff[0]
        thread = self._start(author, "announcements", "announcement", script=script)
        if pinned:
            discussion_services.topic_set_state(actor=author.actor, topic=thread.topic, pinned=True)
        self._plan_discussion(at, thread, replies=self.rng.randint(2, 5))

    # Joining, visiting, leaving ------------------------------------------------------------

    def join(self, at: datetime, person: Person) -> None:
        channel = person.channel
        code = self.invites.get(channel.source) if channel.invite else None
        membership = community_services.membership_join(
            actor=Actor(person.user, self.community),
            community=self.community,
            accept_rules=True,
            invite_code=code,
            source="" if code else channel.source,
        )
        person.actor = Actor(person.user, self.community, membership)
        self.joined.append(person)
        if self.rng.random() < PROFILES[person.kind].intro:
            self.schedule(at + self.later(5, 1.2), self.introduce, person)
        if person.leaves_at is not None:
            self.schedule(person.leaves_at, self.leave, person)

    def leave(self, at: datetime, person: Person) -> None:
        community_services.membership_leave(actor=person.actor)
        person.left = True

    def members_on(self, at: datetime) -> list[tuple[Person, float]]:
        """Members present on ``at``'s day with their chance of visiting (cached per day)."""
        day = int((at - self.start) / DAY)
        if self._day_cache is None or self._day_cache[0] != day:
            self._day_cache = (
                day,
                [(p, p.activity(at)) for p in self.joined if not p.left],
            )
        return self._day_cache[1]

    def day(self, at: datetime, number: int) -> None:
        self.update_trust_levels()
        rng, phase = self.rng, self.phase(at)
        for person, chance in self.members_on(at):
            if rng.random() < chance:
                self.schedule(self.time_of_day(at), self.visit, person)
        # Staff carry the conversation at first, then step back as members take over.
        for _ in range(2):
            if rng.random() < (0.6 - 0.5 * phase) * self.staff_scale:
                self.schedule(self.time_of_day(at), self.staff_topic)
        if number % 30 == 5:
            self.schedule(self.time_of_day(at), self.challenge, number // 30)
        if number % 30 == 25:
            self.schedule(self.time_of_day(at), self.roadmap_review)
        self.schedule(at + DAY, self.day, number + 1)

    def visit(self, at: datetime, person: Person) -> None:
        """A member's visit: maybe a new topic, and a reaction or a vote."""
        if person.left:
            return
        self._read_latest(person)
        rng, profile = self.rng, PROFILES[person.kind]
        new = (at - person.joins_at) < 21 * DAY
        if rng.random() < profile.starts_topic + (0.06 if new else 0):
            roll = rng.random()
            idea_chance = {"leader": 0.22, "regular": 0.12}.get(person.kind, 0.03)
            if roll < idea_chance:
                self.propose_idea(at, person)
            elif roll < idea_chance + (0.55 if new else 0.3):
                self.ask(at, person)
            else:
                self.discuss(at, person)
        if not (rng.random() < 0.3 and self._vote_for_an_idea(person)):
            self._react_to_recent(at, person)
        if person.cliques and rng.random() < 0.6 * min(1.0, self.phase(at) / 0.4):
            self._react_to_recent(at, person, friends_only=True)

    # Choosing who acts -------------------------------------------------------------------

    def pick_staff(self, exclude: Person | None = None) -> Person:
        staff = [p for p in self.staff if p is not exclude]
        return self.rng.choices(staff, weights=[p.staff_weight for p in staff])[0]

    def pick_member(
        self,
        at: datetime,
        weight: Callable[[Person], float] = lambda p: 1.0,
        *,
        exclude: tuple[Person, ...] = (),
        clique: int | None = None,
    ) -> Person | None:
        candidates, weights = [], []
        for person, chance in self.members_on(at):
            if person in exclude:
                continue
            w = chance * weight(person)
            if clique is not None and clique in person.cliques:
                w *= self.clique_pull(at)
            if w > 0:
                candidates.append(person)
                weights.append(w)
        if not candidates:
            return None
        return self.rng.choices(candidates, weights=weights)[0]

    def _clique_of(self, person: Person, category: str) -> int | None:
        home = CLIQUE_HOMES.index(category) if category in CLIQUE_HOMES else None
        if home is not None and home in person.cliques:
            return home
        return person.cliques[0] if person.cliques else home

    # Starting topics -----------------------------------------------------------------------

    def _start(
        self,
        person: Person,
        category: str,
        kind: str,
        title: str = "",
        body: str = "",
        image=None,
        script: Script | None = None,
    ) -> Thread:
        if script is not None:
            title, body = script.title, body or script.body
        self.titles.add(title)
        topic = discussion_services.topic_create(
            actor=person.actor,
            category=self.categories[category],
            title=title,
            body=body,
            image=image,
        )
        first = Post.objects.get(topic=topic, number=1)
        thread = Thread(topic, kind, person, category, self._clique_of(person, category))
        thread.at, thread.script = topic.created_at, script
        thread.posts.append((first, person))
        return thread

    def introduce(self, at: datetime, person: Person) -> None:
        if person.left:
            return
        title, body, details = content.introduction(person.user.display_name, self.rng, self.titles)
        thread = self._start(person, "introductions", "intro", title, body)
        thread.details = details
        self._after_post(at, thread, thread.posts[0])

    def _plan_welcome(self, at: datetime, thread: Thread, entry: tuple[Post, Person]) -> None:
        """A newcomer's first post: greeted within a day more and more often as the
        community learns to look out for newcomers."""
        rng, phase = self.rng, self.phase(at)
        if rng.random() < 0.3 + 0.62 * phase:
            delay = min(self.later(9 - 7.5 * phase), 22 * HOUR)
            who = "staff" if rng.random() < 0.85 - 0.65 * phase else "welcomer"
            self.schedule(at + delay, self.welcome, thread, who, entry)
            if thread.kind == "intro":
                for _ in range(rng.choice([0, 1, 1, 2] if phase > 0.4 else [0, 0, 1])):
                    delay += self.later(4)
                    self.schedule(at + delay, self.welcome, thread, "welcomer", entry)
        elif thread.kind == "intro" and rng.random() < 0.5:
            late = HOUR * rng.uniform(26, 96)
            self.schedule(at + late, self.welcome, thread, "staff", entry)

    def discuss(self, at: datetime, person: Person) -> None:
        rng = self.rng
        clique = person.cliques[0] if person.cliques and rng.random() < 0.7 else None
        category = CLIQUE_HOMES[clique] if clique is not None else rng.choice(DISCUSSION_CATEGORIES)
        script = self.decks[category].draw()
        if script is None:
            return
        image = None
        if category == "critique" and self.images < 12 and rng.random() < 0.5:
            image, self.images = demo_image(rng), self.images + 1
            if not discussion_policy.can_attach_image(person.actor):
                image = None  # a new member cannot attach one yet
        thread = self._start(person, category, "discussion", image=image, script=script)
        self._after_post(at, thread, thread.posts[0])
        self._plan_discussion(at, thread)

    def staff_topic(self, at: datetime) -> None:
        script = self.decks["staff"].draw()
        if script is None:
            return
        thread = self._start(self.pick_staff(), script.category, "discussion", script=script)
        self._after_post(at, thread, thread.posts[0])
        self._plan_discussion(at, thread, replies=self.rng.randint(1, 5))

    def challenge(self, at: datetime, month: int) -> None:
        script = content.CHALLENGES[month % len(content.CHALLENGES)]
        if script.title in self.titles:
            return
        thread = self._start(self.pick_staff(), "general", "discussion", script=script)
        self._after_post(at, thread, thread.posts[0])
        self._plan_discussion(at, thread, replies=self.rng.randint(3, 8))

    def ask(self, at: datetime, person: Person) -> None:
        rng = self.rng
        script = self.decks["help"].draw()
        if script is None:
            return self.discuss(at, person)
        body = rng.choice(content.QUESTION_OPENERS) + script.body
        thread = self._start(person, "help", "question", body=body, script=script)
        self._after_post(at, thread, thread.posts[0])
        phase = self.phase(at)
        if script.answer is None or rng.random() > 0.78 + 0.18 * phase:
            return  # some questions stay unanswered
        staff_first = rng.random() < 0.97 - 0.82 * phase
        delay = self.later((12 - 6 * phase) if staff_first else (5 - 4 * phase))
        who = "staff" if staff_first else "helper"
        self.schedule(at + delay, self.reply, thread, who, script.answer)
        follow_ups = rng.choice([0, 0, 1, 1, 2])
        for index in range(script.answer + 1, len(script.replies)):
            delay += self.later(5)
            if script.replies[index].by_author:
                if rng.random() < 0.6:
                    self.schedule(at + delay, self.reply, thread, "author", index)
            elif follow_ups:
                follow_ups -= 1
                who = "staff" if rng.random() < 0.3 - 0.2 * phase else "helper"
                self.schedule(at + delay, self.reply, thread, who, index)

    def propose_idea(self, at: datetime, person: Person) -> None:
        # Ideas come now and then, not all in the first weeks.
        total = len(content.HANDWRITTEN["ideas"])
        spacing = self.days / (total + 6) * DAY
        if len(self.ideas) >= total or (self.ideas and at - self.ideas[-1].at < spacing):
            return self.discuss(at, person)
        script = self.decks["ideas"].draw()
        thread = self._start(person, "ideas", "idea", script=script)
        thread.idea = Idea.objects.get(topic=thread.topic)
        self.ideas.append(thread)
        self._after_post(at, thread, thread.posts[0])
        rng, phase = self.rng, self.phase(at)
        delay = timedelta()
        for index in range(min(rng.choice([0, 1, 2, 3]), len(script.replies))):
            delay += self.later(8)
            self.schedule(at + delay, self.reply, thread, "member", index)
        # Staff acknowledge more ideas, and sooner, as they learn to run the board.
        if rng.random() < 0.3 + 0.55 * phase:
            when = at + self.later(24 * (12 - 9 * phase), 0.6)
            self.schedule(when, self.set_status, thread, IdeaStatus.UNDER_REVIEW)

    # Replies, reactions, votes --------------------------------------------------------

    def _plan_discussion(self, at: datetime, thread: Thread, replies: int | None = None) -> None:
        """Schedule the first ``replies`` lines of the thread's script; the script says
        which are the author's, the phase who else speaks."""
        rng, phase = self.rng, self.phase(at)
        if replies is None:
            replies = max(0, round(rng.gauss(1.1 + 2.2 * phase, 1.3)))
            if thread.clique is not None:
                replies += 2
        lines = thread.script.replies if thread.script else ()
        delay = self.later(10 - 8.5 * phase, 1.0)
        for index, line in enumerate(lines[:replies]):
            if line.by_author:
                who = "author"
            elif line.speaker == STAFF or (thread.author.is_staff and line.speaker == ANYONE):
                who = "staff" if line.speaker == STAFF else "member"
            elif index == 0:
                who = "staff" if rng.random() < 0.85 - 0.7 * phase else "member"
            else:
                staff = 0.25 + 0.55 - 0.45 * phase
                who = "staff" if rng.random() < staff * 0.7 else "member"
            self.schedule(at + delay, self.reply, thread, who, index)
            delay += self.later(3, 1.0)

    def _choose(
        self, at: datetime, thread: Thread, who: str, newcomer: Person | None
    ) -> Person | None:
        last = thread.posts[-1][1]
        if who == "author":
            return None if thread.author.left or last is thread.author else thread.author
        if who == "staff":
            author = thread.author
            return self.pick_staff(
                exclude=author if author.is_staff else last if last.is_staff else None
            )
        exclude = (thread.author, last, newcomer)
        if who == "welcomer":
            return (
                self.pick_member(
                    at,
                    lambda p: PROFILES[p.kind].welcoming * (p.joins_at < at - 14 * DAY),
                    exclude=exclude,
                )
                or self.pick_staff()
            )
        if who == "helper":
            return (
                self.pick_member(
                    at,
                    lambda p: (
                        PROFILES[p.kind].helpfulness * min(1.0, (at - p.joins_at) / (30 * DAY))
                    ),
                    exclude=exclude,
                )
                or self.pick_staff()
            )
        return self.pick_member(at, exclude=exclude, clique=thread.clique)

    def reply(self, at: datetime, thread: Thread, who: str, index: int) -> None:
        """The script's reply ``index``, said by someone chosen now."""
        line = thread.script.replies[index]
        if line.by_author:
            who = "author"
        person = self._choose(at, thread, who, None)
        if person is None or person.left or (person is thread.author) != line.by_author:
            return
        if "{ans}" in line.text and thread.answered_by is None:
            return  # thanks for an answer nobody gave
        last_post, last = thread.posts[-1]
        reply_to = None
        if "{ans}" in line.text:
            reply_to = thread.answer_post
        elif line.speaker in (REPLY_PREV, AUTHOR) and len(thread.posts) > 1:
            reply_to = last_post
        text = line.text
        if line.speaker == REPLY_PREV and "{prev}" not in text and "{quote}" not in text:
            text = "{prev} " + text
        if last is person:
            text = text.replace("{quote}", "").replace("{prev} ", "")
        answerer = thread.answered_by.user if thread.answered_by else None
        body = script_render(
            text, op=thread.author.user, prev=last.user, ans=answerer, prev_body=last_post.body
        )
        self._post(at, thread, person, body, reply_to)
        if line.speaker == ANSWER and thread.answered_by is None:
            thread.answer_post, thread.answered_by = thread.posts[-1][0], person
            if self.rng.random() < 0.72:
                self.schedule(at + self.later(6), self.accept, thread, thread.answer_post)

    def welcome(self, at: datetime, thread: Thread, who: str, entry: tuple[Post, Person]) -> None:
        """A reply welcoming ``entry``'s author, whose first post it is."""
        post, newcomer = entry
        person = self._choose(at, thread, who, newcomer)
        if person is None or person.left or person is newcomer:
            return
        details = {**thread.details, "name": f"@{newcomer.user.username}"}
        details.setdefault("first", newcomer.user.display_name.split()[0])
        pool = content.WELCOMES if thread.kind == "intro" else content.WELCOMES_ELSEWHERE
        choices = [t.format(**details) for t in pool]
        choices = [t for t in choices if t not in thread.said]
        if not choices:
            return
        reply_to = post if newcomer is not thread.author else None
        self._post(at, thread, person, self.rng.choice(choices), reply_to)
        if at - newcomer.first_post_at <= 24 * HOUR:
            newcomer.welcomed = True
        if newcomer is thread.author and thread.kind == "intro" and self.rng.random() < 0.5:
            self.schedule(at + self.later(6), self.thank_welcome, thread)

    def thank_welcome(self, at: datetime, thread: Thread) -> None:
        author = thread.author
        last_post, last = thread.posts[-1]
        if author.left or last is author:
            return
        choices = [t.format(prev=f"@{last.user.username}") for t in content.INTRO_THANKS]
        choices = [t for t in choices if t not in thread.said]
        if choices:
            self._post(at, thread, author, self.rng.choice(choices), last_post)

    def _post(
        self, at: datetime, thread: Thread, person: Person, body: str, reply_to: Post | None
    ) -> None:
        if body in thread.said:
            return
        thread.said.add(body)
        post = discussion_services.post_reply(
            actor=person.actor, topic=thread.topic, body=body, reply_to=reply_to
        )
        thread.posts.append((post, person))
        self._after_post(at, thread, (post, person))

    def _after_post(self, at: datetime, thread: Thread, entry: tuple[Post, Person]) -> None:
        """Keep the post where visitors see it, and plan the reactions it will draw."""
        post, person = entry
        self.recent.append((at, post, person, thread))
        if person.first_post_at is None and not person.is_staff:
            person.first_post_at, person.welcomed = at, False
            self._plan_welcome(at, thread, entry)
        rng = self.rng
        count = rng.choices(range(4), weights=(6, 4, 1, 1))[0]
        if person.cliques and rng.random() < 0.6:
            count += 1
        for _ in range(count):
            self.schedule(at + self.later(5, 1.0), self.react, post, person, thread)
        # In the first weeks staff make a point of appreciating what members post.
        if not person.is_staff and rng.random() < 0.7 * (1 - self.phase(at)) ** 2:
            self.schedule(at + self.later(6), self.react, post, person, thread, True)

    def react(
        self, at: datetime, post: Post, author: Person, thread: Thread, by_staff: bool = False
    ) -> None:
        phase = self.phase(at)
        if by_staff or self.rng.random() < 0.6 - 0.5 * phase:
            reactor = self.pick_staff(exclude=author)
        else:
            clique = author.cliques[0] if author.cliques else None
            reactor = self.pick_member(at, exclude=(author,), clique=clique)
        if reactor is not None:
            self._react(reactor, post, author, thread)

    def _react(self, reactor: Person, post: Post, author: Person, thread: Thread) -> None:
        key = (post.pk, reactor.user.pk)
        if reactor is author or reactor.left or key in self.reacted:
            return
        self.reacted.add(key)
        if thread.kind == "question" and post.number > 1 and self.rng.random() < 0.35:
            qa_services.answer_vote_toggle(actor=reactor.actor, answer=post)
            return
        kind = self.rng.choices(list(REACTIONS), weights=(6, 4, 1, 1, 2))[0]
        discussion_services.reaction_toggle(actor=reactor.actor, post=post, kind=kind)

    def _react_to_recent(self, at: datetime, person: Person, friends_only: bool = False) -> None:
        """React to something posted in the last few days; ``friends_only``: by someone
        of the person's clique."""
        horizon = at - 4 * DAY
        while self.recent and self.recent[0][0] < horizon:
            self.recent.pop(0)
        choices = [
            entry
            for entry in self.recent
            if entry[2] is not person
            and (not friends_only or set(person.cliques) & set(entry[2].cliques))
        ]
        if not choices:
            return
        # Early on the staff's posts are most of what there is to respond to.
        staff_pull = 1 + 8 * (1 - self.phase(at)) ** 2
        weights = [
            self.clique_pull(at)
            if set(person.cliques) & set(author.cliques)
            else staff_pull
            if author.is_staff
            else 1.0
            for _at, _post, author, _thread in choices
        ]
        _at, post, author, thread = self.rng.choices(choices, weights=weights)[0]
        self._react(person, post, author, thread)

    def _vote_for_an_idea(self, person: Person) -> bool:
        open_ideas = [
            t
            for t in self.ideas
            if t.idea_status not in CLOSED_STATUSES
            and t.author is not person
            and (t.idea.pk, person.user.pk) not in self.voted
        ]
        if not open_ideas:
            return False
        popularity = [t.idea.vote_count + 1 for t in open_ideas]
        thread = self.rng.choices(open_ideas, weights=popularity)[0]
        self.voted.add((thread.idea.pk, person.user.pk))
        idea_services.idea_vote(actor=person.actor, idea=thread.idea)
        thread.idea.vote_count += 1  # steers which ideas get popular
        return True

    def accept(self, at: datetime, thread: Thread, answer: Post) -> None:
        accepter = thread.author if not thread.author.left else self.pick_staff()
        qa_services.answer_accept(actor=accepter.actor, answer=answer)

    def set_status(self, at: datetime, thread: Thread, status: str) -> None:
        if thread.idea_status == status:
            return
        idea_services.idea_set_status(
            actor=self.pick_staff().actor,
            idea=thread.idea,
            status=status,
            response=content.STATUS_RESPONSES[status],
        )
        thread.idea_status = status

    def roadmap_review(self, at: datetime) -> None:
        """Every month staff move the board along: what is being built may ship, the most
        wanted planned idea starts (two at most at a time), the most wanted open idea is
        planned, and a long-ignored one may be declined."""
        rng = self.rng
        building = [t for t in self.ideas if t.idea_status == IdeaStatus.IN_PROGRESS]
        for thread in list(building):
            if rng.random() < 0.7:
                self.set_status(at, thread, IdeaStatus.SHIPPED)
                building.remove(thread)
        planned = [t for t in self.ideas if t.idea_status == IdeaStatus.PLANNED]
        if planned and len(building) < 2:
            self.set_status(
                at, max(planned, key=lambda t: t.idea.vote_count), IdeaStatus.IN_PROGRESS
            )
        waiting = [
            t for t in self.ideas if t.idea_status in (IdeaStatus.NEW, IdeaStatus.UNDER_REVIEW)
        ]
        if waiting:
            self.set_status(at, max(waiting, key=lambda t: t.idea.vote_count), IdeaStatus.PLANNED)
        old = [t for t in waiting if t.idea_status == IdeaStatus.NEW and at - t.at > 30 * DAY]
        if old and rng.random() < 0.4:
            self.set_status(at, min(old, key=lambda t: t.idea.vote_count), IdeaStatus.DECLINED)

    # The end -------------------------------------------------------------------------------

    def _read_latest(self, person: Person) -> None:
        topics = Topic.objects.filter(community=self.community, deleted_at__isnull=True).order_by(
            "-last_posted_at"
        )[: READS_PER_VISIT[person.kind]]
        for topic in topics:
            discussion_services.topic_mark_read(
                actor=person.actor, topic=topic, number=topic.highest_post_number
            )

    def update_trust_levels(self) -> None:
        """What the trust task does after activity and daily, at the history's time; the
        members' cached actors then see their new level."""
        trust_levels.update(self.community, lag=timedelta(0))
        trust_levels.sweep(self.community)
        current = dict(
            Membership.objects.filter(community=self.community).values_list(
                "user_id", "trust_level"
            )
        )
        for person in self.joined:
            if person.actor is not None and person.actor.membership is not None:
                person.actor.membership.trust_level = current.get(person.user.pk, 0)

    def grant_leader(self) -> None:
        """Staff make the most involved remaining leader a level-4 leader (by hand: the
        task never grants level 4)."""
        candidates = [p for p in self.joined if p.kind == "leader" and not p.left]
        if not candidates:
            return
        levels = dict(
            Membership.objects.filter(
                community=self.community, user__in=[p.user for p in candidates]
            ).values_list("user_id", "trust_level")
        )
        chosen = max(candidates, key=lambda p: (levels.get(p.user.pk, 0), -p.user.pk))
        trust_services.trust_level_set(
            actor=self.staff[0].actor,
            membership=Membership.objects.get(community=self.community, user=chosen.user),
            level=4,
            locked=False,
            reason="Runs the weekly critique thread and keeps the categories tidy.",
        )

    def settle_trust_levels(self) -> None:
        # As of today's start (UTC), so a seed always gives the same story relative to the
        # history; the worker applies the hours since then.
        with time_machine.travel(history_start(self.until, 0), tick=False):
            self.update_trust_levels()
            self.grant_leader()


def history_start(until: datetime, days: int) -> datetime:
    """The UTC midnight when the history of ``days`` ending at ``until`` begins."""
    return (until - days * DAY).astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def build_history(
    community: Community,
    staff: list[User],
    *,
    days: int = 180,
    rng: random.Random,
    members: int = 200,
    until: datetime | None = None,
) -> None:
    """Generate ``community``'s life from :func:`history_start` to ``until`` (default: now):
    ``days`` and a bit, with ``members`` people joining.

    ``staff`` are active staff members of the community already, owner first (the owner
    creates the categories and invites); they should exist since before the history starts.
    For a given ``rng`` state and database state the story is the same, shifted by whole
    days, whenever it is built (the part after ``until`` is left out)."""
    until = until or timezone.now()
    history = _History(community, staff, days=days, members=members, until=until, rng=rng)
    history.setup()
    history.run()
    history.settle_trust_levels()
