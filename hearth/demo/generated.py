"""Threads made from parts, for the older months of the demo history (the recent months use
the hand-written ones in hearth.demo.threads). Each family writes its replies for the
thread's own subject, and every title is different; :func:`threads` lists them in a
shuffled order for a seed."""

# ruff: noqa: E501

from __future__ import annotations

import itertools
import random

from hearth.demo.script import Script, parse

# Photo critique: a subject and what the author asks about it.
CRITIQUE_SUBJECTS = [
    ("Fishing boats at dawn", "the boats"),
    ("Tram in the rain", "the tram"),
    ("Heron on the canal", "the heron"),
    ("Old man feeding pigeons", "his face"),
    ("Lighthouse in a storm", "the lighthouse"),
    ("Sunflowers at sunset", "the sunflowers"),
    ("Cyclist under the bridge", "the cyclist"),
    ("Empty swimming pool", "the pool's lines"),
    ("Cathedral ceiling", "the vault"),
    ("Cat on a windowsill", "the cat"),
    ("Dunes at first light", "the dune ridge"),
    ("Train station at rush hour", "the crowd"),
    ("Autumn vineyard", "the rows of vines"),
    ("Mountain hut at dusk", "the hut"),
]
CRITIQUE_ASKS = {
    "too dark?": (
        "Shot this last week; on my screen it feels too dark. Should I brighten it?",
        [
            "- It's a little dark, but the mood suits it. I'd lift only the midtones so {thing} stands out.",
            "> {quote}Agreed, lifting everything would flatten it. A gentle curve is enough.",
            '- Check your screen brightness first. Half my "too dark" edits were my laptop at 40%.',
            "op: Screen was at 50%, ha. Lifted the midtones a bit. Thanks both!",
        ],
    ),
    "crop or keep?": (
        "I can't decide on the crop. Is there too much around {thing}?",
        [
            "- I'd crop tighter. {Thing} gets lost in the full frame.",
            "- Keep it wide: the space around {thing} is what makes it calm.",
            "> {quote}Fair, but maybe a 4:5 crop is the middle ground.",
            "op: 4:5 it is. It keeps the space and {thing} still leads.",
        ],
    ),
    "colour or black and white?": (
        "I've edited it both ways and keep flipping between them. Which one works?",
        [
            "- Black and white. The colours don't add anything here, the shapes do.",
            "- Colour for me, the warm tones on {thing} are lovely.",
            "> {quote}I see what you mean, but in mono the light on {thing} becomes the subject.",
            "op: Going with black and white on my profile and colour in print. Thanks!",
        ],
    ),
    "is the focus off?": (
        "Looks fine on the camera screen, but at 100% I'm not sure {thing} is sharp.",
        [
            "- The focus landed slightly behind {thing}. Look at how sharp the background is.",
            "- At normal viewing size nobody will notice. But yes, it's a bit behind.",
            "> {quote}Single-point AF on {thing} next time, the wide area grabs whatever has contrast.",
            "op: Switched to single point. Lesson learned, thank you.",
        ],
    ),
    "what would you change?": (
        "Quite happy with this one but I'd love honest feedback. What would you change?",
        [
            "- The bright patch top left pulls my eye away from {thing}. I'd darken it.",
            "- Nice timing. I'd straighten it by a degree or so.",
            "> {quote}Yes, and a touch of vignette would help keep the eye on {thing}.",
            "op: Darkened the corner and straightened it. Much better, thanks.",
        ],
    ),
}

