"""What the demo's people write: decks of whole threads (hand-written for the recent months,
generated for the older ones), introductions and welcomes, announcements, and the staff's
answers to ideas. No title is used twice."""

# ruff: noqa: E501

from __future__ import annotations

import random

from hearth.demo import generated, threads
from hearth.demo.script import Script, parse
from hearth.ideas.models import IdeaStatus

HANDWRITTEN = {
    key: [s for s in parse(text) if s.category == key]
    for key, text in [
        *((slug, threads.DISCUSSIONS) for slug in ("general", "gear", "critique", "astro")),
        ("help", threads.QUESTIONS),
        ("ideas", threads.IDEAS),
    ]
}
HANDWRITTEN["staff"] = parse(threads.STAFF_TOPICS)
CHALLENGES = parse(threads.CHALLENGES)
# How many threads of each kind the default demo (160 members, 180 days) starts; the
# generated ones fill the older part of the history so the hand-written ones are the recent.
EXPECTED = {
    "general": 25,
    "gear": 34,
    "critique": 28,
    "astro": 24,
    "help": 56,
    "staff": 30,
    "ideas": 18,
}


class ThreadDeck:
    """Hands out a kind's threads: generated ones until only as many draws as there are
    hand-written threads are expected, then the hand-written ones; never a title twice."""

    def __init__(self, key: str, rng: random.Random, titles: set[str], scale: float):
        self.key, self.titles = key, titles
        self.hand = rng.sample(HANDWRITTEN[key], len(HANDWRITTEN[key]))
        self.made = generated.threads(key, rng) if key in generated.FAMILIES else []
        self.generated_first = max(0, round(EXPECTED[key] * scale) - len(self.hand))
        self.drawn = 0

    def draw(self) -> Script | None:
        """The next thread, or None when every thread of this kind was used."""
        while self.hand or self.made:
            early = self.drawn < self.generated_first and self.made
            pile = self.made if early or not self.hand else self.hand
            script = pile.pop(0)
            if script.title not in self.titles:
                self.titles.add(script.title)
                self.drawn += 1
                return script
        return None


# Introductions ------------------------------------------------------------------------

PLACES = ["Porto", "Lyon", "Nairobi", "Osaka", "Kraków", "Toronto", "Melbourne", "Bergen",
          "Bogotá", "Cape Town", "Leeds", "Seoul", "Valencia", "Tallinn", "Accra", "Hobart",
          "Galway", "Utrecht", "Montréal", "Pune", "Lisbon", "Kyoto", "Reykjavík", "Ghent"]  # fmt: skip
# What a newcomer photographs: the category they will like and what they are.
SUBJECTS = {
    "street": ("Photo critique", "street photographer"),
    "landscapes": ("Photo critique", "landscape photographer"),
    "birds": ("Gear & firmware", "birder"),
    "the night sky": ("Astrophotography", "night-sky chaser"),
    "portraits": ("Photo critique", "portrait photographer"),
    "architecture": ("Photo critique", "architecture fan"),
    "macro": ("Gear & firmware", "macro shooter"),
    "mountains": ("Astrophotography", "hiker with a camera"),
}
INTRO_TITLES = [
    "Hello from {place}!",
    "Hi all, {first} here",
    "New here: {fan} in {place}",
    "{first} from {place}, saying hi",
    "First post from a {fan}",
    "Finally joined after months of lurking",
    "Hi from a new X2 owner in {place}",
    "Greetings from {place}",
]
INTRODUCTIONS = [
    "Hi all! I'm {first} from {place}, mostly shooting {subject}. Happy to be here.",
    "Hello! Just got my first Lumen camera and I'm here to learn. I love {subject}, and I'm based in {place}.",
    "Long-time lurker, first post. I'm {first}, based in {place}, into {subject}.",
    "Hey everyone, {first} here. Weekend photographer in {place}, mostly {subject}.",
    "Hi! {first}, {place}. I switched from my phone to an X2 last month and I'm hooked on {subject}.",
    "Hello from {place}. I've been photographing {subject} for about ten years, mostly on film, and I'm new to digital.",
]
# Replies to an introduction: {name} is the newcomer's @mention.
WELCOMES = [
    "Welcome {name}! Always good to meet another {fan}; you'll feel at home in {category}.",
    "Hi {name}, welcome! Which camera and lens do you use for {subject}?",
    "Welcome aboard, {name}! {place} is on my list; post some photos from there.",
    "Great to have you, {name}! The monthly challenge is a fun way to start.",
    "Welcome {first}! Say hi in the critique threads when you're ready.",
    "Hello {name} and welcome! Always nice to meet someone from {place}.",
]
INTRO_THANKS = [
    "Thanks {prev}, and everyone! I'll post something in Critique this week.",
    "Thank you all for the warm welcome!",
    "Thanks {prev}! Looking forward to learning from you all.",
]
# A welcome for a newcomer whose first post is not an introduction.
WELCOMES_ELSEWHERE = [
    "Welcome to the community, {name}! Glad you posted.",
    "Welcome {name}! Nice first post. Introduce yourself in Introductions too, if you like.",
    "Hi {name}, welcome! Good to have you here.",
]


