"""The demo's people: names that do not repeat, and a generated avatar for most of them.

Avatars are drawn at demo time from the username (the same username always gets the same
picture) and stored through the account service, like an uploaded one. A few members keep
the initials fallback, as some people never upload a picture."""

from __future__ import annotations

import colorsys
import hashlib
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from hearth.accounts import services as account_services
from hearth.accounts.models import User

FIRST = ["Ada", "Ben", "Chloé", "Dev", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kaia",
         "Liam", "Maya", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Vik",
         "Wen", "Xena", "Yusuf", "Zoë", "Aiko", "Bruno", "Carmen", "Dmitri", "Esme", "Farah",
         "Gus", "Hana", "Ivo", "Jade", "Kofi", "Lena", "Mateo", "Noor", "Oskar", "Pia", "Rafael",
         "Sana", "Theo", "Valeria", "Wiktor", "Yara", "Anouk", "Bilal", "Chiara", "Darius",
         "Emeka", "Freya", "Goran", "Hugo", "Ingrid", "Joaquín", "Keiko", "Lucía", "Mina",
         "Nils", "Olga", "Pablo", "Ruth", "Saoirse", "Tomás", "Ugo", "Vera", "Will"]  # fmt: skip
LAST = ["Okafor", "Lindqvist", "Moreau", "Patel", "Yilmaz", "Adeyemi", "Hopper", "Tanaka",
        "García", "Berg", "Nakamura", "Silva", "Kowalski", "Haddad", "Novak", "Rossi", "Dubois",
        "Mensah", "Larsen", "Costa", "Schmidt", "Ahmed", "Kim", "Ortega", "Byrne", "Fischer",
        "Jansen", "Khan", "Lopes", "Murphy", "Nowak", "Park", "Quist", "Reyes", "Sato",
        "Varga"]  # fmt: skip
# Share of members who keep the initials fallback (people who never upload a picture).
NO_AVATAR = 0.12


def _ascii(name: str) -> str:
    table = str.maketrans("éëíóúá", "eeioua")
    return name.lower().translate(table)


def unique_names(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """``count`` (username, display name) pairs, no display name twice. Usernames are the
    first name and a number, as people pick them."""
    names, seen, taken = [], set(), set()
    for i in range(count):
        while True:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            if (first, last) not in seen or len(seen) >= len(FIRST) * len(LAST):
                break
        seen.add((first, last))
        style = rng.random()
        if style < 0.5:
            username = f"{_ascii(first)}{i + 1}"
        elif style < 0.8:
            username = f"{_ascii(first)}_{_ascii(last)}"
        else:
            username = f"{_ascii(first)[0]}{_ascii(last)}"
        if username in taken:
            username = f"{username}{i + 1}"
        taken.add(username)
        names.append((username, f"{first} {last}"))
    return names


def has_avatar(username: str) -> bool:
    return _rng(username, "keep").random() >= NO_AVATAR


def _rng(username: str, salt: str = "") -> random.Random:
    digest = hashlib.sha256(f"{salt}:{username}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _colour(hue: float, lightness: float, saturation: float) -> tuple[int, int, int]:
    return tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue % 1, lightness, saturation))


SIZE = 256


def _gradient(size: int, top, bottom) -> Image.Image:
    column = Image.new("RGB", (1, size))
    for y in range(size):
        t = y / (size - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return column.resize((size, size))


def _landscape(rng: random.Random) -> Image.Image:
    """A sky, a sun and layered hills: a photographer's kind of picture."""
    hue = rng.random()
    image = _gradient(SIZE, _colour(hue, 0.55, 0.6), _colour(hue + 0.08, 0.82, 0.7))
    draw = ImageDraw.Draw(image)
    x, y, r = rng.randint(50, 200), rng.randint(50, 120), rng.randint(22, 40)
    draw.ellipse((x - r, y - r, x + r, y + r), fill=_colour(hue + 0.12, 0.92, 0.9))
    for layer in range(3):
        base = 150 + layer * 35
        points = [(0, SIZE)]
        for px in range(0, SIZE + 32, 32):
            points.append((px, base + rng.randint(-28, 18)))
        points.append((SIZE, SIZE))
        draw.polygon(points, fill=_colour(hue + 0.5, 0.42 - layer * 0.12, 0.35))
    return image


def _bokeh(rng: random.Random) -> Image.Image:
    """Soft out-of-focus lights on a dark background."""
    hue = rng.random()
    image = _gradient(SIZE, _colour(hue, 0.16, 0.5), _colour(hue + 0.1, 0.3, 0.55))
    layer = Image.new("RGBA", (SIZE, SIZE))
    draw = ImageDraw.Draw(layer)
    for _ in range(14):
        x, y, r = rng.randint(0, SIZE), rng.randint(0, SIZE), rng.randint(12, 46)
        colour = _colour(hue + rng.uniform(-0.08, 0.15), rng.uniform(0.55, 0.8), 0.85)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*colour, rng.randint(70, 150)))
    layer = layer.filter(ImageFilter.GaussianBlur(3))
    image.paste(layer, (0, 0), layer)
    return image


def _pattern(rng: random.Random) -> Image.Image:
    """A mirrored 5×5 pattern on a pale background (an identicon)."""
    hue = rng.random()
    image = Image.new("RGB", (SIZE, SIZE), _colour(hue, 0.93, 0.5))
    draw = ImageDraw.Draw(image)
    cell, margin = 40, 28
    colour = _colour(hue, 0.45, 0.6)
    for row in range(5):
        for col in range(3):
            if rng.random() < 0.5:
                for c in {col, 4 - col}:
                    x, y = margin + c * cell, margin + row * cell
                    draw.rounded_rectangle((x, y, x + cell - 4, y + cell - 4), 8, fill=colour)
    return image


def _initials(rng: random.Random, name: str) -> Image.Image:
    """Initials on a diagonal gradient, as some people make for themselves."""
    hue = rng.random()
    image = _gradient(SIZE, _colour(hue, 0.52, 0.65), _colour(hue + 0.15, 0.38, 0.6))
    text = "".join(part[0] for part in name.split()[:2]).upper()
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=104)
    draw.text((SIZE / 2, SIZE / 2), text, fill=(255, 255, 255), font=font, anchor="mm")
    return image


STYLES = (_landscape, _bokeh, _pattern)


def avatar_image(username: str, display_name: str) -> bytes:
    """A PNG avatar for ``username``: the same picture every time."""
    rng = _rng(username)
    style = rng.random()
    if style < 0.25:
        image = _initials(rng, display_name or username)
    else:
        image = STYLES[int((style - 0.25) / 0.75 * len(STYLES))](rng)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def give_avatar(user: User) -> None:
    """Store the generated avatar as ``user``'s, through the account service."""
    upload = SimpleUploadedFile(
        f"{user.username}.png", avatar_image(user.username, user.display_name), "image/png"
    )
    account_services.profile_update(
        user=user,
        display_name=user.display_name,
        bio=user.bio,
        time_zone=user.time_zone,
        avatar=upload,
    )
