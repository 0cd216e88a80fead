"""Accent colours: validation and the shades derived from one brand colour, with text
colour chosen by WCAG contrast so every community is readable without a designer."""

import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# hearth.css's dark-mode --surface, --surface-2 and --text.
DARK_SURFACE, DARK_SURFACE_2, DARK_TEXT = "#1a1d23", "#22262e", "#e9ecf1"
HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def validate_hex_color(value: str) -> None:
    if not isinstance(value, str) or not HEX_COLOR.match(value):
        raise ValidationError(_("Enter a colour as # followed by six hex digits, e.g. #2f6f4e."))


def _channels(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def relative_luminance(hex_color: str) -> float:
    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(hex_color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(hex_color: str, other: str, amount: float) -> str:
    a, b = _channels(hex_color), _channels(other)
    return _hex(tuple(x + (y - x) * amount for x, y in zip(a, b, strict=True)))


def text_on(hex_color: str) -> str:
    """Black or white, whichever reads better on the colour."""
    white, black = contrast_ratio(hex_color, "#ffffff"), contrast_ratio(hex_color, "#000000")
    return "#ffffff" if white >= black else "#000000"


def readable_on(hex_color: str, background: str, minimum: float = 4.5) -> str:
    """The colour, darkened or lightened just enough to reach the contrast minimum on the
    background (for links and outlines drawn in the accent)."""
    toward = "#000000" if relative_luminance(background) > 0.5 else "#ffffff"
    for step in range(21):
        candidate = mix(hex_color, toward, step / 20)
        if contrast_ratio(candidate, background) >= minimum:
            return candidate
    return toward


@lru_cache(maxsize=512)
def accent_palette(hex_color: str) -> Mapping[str, str]:
    """Every page of a community reads its palette (a few hundred colour sums): worked out
    once per colour, read-only since it is shared."""
    soft_dark = mix(hex_color, DARK_SURFACE, 0.8)
    # Dark-mode links sit on the surfaces and on the accent tint: readable on the lighter.
    lightest_dark = max((DARK_SURFACE_2, soft_dark), key=relative_luminance)
    return MappingProxyType(
        {
            "accent": hex_color,
            "accent_hover": mix(hex_color, "#000000", 0.15),
            "accent_soft": mix(hex_color, "#ffffff", 0.88),
            "accent_contrast": text_on(hex_color),
            "accent_text": readable_on(hex_color, "#ffffff"),
            "accent_text_dark": readable_on(hex_color, lightest_dark),
            # Dark mode: a tint of the accent on the dark surface, under light text.
            "accent_soft_dark": soft_dark,
        }
    )
