"""Share-card images: a 1200×630 PNG with a title in the community's colours, for link
previews (Open Graph / Twitter) of pages that have no picture of their own.

Drawn with Pillow on first request and kept on disk, named by a hash of everything drawn,
so a changed title or colour makes a new file and an unchanged one is never drawn twice.
The files live under the private media root: the view that serves them checks that the
page is still public first, so a card outlives neither its topic nor its visibility."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import tempfile
from functools import cache
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from hearth.communities.models import Community
from hearth.core.colors import mix, text_on

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
LOGO = 96
# Bump when the drawing changes, so cached cards are redrawn.
DESIGN = 2
FONT_FILES = {
    "bold": (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    "regular": (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ),
}


@cache
def _font(weight: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A system font if one is installed, else Pillow's own (always there)."""
    for path in FONT_FILES[weight]:
        if os.path.exists(path):
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and draw.textlength(f"{line} {words[0]}", font=font) <= width:
            line = f"{line} {words.pop(0)}"
        while draw.textlength(line, font=font) > width and len(line) > 1:
            line = line[:-1]  # one word longer than the card: cut it
        lines.append(line)
    if words and lines:
        last = lines[-1]
        while last and draw.textlength(f"{last}…", font=font) > width:
            last = last[:-1]
        lines[-1] = f"{last.rstrip()}…"
    return lines


def _logo(community: Community) -> Image.Image | None:
    if not community.logo:
        return None
    try:
        with community.logo.open("rb") as file, Image.open(file) as image:
            image.thumbnail((LOGO, LOGO))
            return image.convert("RGBA")
    except (OSError, ValueError):
        logger.warning("community %s: logo unreadable for its share card", community.pk)
        return None


def draw_card(community: Community, title: str, subtitle: str) -> bytes:
    accent = community.accent_color
    ink = text_on(accent)
    soft = mix(accent, ink, 0.75)
    image = Image.new("RGB", (WIDTH, HEIGHT), accent)
    draw = ImageDraw.Draw(image)
    # The brand band: logo (or initials) and community name.
    logo = _logo(community)
    if logo is not None:
        image.paste(logo, (MARGIN, MARGIN), logo)
    else:
        draw.rounded_rectangle((MARGIN, MARGIN, MARGIN + LOGO, MARGIN + LOGO), radius=20, fill=ink)
        draw.text(
            (MARGIN + LOGO / 2, MARGIN + LOGO / 2),
            community.initials[:2],
            font=_font("bold", 44),
            fill=accent,
            anchor="mm",
        )
    name_font = _font("bold", 40)
    name = _wrap(draw, community.name, name_font, WIDTH - 3 * MARGIN - LOGO, 1)
    draw.text(
        (MARGIN + LOGO + 32, MARGIN + LOGO / 2), name[0] if name else "", font=name_font,
        fill=ink, anchor="lm",
    )  # fmt: skip
    # The title, as large as fits in four lines.
    top = MARGIN + LOGO + 56
    for size, max_lines in ((72, 3), (58, 4)):
        title_font = _font("bold", size)
        lines = _wrap(draw, title, title_font, WIDTH - 2 * MARGIN, max_lines)
        if not lines or not lines[-1].endswith("…"):
            break
    line_height = int(title_font.size * 1.2) if hasattr(title_font, "size") else 70
    for i, line in enumerate(lines):
        draw.text((MARGIN, top + i * line_height), line, font=title_font, fill=ink)
    sub_font = _font("regular", 32)
    sub = _wrap(draw, subtitle, sub_font, WIDTH - 2 * MARGIN, 1)
    if sub:
        draw.text((MARGIN, HEIGHT - MARGIN), sub[0], font=sub_font, fill=soft, anchor="ls")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def card_key(community: Community, title: str, subtitle: str) -> str:
    drawn = [DESIGN, community.pk, community.name, community.accent_color, str(community.logo)]
    return hashlib.sha256(json.dumps([*drawn, title, subtitle]).encode()).hexdigest()


def card_path(community: Community, title: str, subtitle: str) -> Path:
    """The card's file, drawn now if it is not on disk yet (written atomically, so two
    requests drawing the same card at once both end with a whole file)."""
    key = card_key(community, title, subtitle)
    path = Path(settings.HEARTH_PRIVATE_MEDIA_ROOT) / "cards" / key[:2] / f"{key}.png"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as file:
            file.write(draw_card(community, title, subtitle))
        os.replace(tmp, path)
    return path