def introduction(person_name: str, rng: random.Random, titles: set[str]) -> tuple[str, str, dict]:
    """A newcomer's introduction: title, body and the details the welcomes mention."""
    first = person_name.split()[0]
    details = {"first": first, "place": rng.choice(PLACES), "subject": rng.choice(list(SUBJECTS))}
    details["category"], details["fan"] = SUBJECTS[details["subject"]]
    for template in rng.sample(INTRO_TITLES, len(INTRO_TITLES)):
        title = template.format(**details)
        title = title[0].upper() + title[1:]
        if title not in titles:
            break
    else:
        title = f"Hello from {person_name} in {details['place']}"
    titles.add(title)
    body = rng.choice(INTRODUCTIONS).format(**details)
    return title, body, details


# Announcements (fraction of the history: title, body and the replies) ---------------------

ANNOUNCEMENTS = {
    0.0: parse(
        """
# Welcome to Lumen Photographers!
We're so glad you're here. Start by introducing yourself in **Introductions** and read the rules. Questions about your camera? Ask in *Help & support*.
- So happy this exists! The old Facebook group was impossible to search.
- Hello everyone! Already learned two things from the Help category.
> {quote}Same! I had no idea about the custom modes.
- Will staff be around to answer firmware questions?
staff: Yes, Kenji and Sofia check Help every day, and the firmware team reads Ideas.
"""
    )[0],
    0.35: parse(
        """
# Our tutorial channel is live on YouTube
Welcome to everyone joining from the channel! Questions from the videos go in Help.
- The focus stacking video was excellent. More like that please!
- Just joined from the channel, hi all!
> {quote}Welcome! Which video brought you here?
- Could you do one on off-camera flash?
staff: It's on the list for next month!
"""
    )[0],
    0.69: parse(
        """
# Spring meetup in Lisbon: see you there!
Thanks to everyone who came to the photo walk. Share your shots from the day!
- What a day. The light at Miradouro da Graça was unreal.
- Thank you for organising! Met so many lovely people.
> {quote}Same here, and I finally met the astro crowd in person.
- Can we do one in Porto next?
staff: Porto in the autumn: we're on it.
"""
    )[0],
}
STATUS_RESPONSES = {
    IdeaStatus.UNDER_REVIEW: "Thanks for this! We're looking at how it could work.",
    IdeaStatus.PLANNED: "Planned for an upcoming firmware. Keep the votes coming.",
    IdeaStatus.IN_PROGRESS: "We're building this now; beta testers will get it first.",
    IdeaStatus.SHIPPED: "Shipped in the latest update — thank you all for the votes!",
    IdeaStatus.DECLINED: "We've decided not to do this: it would cut battery life too much.",
}
QUESTION_OPENERS = [
    "",
    "I've searched but couldn't find this. ",
    "Probably a silly question, but I'm stuck. ",
    "Tried the manual, no luck. ",
]