# Gear: which of two things for a kind of photography.
GEAR_PAIRS = [
    (
        "the 23mm",
        "the 35mm",
        "The 23mm sees more of the scene.",
        "The 35mm is more natural and less distorting.",
    ),
    (
        "the 70-300",
        "the 100-400",
        "The 70-300 is half the weight.",
        "The 100-400 reaches further for small subjects.",
    ),
    (
        "the X2 Mini",
        "the X2",
        "The Mini fits in a jacket pocket.",
        "The X2 handles better with bigger lenses.",
    ),
    (
        "the 16mm f/1.4",
        "the 18mm f/1.4",
        "The 16mm is wider.",
        "The 18mm is lighter and sharper in the corners.",
    ),
    (
        "a gimbal",
        "the in-body stabiliser",
        "A gimbal is smoother for walking shots.",
        "The stabiliser is free and always with you.",
    ),
    (
        "a speedlight",
        "an LED panel",
        "A speedlight overpowers the sun.",
        "An LED panel shows you the light before you shoot.",
    ),
    (
        "a sling bag",
        "a backpack",
        "A sling lets you swap lenses without taking it off.",
        "A backpack carries the weight better all day.",
    ),
]
GEAR_USES = ["street photography", "travel", "family photos", "hiking", "concerts", "weddings"]
GEAR_REPLIES = [
    "- For {use}, {a}. {why_a}",
    "- I'd go with {b}. {why_b}",
    "> {quote}Both fair points. Renting each for a weekend would settle it.",
    "op: Good idea, I'll rent {a} first and see how I get on.",
    "- Report back! Curious how {a} works for {use}.",
]

# Astro: a target seen from a kind of place, and a problem.
ASTRO_TARGETS = [
    "Milky Way",
    "Star trails",
    "The Pleiades",
    "Andromeda",
    "Noctilucent clouds",
    "A comet",
]
ASTRO_PLACES = [
    "the coast",
    "the mountains",
    "a city rooftop",
    "the desert",
    "a lake",
    "the garden",
]
ASTRO_REPLIES = [
    "- Lovely attempt! From {place} the light dome is usually the big problem, so shoot facing away from the nearest town.",
    "- Try stacking 10 frames; the noise drops a lot and the {target_lower} stands out.",
    "> {quote}And take a couple of frames for the foreground during blue hour, then blend.",
    "op: Stacking worked wonders. Going back next new moon to try the blend.",
]

# General: events and the tips people share about them.
EVENTS = [
    (
        "a friend's wedding as a guest",
        "Stay out of the hired photographer's way and shoot the guests instead.",
    ),
    ("a street festival", "Get there early and find a high spot before the crowds."),
    ("fireworks", "Tripod, ISO 100, f/8, bulb mode for 3 to 6 seconds per burst."),
    ("a school play", "Silent shutter, ISO 6400 and the longest lens you have."),
    ("a football match", "1/1000 s and continuous AF; follow the ball, not the players."),
    ("a Christmas market", "Fast prime, wide open, and let the lights go soft."),
    ("a wildlife park", "Shoot through the fence with the lens touching it; the wire disappears."),
    ("a rainy holiday", "A cheap rain cover and people with umbrellas make the photos."),
    ("a mountain sunrise", "Arrive 40 minutes early; the best colour is before the sun is up."),
    ("the northern lights", "The camera sees colour your eyes don't: just shoot."),
]
EVENT_STARTS = [
    "Tips for photographing {event}?",
    "Advice for shooting {event}",
    "How do you approach {event}?",
]
EVENT_REPLIES = [
    "- {tip}",
    "- Take fewer lenses than you think. One fast prime and you'll be more present.",
    "> {quote}This. The times I brought everything, I spent the day changing lenses.",
    "op: Thanks both, I'll keep it simple and try that.",
]

# Help: a feature and the fix that answers it.
FEATURES = [
    ("Wi-Fi transfer", "Forget the camera in your phone's Wi-Fi list and pair again from the app."),
    ("Eye AF", "Reset the AF settings (AF menu → Reset AF), the update changes the defaults."),
    ("The level gauge", "Calibrate it in Setup → Level → Calibrate, on a flat surface."),
    ("Bluetooth pairing", "Delete the pairing on both sides and update the Lumen app first."),
    (
        "USB charging",
        "Use a PD charger of at least 30 W; cheaper ones aren't recognised after the update.",
    ),
    ("The touchscreen", "Touch screen settings got reset; turn on Touch → Shooting and Playback."),
    ("Custom modes", "The update renamed them; they are under Setup → Custom settings, not lost."),
    ("The self-timer", 'Self-timer now resets when the camera turns off; set "Save timer" to On.'),
]
VERSIONS = ["2.0", "2.1", "2.2"]
HELP_REPLIES = [
    "= {fix}",
    "- Same here after {version}; the fix above worked for me.",
    "op: That fixed it, thank you {ans}!",
]

