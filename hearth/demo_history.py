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

FIRST = ["Ada", "Ben", "Chloé", "Dev", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kaia",
         "Liam", "Maya", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Vik",
         "Wen", "Xena", "Yusuf", "Zoë", "Aiko", "Bruno", "Carmen", "Dmitri", "Esme", "Farah",
         "Gus", "Hana", "Ivo", "Jade", "Kofi", "Lena", "Mateo", "Noor", "Oskar", "Pia"]  # fmt: skip
LAST = ["Okafor", "Lindqvist", "Moreau", "Patel", "Yilmaz", "Adeyemi", "Hopper", "Tanaka",
        "García", "Berg", "Nakamura", "Silva", "Kowalski", "Haddad", "Novak", "Rossi", "Dubois",
        "Mensah", "Larsen", "Costa", "Schmidt", "Ahmed", "Kim", "Ortega"]  # fmt: skip


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

DISCUSSIONS = {
    "general": [
        (
            "Editing workflow: Lightroom vs darktable",
            "I've used Lightroom for years but the subscription adds up. Anyone switched?",
        ),
        (
            "How do you back up thousands of RAW files?",
            "My laptop is full again. What's your backup routine?",
        ),
        (
            "Photo walk meetup in Lisbon",
            "Anyone around Lisbon fancy a walk along the river on a Saturday morning?",
        ),
        ("What got you into photography?", "For me it was my grandfather's old rangefinder. You?"),
        (
            "Favourite photo books?",
            "Looking for inspiration beyond Instagram. Which books do you keep going back to?",
        ),
        (
            "Shooting in harsh midday light",
            "Travelling with family means shooting at noon. How do you make it work?",
        ),
        (
            "Printing at home: worth it?",
            "Thinking about a photo printer. Is it worth it over a lab?",
        ),
        (
            "How do you name and tag your files?",
            "I'm drowning in IMG_4821.RAF. What system do you use?",
        ),
    ],
    "gear": [
        (
            "Which lens for portraits: 50mm or 85mm?",
            "I mostly shoot friends outdoors. Which would you pick?",
        ),
        ("Battery life tips for cold weather", "Lost half my charge in an hour at -5°C. Tricks?"),
        ("Is the lens hood worth it?", "It's bulky and I never use it. Am I missing out?"),
        (
            "Best travel tripod under 1.5 kg",
            "Need something light for hiking that still holds the X2 steady.",
        ),
        ("Firmware 2.1 first impressions", "Just updated. The eye AF feels snappier to me. Yours?"),
        ("Adapting vintage lenses", "Picked up an old Helios 44. Any adapter you'd recommend?"),
        ("What's in your bag?", "Show us your kit for a day out!"),
        (
            "ND filters: screw-in or square?",
            "Starting with long exposures and confused by the options.",
        ),
    ],
    "critique": [
        ("Critique my first attempt at long exposure", "Waterfall at 2 seconds. Too soft?"),
        (
            "Street photo of the week: the red umbrella",
            "Caught this in the rain yesterday. Honest thoughts?",
        ),
        (
            "Birds in flight — shutter speed advice?",
            "Everything above 1/1000 is noisy. Here's my best attempt.",
        ),
        (
            "Portrait in window light",
            "My sister by the kitchen window. Is the background too busy?",
        ),
        (
            "Black and white conversion help",
            "It looks flat to me. How would you push the contrast?",
        ),
        ("Market at dawn", "First time shooting strangers. Did I get close enough?"),
        ("Reflections after the storm", "Puddle shot from this morning — crop or keep?"),
        ("Is this horizon straight?", "Seascape from the weekend; something feels off."),
    ],
    "astro": [
        (
            "Best settings for night sky shots on the X2?",
            "Going to a dark-sky park next week. Where do I start?",
        ),
        ("Milky Way season planning", "Which nights are you all targeting this month?"),
        (
            "Star trails: stack or single exposure?",
            "Tried a 30-minute exposure and got a lot of noise.",
        ),
        ("Light pollution maps you trust", "Which map do you use to find dark spots?"),
        ("My first Milky Way core!", "Not perfect, but I'm so happy with it."),
        ("Dew heaters: necessary?", "My lens fogged up after an hour last night."),
        ("Moon photography without a telescope", "How far can the 300mm go?"),
        ("Aurora alert — anyone out tonight?", "Forecast says Kp 6. Who's heading north?"),
    ],
}
REPLIES = {
    "general": [
        "I switched to darktable last year. The first month hurts, then it's great.",
        "Two copies at home, one offsite. Boring but it works.",
        "Count me in if the weather holds!",
        "Same story here — a hand-me-down camera and I was hooked.",
        "Great question. I shoot in the shade and expose for the faces.",
        "A lab is cheaper unless you print a lot, but printing your own is so satisfying.",
        "Date first, then place: 2024-05-12_porto_bridge. Never failed me.",
    ],
    "gear": [
        "The **85mm** gives much nicer compression for portraits.",
        "Keep the spare battery in an inside pocket; swap them every half hour.",
        "The hood saved my front element twice. Worth it.",
        "I've had the Sirui for two years; light and solid.",
        "Eye AF is definitely better for me too, especially in low light.",
        "Get a cheap K&F adapter, they're fine for manual lenses.",
        "Square filters if you'll stack them; screw-in if you travel light.",
    ],
    "critique": [
        "Lovely composition. I'd crop a little from the left to balance the horizon.",
        "Try 1/2 second: you keep some texture in the water.",
        "The umbrella makes it. I'd lift the shadows a touch.",
        "Window light suits her. A wider aperture would soften the background.",
        "Push the blacks and add a little clarity; it'll pop.",
        "You were close enough! Next time, wait for the gesture.",
        "Keep it — the crop loses the reflection's symmetry.",
    ],
    "astro": [
        "Start with ISO 3200, f/2.8 and 15 seconds, then adjust.",
        "Stacking wins every time. Try 60 × 30 s.",
        "I use lightpollutionmap.info; it's been reliable.",
        "That core is beautiful! Was that a single frame?",
        "A dew heater strap is cheap and a game changer.",
        "The 500 rule: divide 500 by your focal length for the longest exposure.",
        "Out since 10 pm — green all over the horizon!",
    ],
}
QUESTIONS = [
    (
        "How do I update the firmware without a computer?",
        "Use the Lumen app: Settings → Camera → Firmware. Keep the battery above 50%.",
    ),
    (
        "Why are my night photos grainy?",
        "Lower the ISO, use a tripod and a longer exposure, and turn on long-exposure NR.",
    ),
    (
        "Can I use old manual lenses with the X2?",
        "Yes, with an adapter. Set 'shoot without lens' to On in the menu.",
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
    ("Is the X2 weather sealed?", "Splash resistant with a sealed lens, yes; not waterproof."),
    (
        "Autofocus won't lock on faces in backlight",
        "Switch face detection to 'eye priority' and add +1 EV; it locks much better.",
    ),
    (
        "How do I reset all settings?",
        "Menu → Setup → Reset → Reset all settings. Custom modes are kept.",
    ),
    (
        "Why does the battery drain overnight?",
        "Turn off 'Bluetooth always on' in the connection settings.",
    ),
    (
        "How do I shoot a time-lapse?",
        "Shooting menu → Interval timer. Set the interval and count, then press start.",
    ),
    (
        "How do I set up back-button focus?",
        "Custom buttons → AF-ON to the rear button, then set shutter AF to Off.",
    ),
    (
        "Is it safe to clean the sensor myself?",
        "Use the built-in cleaning first, then a blower. Swabs only if you're careful.",
    ),
    (
        "Can I charge over USB-C while shooting?",
        "Yes, with a 30 W PD charger; the icon shows a plug when it's powering the camera.",
    ),
    (
        "Why are my JPEGs so saturated?",
        "The default film mode is Vivid. Switch to Standard or Neutral.",
    ),
    (
        "The app keeps disconnecting",
        "Disable battery optimisation for the Lumen app on your phone.",
    ),
    (
        "Hot pixels in long exposures",
        "Turn on long-exposure NR, or take a dark frame and subtract it.",
    ),
    (
        "How do I turn off the shutter sound?",
        "Sound settings → Shutter volume → Off, or use the electronic shutter.",
    ),
    (
        "Photos slightly soft at f/1.8",
        "Check the AF fine-tune; most copies are sharpest from f/2.2.",
    ),
    (
        "How do I pair the Bluetooth remote?",
        "Connection → Remote → Pair, then hold both buttons on the remote for 3 s.",
    ),
    ("Can I save my settings as a custom mode?", "Yes: Setup → Save custom settings → C1 to C3."),
    (
        "Why is there a delay before the shutter fires?",
        "The 2-second self-timer is on. Check the drive mode dial.",
    ),
]
FOLLOW_UPS = [
    "Same question here, following.",
    "That fixed it for me too.",
    "Adding to this: it also works on the X2 Mini.",
    "Good answer. One more tip: update the app first.",
    "I had the same problem — this is the fix.",
]
THANKS = [
    "Thanks @{name}, that worked!",
    "@{name} brilliant, thank you!",
    "Thanks @{name}! Exactly what I needed.",
    "Thank you @{name}, much appreciated.",
]
IDEAS = [
    ("Dark mode in the Lumen app", "Editing at night in the app is blinding."),
    (
        "Bluetooth remote shutter from the phone",
        "Use the phone as a remote without Wi-Fi pairing every time.",
    ),
    (
        "Focus peaking colour choice",
        "Red peaking disappears on autumn leaves. Let us pick the colour.",
    ),
    ("Interval timer up to 24 hours", "For long time-lapses of plants and construction sites."),
    ("Export presets to share with friends", "Share our film-mode presets as a file."),
    ("Built-in GPS tagging", "Tag photos without the phone connected."),
    ("Custom button for ISO", "Let us put ISO on the front button."),
    (
        "Star-tracking mode for astrophotography",
        "Use the sensor shift to follow the stars for a minute.",
    ),
    ("Histogram in playback", "Show the RGB histogram when reviewing photos."),
    ("Silent mode that disables all lights", "For concerts and wildlife: no beeps, no lights."),
    ("Voice memos attached to photos", "Record a short note about the scene."),
    ("Favourite-location presets", "Remember my settings for places I shoot often."),
    ("Longer bulb mode than 30 minutes", "For star trails without stacking."),
    ("RAW preview in the app", "See the real RAW, not the embedded JPEG."),
    ("Battery health in the menu", "Show how worn each battery is."),
    ("Wi-Fi upload straight to my NAS", "Back up while I sleep."),
    ("Lens profile for adapted lenses", "Enter focal length and aperture for the EXIF."),
    ("Vertical grip with a second battery", "Longer shoots and better portrait handling."),
]
IDEA_COMMENTS = [
    "Yes please! I'd use this every day.",
    "+1, this has bothered me for ages.",
    "Would it work with the older cameras too?",
    "Great idea. Maybe as an option in the custom menu?",
    "I'd vote twice if I could.",
]
INTRODUCTIONS = [
    "Hi all! I'm {first} from {place}, mostly shooting {subject}.",
    "Hello! Just got my first Lumen camera and I'm here to learn. I love {subject}.",
    "Long-time lurker, first post. I'm {first}, based in {place}, into {subject}.",
    "Hey everyone, {first} here. Weekend photographer in {place}; {subject} is my thing.",
]
PLACES = ["Porto", "Lyon", "Nairobi", "Osaka", "Kraków", "Toronto", "Melbourne", "Bergen",
          "Bogotá", "Cape Town", "Leeds", "Seoul"]  # fmt: skip
SUBJECTS = ["street", "landscapes", "birds", "astro", "portraits", "architecture", "macro"]
WELCOMES = [
    "Welcome @{name}! Glad you're here. Post a photo when you can 📷",
    "Welcome aboard, @{name}! The critique category is a friendly place to start.",
    "Hi @{name}, welcome! What camera are you using?",
    "Great to have you, @{name}! Say hi in the monthly challenge too.",
    "Welcome {first}! You'll like the astro crowd here.",
]
CHALLENGES = ["reflections", "shadows", "red", "symmetry", "motion blur", "minimalism",
              "at night", "window light"]  # fmt: skip
STAFF_TOPICS = [
    (
        "general",
        "Share your favourite photo from this week",
        "Anything goes — tell us the story behind it!",
    ),
    ("gear", "Tell us: which Lumen do you shoot with?", "We read every answer; it helps us plan."),
    (
        "critique",
        "How to ask for a great critique",
        "Say what you were going for and what bugs you.",
    ),
    (
        "astro",
        "Night sky basics: a starter guide",
        "Tripod, wide aperture, manual focus on a star. Questions welcome!",
    ),
    (
        "general",
        "What would you like to learn this month?",
        "We're planning tutorials. Tell us what you need.",
    ),
    (
        "gear",
        "Firmware tips you might have missed",
        "Three settings the manual buries. What's yours?",
    ),
]
ANNOUNCEMENTS = {
    # fraction of the history: title, body
    0.0: (
        "Welcome to Lumen Photographers!",
        "We're so glad you're here. Start by introducing yourself in **Introductions** and "
        "read the rules. Questions about your camera? Ask in *Help & support*.",
    ),
    0.35: (
        "Our tutorial channel is live on YouTube",
        "Welcome to everyone joining from the channel! Questions from the videos go in Help.",
    ),
    0.69: (
        "Spring meetup in Lisbon: see you there!",
        "Thanks to everyone who came to the photo walk. Share your shots from the day!",
    ),
}
STATUS_RESPONSES = {
    IdeaStatus.UNDER_REVIEW: "Thanks for this! We're looking at how it could work.",
    IdeaStatus.PLANNED: "Planned for an upcoming firmware. Keep the votes coming.",
    IdeaStatus.IN_PROGRESS: "We're building this now; beta testers will get it first.",
    IdeaStatus.SHIPPED: "Shipped in the latest update — thank you all for the votes!",
    IdeaStatus.DECLINED: "We've decided not to do this: it would cut battery life too much.",
}


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


class _Deck:
    """Draws items in a shuffled order, reshuffling once all were used."""

    def __init__(self, items, rng: random.Random):
        self.items, self.rng, self.left = list(items), rng, []

    def draw(self):
        if not self.left:
            self.left = self.rng.sample(self.items, len(self.items))
        return self.left.pop()


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
    answer: str = ""  # what a good answer to the question says
    answered: bool = False


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
        self.decks = {
            key: _Deck(items, rng)
            for key, items in [
                *DISCUSSIONS.items(),
                ("questions", QUESTIONS),
                ("ideas", IDEAS),
                ("staff", STAFF_TOPICS),
                ("follow_ups", FOLLOW_UPS),
                ("idea_comments", IDEA_COMMENTS),
                *((f"replies:{k}", v) for k, v in REPLIES.items()),
            ]
        }
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
        for i, (fraction, channel, kind) in enumerate(plans):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            username = first.lower().replace("é", "e").replace("ë", "e") + str(i + 1)
            user = User.objects.create_user(
                username=username, email=f"{username}@example.com", display_name=f"{first} {last}"
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
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
        for fraction, (title, body) in ANNOUNCEMENTS.items():
            self.schedule(
                self.moment(fraction) + 2 * HOUR, self.announce, title, body, not fraction
            )
        self.schedule(self.start, self.day, 0)

    def open_campaign(self, at: datetime, channel: Channel) -> None:
        invite = community_services.invite_create(
            actor=self.staff[0].actor,
            source=channel.source,
            expires_in_days=30 if channel.source == "spring-meetup" else None,
        )
        self.invites[channel.source] = invite.code

    def announce(self, at: datetime, title: str, body: str, pinned: bool) -> None:
        author = self.staff[0]
        thread = self._start(author, "announcements", "announcement", title, body)
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
        self, person: Person, category: str, kind: str, title: str, body: str, image=None
    ) -> Thread:
        topic = discussion_services.topic_create(
            actor=person.actor,
            category=self.categories[category],
            title=title,
            body=body,
            image=image,
        )
        first = Post.objects.get(topic=topic, number=1)
        thread = Thread(topic, kind, person, category, self._clique_of(person, category))
        thread.at = topic.created_at
        thread.posts.append((first, person))
        return thread

    def introduce(self, at: datetime, person: Person) -> None:
        if person.left:
            return
        rng = self.rng
        first = person.user.display_name.split()[0]
        body = rng.choice(INTRODUCTIONS).format(
            first=first, place=rng.choice(PLACES), subject=rng.choice(SUBJECTS)
        )
        thread = self._start(person, "introductions", "intro", f"Hello from {first}!", body)
        self._after_post(at, thread, thread.posts[0])

    def _plan_welcome(self, at: datetime, thread: Thread, entry: tuple[Post, Person]) -> None:
        """A newcomer's first post: greeted within a day more and more often as the
        community learns to look out for newcomers."""
        rng, phase = self.rng, self.phase(at)
        if rng.random() < 0.3 + 0.62 * phase:
            delay = min(self.later(9 - 7.5 * phase), 22 * HOUR)
            who = "staff" if rng.random() < 0.85 - 0.65 * phase else "welcomer"
            self.schedule(at + delay, self.reply, thread, who, "welcome", entry)
            if thread.kind == "intro":
                for _ in range(rng.choice([0, 1, 1, 2] if phase > 0.4 else [0, 0, 1])):
                    delay += self.later(4)
                    self.schedule(at + delay, self.reply, thread, "welcomer", "welcome", entry)
        elif thread.kind == "intro" and rng.random() < 0.5:
            late = HOUR * rng.uniform(26, 96)
            self.schedule(at + late, self.reply, thread, "staff", "welcome", entry)

    def discuss(self, at: datetime, person: Person) -> None:
        rng = self.rng
        clique = person.cliques[0] if person.cliques and rng.random() < 0.7 else None
        category = CLIQUE_HOMES[clique] if clique is not None else rng.choice(list(DISCUSSIONS))
        title, body = self.decks[category].draw()
        image = None
        if category == "critique" and self.images < 12 and rng.random() < 0.5:
            image, self.images = demo_image(rng), self.images + 1
            if not discussion_policy.can_attach_image(person.actor):
                image = None  # a new member cannot attach one yet
        thread = self._start(person, category, "discussion", title, body, image)
        self._after_post(at, thread, thread.posts[0])
        self._plan_discussion(at, thread)

    def staff_topic(self, at: datetime) -> None:
        category, title, body = self.decks["staff"].draw()
        thread = self._start(self.pick_staff(), category, "discussion", title, body)
        self._after_post(at, thread, thread.posts[0])
        self._plan_discussion(at, thread, replies=self.rng.randint(1, 5))

    def challenge(self, at: datetime, month: int) -> None:
        theme = CHALLENGES[month % len(CHALLENGES)]
        thread = self._start(
            self.pick_staff(),
            "general",
            "discussion",
            f"Monthly challenge: {theme}",
            f"This month's theme is **{theme}**. Post one photo and tell us how you made it.",
        )
        self._after_post(at, thread, thread.posts[0])
        self._plan_discussion(at, thread, replies=self.rng.randint(3, 8))

    def ask(self, at: datetime, person: Person) -> None:
        title, answer = self.decks["questions"].draw()
        body = self.rng.choice(
            [
                "I've searched but couldn't find this. Any help appreciated!",
                "Probably a silly question, but I'm stuck.",
                "Tried the manual, no luck. Ideas?",
            ]
        )
        thread = self._start(person, "help", "question", title, body)
        thread.answer = answer
        self._after_post(at, thread, thread.posts[0])
        rng, phase = self.rng, self.phase(at)
        if rng.random() > 0.78 + 0.18 * phase:
            return  # some questions stay unanswered
        staff_first = rng.random() < 0.97 - 0.82 * phase
        delay = self.later((12 - 6 * phase) if staff_first else (5 - 4 * phase))
        self.schedule(
            at + delay, self.reply, thread, "staff" if staff_first else "helper", "answer"
        )
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            delay += self.later(5)
            who = "staff" if rng.random() < 0.3 - 0.2 * phase else "helper"
            self.schedule(at + delay, self.reply, thread, who, "follow_up")

    def propose_idea(self, at: datetime, person: Person) -> None:
        # Ideas come now and then, not all in the first weeks.
        spacing = self.days / (len(IDEAS) + 6) * DAY
        if len(self.ideas) >= len(IDEAS) or (self.ideas and at - self.ideas[-1].at < spacing):
            return self.discuss(at, person)
        title, body = self.decks["ideas"].draw()
        thread = self._start(person, "ideas", "idea", title, body)
        thread.idea = Idea.objects.get(topic=thread.topic)
        self.ideas.append(thread)
        self._after_post(at, thread, thread.posts[0])
        rng, phase = self.rng, self.phase(at)
        delay = timedelta()
        for _ in range(rng.choice([0, 1, 2, 3])):
            delay += self.later(8)
            self.schedule(at + delay, self.reply, thread, "member", "idea_comment")
        # Staff acknowledge more ideas, and sooner, as they learn to run the board.
        if rng.random() < 0.3 + 0.55 * phase:
            when = at + self.later(24 * (12 - 9 * phase), 0.6)
            self.schedule(when, self.set_status, thread, IdeaStatus.UNDER_REVIEW)

    # Replies, reactions, votes --------------------------------------------------------

    def _plan_discussion(self, at: datetime, thread: Thread, replies: int | None = None) -> None:
        rng, phase = self.rng, self.phase(at)
        if replies is None:
            replies = max(0, round(rng.gauss(1.1 + 2.2 * phase, 1.3)))
            if thread.clique is not None:
                replies += 2
        delay = self.later(10 - 8.5 * phase, 1.0)
        for n in range(replies):
            if thread.author.is_staff:
                who = "member"
            elif n == 0:
                who = "staff" if rng.random() < 0.85 - 0.7 * phase else "member"
            else:
                roll = rng.random()
                staff = 0.25 + 0.55 - 0.45 * phase
                who = "author" if roll < 0.25 else "staff" if roll < staff else "member"
            self.schedule(at + delay, self.reply, thread, who, "discussion")
            delay += self.later(3, 1.0)

    def _choose(
        self, at: datetime, thread: Thread, who: str, newcomer: Person | None
    ) -> Person | None:
        last = thread.posts[-1][1]
        if who == "author":
            return None if thread.author.left or last is thread.author else thread.author
        if who == "staff":
            return self.pick_staff(exclude=last if last.is_staff else None)
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

    def reply(
        self,
        at: datetime,
        thread: Thread,
        who: str,
        purpose: str,
        welcome: tuple[Post, Person] | None = None,
    ) -> None:
        """A reply by someone chosen now; ``welcome`` is the newcomer's first post."""
        newcomer = welcome[1] if welcome else None
        person = self._choose(at, thread, who, newcomer)
        if person is None or person.left or person is newcomer:
            return
        rng = self.rng
        others = [(post, author) for post, author in thread.posts if author is not person]
        reply_to, mention = None, None
        if welcome is not None:
            if newcomer is not thread.author:
                reply_to = welcome[0]
            mention = newcomer
            body = rng.choice(WELCOMES)
        elif purpose == "thanks":
            reply_to, mention = others[-1]
            body = rng.choice(THANKS)
        elif purpose == "answer":
            body = thread.answer
        elif purpose == "follow_up":
            body = self.decks["follow_ups"].draw()
        elif purpose == "idea_comment":
            body = self.decks["idea_comments"].draw()
        else:
            key = thread.category if thread.category in REPLIES else "general"
            body = self.decks[f"replies:{key}"].draw()
            if len(others) > 1 and rng.random() < 0.5:
                reply_to = others[-1][0]
            if rng.random() < 0.2:
                mention = others[-1][1]
        if mention is not None:
            name = mention.user.username
            if "{name}" not in body:
                body = f"@{name} {body}"
            body = body.format(name=name, first=mention.user.display_name.split()[0])
        post = discussion_services.post_reply(
            actor=person.actor, topic=thread.topic, body=body, reply_to=reply_to
        )
        thread.posts.append((post, person))
        self._after_post(at, thread, (post, person))
        author = thread.author
        if newcomer is not None and at - newcomer.first_post_at <= 24 * HOUR:
            newcomer.welcomed = True
        thank = purpose == "answer" or newcomer is author
        if thank and not author.left and rng.random() < 0.5:
            self.schedule(at + self.later(6), self.reply, thread, "author", "thanks")
        if purpose in ("answer", "follow_up") and not thread.answered and person is not author:
            thread.answered = True
            if rng.random() < 0.72:
                self.schedule(at + self.later(6), self.accept, thread, post)

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
            response=STATUS_RESPONSES[status],
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
