"""Which characters look like ASCII letters and digits, from Unicode's confusables table as
the ``confusable_homoglyphs`` package ships it.

The package's ``confusables`` module keeps the whole table as Python objects (~6 MB) in
every process that imports it, for the life of the process: in each of the server's
workers, beside the little Hearth reads of it. Hearth reads the table's file once instead
and keeps only what it asks of it: for each character that imitates an ASCII letter or
digit, that character; and the set of characters the table lists at all. ``is_dangerous``
answers as the package's ``confusables.is_dangerous`` does (``hearth/core/tests`` compares
the two on every character of the table); the scripts come from the package's small ``categories``
module, which it keeps."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from confusable_homoglyphs import categories


@dataclass(frozen=True)
class Table:
    # A character the table lists → the first single ASCII letter or digit among its
    # look-alikes (Cyrillic "а" → "a"); characters with none are left out.
    ascii_look_alike: dict[str, str]
    # Each non-ASCII character that imitates an ASCII letter or digit → that character in
    # lower case, whichever side of the table lists the pair ("ℓ" is listed under "l").
    imitates_ascii: dict[str, str]
    # Every single character the table gives look-alikes for.
    confusable: frozenset[str]


def _glyph(entry: dict) -> dict | str:
    if len(entry) == 2 and "c" in entry and "n" in entry:
        return entry["c"]
    return entry  # the table itself: character → look-alikes


def _is_ascii_alnum(glyph: str) -> bool:
    return len(glyph) == 1 and glyph.isascii() and glyph.isalnum()


@lru_cache(maxsize=1)
def table() -> Table:
    """Built on first use (``hearth serve`` builds it before forking its workers)."""
    text = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    # Each look-alike is {"c": glyph, "n": its Unicode name}: kept as the glyph alone as it
    # is read, so the names never pile up (a heap left full of holes costs each worker too).
    listed = json.loads(text, object_hook=_glyph)
    ascii_look_alike: dict[str, str] = {}
    imitates_ascii: dict[str, str] = {}
    confusable = set()
    for char, glyphs in listed.items():
        if len(char) != 1:  # sequences: Hearth looks characters up one at a time
            continue
        if glyphs:
            confusable.add(char)
        first_ascii = next(filter(_is_ascii_alnum, glyphs), None)
        if first_ascii is not None:
            ascii_look_alike[char] = first_ascii
        if char.isascii():
            if char.isalnum():
                for glyph in glyphs:
                    if len(glyph) == 1 and not glyph.isascii():
                        imitates_ascii.setdefault(glyph, char.lower())
        elif first_ascii is not None:
            imitates_ascii.setdefault(char, first_ascii.lower())
    return Table(ascii_look_alike, imitates_ascii, frozenset(confusable))


def ascii_look_alike(char: str) -> str | None:
    """The ASCII letter or digit ``char`` is listed as looking like, if any."""
    return table().ascii_look_alike.get(char)


def is_dangerous(text: str) -> bool:
    """Whether ``text`` mixes scripts (Common aside) and holds a character the table gives
    look-alikes for: ``confusable_homoglyphs.confusables.is_dangerous(text)``."""
    scripts = categories.unique_aliases(text) - {"COMMON"}
    return len(scripts) > 1 and any(char in table().confusable for char in text)