# Staff: a weekend project theme.
PROJECTS = ["doors", "hands", "coffee", "your street", "something blue", "tiny things", "bicycles",
            "signs", "old things", "clouds", "stairs", "your commute", "windows", "trees",
            "shop fronts", "breakfast", "bridges", "rain", "pets", "lines", "circles", "textures",
            "the view from your window", "golden hour"]  # fmt: skip
PROJECT_REPLIES = [
    "- Here's mine! Took it on the way to work this morning.",
    "- I didn't think I'd find anything for \"{theme}\", then I found five in an hour.",
    "> {quote}That's the magic of a theme, it makes you see.",
    "- Late to this one, but here's my take on {theme}.",
]


def _script(title, body, lines, category, **values) -> Script:
    text = "# " + title + "\n" + body + "\n" + "\n".join(lines)
    return parse(_fill(text, values), category)[0]


def _fill(text: str, values: dict) -> str:
    """Fill the family's slots, leaving the script's own {op}, {prev}… for later."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
        text = text.replace("{" + key.capitalize() + "}", value[:1].upper() + value[1:])
    return text


def critique() -> list[Script]:
    return [
        _script(f"{subject}: {ask}", body, lines, "critique", thing=thing)
        for (subject, thing), (ask, (body, lines)) in itertools.product(
            CRITIQUE_SUBJECTS, CRITIQUE_ASKS.items()
        )
    ]


def gear() -> list[Script]:
    return [
        _script(
            f"{a[0].upper() + a[1:]} or {b} for {use}?".replace("The ", "", 1).replace(
                " or the ", " or "
            ),
            f"Torn between {a} and {b} for {use}. What would you pick?",
            GEAR_REPLIES,
            "gear",
            a=a,
            b=b,
            why_a=why_a,
            why_b=why_b,
            use=use,
        )  # fmt: skip
        for (a, b, why_a, why_b), use in itertools.product(GEAR_PAIRS, GEAR_USES)
    ]


def astro() -> list[Script]:
    return [
        _script(
            f"{target} from {place}",
            f"My attempt at {target.lower()} from {place}. Any tips to get more out of it?",
            ASTRO_REPLIES,
            "astro",
            place=place,
            target_lower=target.lower(),
        )  # fmt: skip
        for target, place in itertools.product(ASTRO_TARGETS, ASTRO_PLACES)
    ]


def general() -> list[Script]:
    return [
        _script(
            start.format(event=event),
            f"I'll be photographing {event} soon. What should I know?",
            EVENT_REPLIES,
            "general",
            tip=tip,
        )
        for (event, tip), start in itertools.product(EVENTS, EVENT_STARTS)
    ]


def questions() -> list[Script]:
    return [
        _script(
            f"{feature} stopped working after firmware {version}",
            f"Since updating to {version}, {feature[0].lower() + feature[1:]} doesn't work any more. Anyone else?",
            HELP_REPLIES,
            "help",
            fix=fix,
            version=version,
        )  # fmt: skip
        for (feature, fix), version in itertools.product(FEATURES, VERSIONS)
    ]


def staff() -> list[Script]:
    return [
        _script(
            f"Weekend project: {theme}",
            f"This weekend's mini project: photograph **{theme}**. One photo each, phones welcome.",
            PROJECT_REPLIES,
            "general",
            theme=theme,
        )
        for theme in PROJECTS
    ]


FAMILIES = {
    "general": general,
    "gear": gear,
    "critique": critique,
    "astro": astro,
    "help": questions,
    "staff": staff,
}


def threads(key: str, rng: random.Random) -> list[Script]:
    """The generated threads of ``key`` (a category, or "staff"), in an order for ``rng``:
    round-robin over their first part, so neighbours differ."""
    scripts = FAMILIES[key]()
    rng.shuffle(scripts)
    return scripts
