"""Finding watched words in text, in linear time, through the usual disguises.

Text and watched words go through the same normalisation, one character at a time:

- zero-width and other invisible format characters (U+200B, U+200D, U+2060, soft hyphen…)
  are dropped; NFKC folds compatibility forms (fullwidth ``ｆ``, ligatures, ``𝐟``);
  accents and other combining marks are dropped; case is folded;
- look-alikes from other scripts become the Latin letter they imitate (Cyrillic ``а``,
  Greek ``ο``), from Unicode's confusables table (``hearth.core.homoglyphs``);
- common leetspeak: 4 and @ → a, 3 → e, 1 → i, 0 → o, 5 and $ → s, 7 → t; and ``l`` is
  folded into ``i`` on both sides, so ``1`` stands for either;
- what is left splits into words at every other character (spaces, punctuation); a run
  of single letters with short gaps (``f u c k``, ``f.u.c.k``) is joined back into one,
  in which a watched word may start or end at any letter ("a s c a m" still holds "scam").

Matching is then a single pass of an Aho–Corasick automaton (``pyahocorasick``) over the
normalised text: the watched words are literal keys, never regular expressions, so no
word can be written to backtrack. A word matches whole words only (``ass`` does not
catch "class" or "assistant": the Scunthorpe problem); a ``*`` at its start or end lets
it match inside words (``*ass*``). Matches map back to the original characters, for
masking.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from hearth.core import homoglyphs

LEET = {"4": "a", "@": "a", "3": "e", "1": "i", "0": "o", "5": "s", "$": "s", "7": "t"}
FOLD = {"l": "i"}  # so "1" can stand for "l" as well as "i"
SPELLED_GAP = 3  # at most this many separators between the letters of "f . u . c . k"
MASK = "■"
TAG = re.compile(r"(<[^>]*>)")  # a fixed pattern over sanitised HTML, never user input


@lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    """One character as the matcher sees it: "" for invisible ones, else one or more
    lower-case characters (``ß`` → ``ss``)."""
    if unicodedata.category(char) == "Cf":
        return ""
    imitates_ascii = homoglyphs.table().imitates_ascii
    out = []
    for part in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", char)):
        if unicodedata.combining(part):
            continue
        for c in part.casefold():
            c = imitates_ascii.get(c, c)
            c = LEET.get(c, c)
            out.append(FOLD.get(c, c))
    return "".join(out)


@dataclass(frozen=True)
class Normalised:
    """The text as words separated by single spaces, with a space at each end; for each
    of its characters the index of the original character it came from (-1 for the
    separating spaces), and whether it was a word of one letter (a word boundary on both
    sides, even once joined into a spelled-out run)."""

    text: str
    origins: tuple[int, ...]
    single: tuple[bool, ...]


def normalise(text: str) -> Normalised:
    words: list[tuple[list[str], list[int], int, bool]] = []  # chars, origins, gap, newline
    chars: list[str] = []
    origins: list[int] = []
    gap, newline = 0, False
    for index, char in enumerate(text):
        for c in fold_char(char):
            if c.isalnum():
                chars.append(c)
                origins.append(index)
                continue
            if chars:
                words.append((chars, origins, gap, newline))
                chars, origins, gap, newline = [], [], 0, False
            gap += 1
            newline = newline or c in "\n\r"
    if chars:
        words.append((chars, origins, gap, newline))
    out_chars, out_origins, out_single = [" "], [-1], [False]
    spelled = False  # the last word written is a run of single letters
    for word_chars, word_origins, word_gap, word_newline in words:
        single = len(word_chars) == 1
        if single and spelled and word_gap <= SPELLED_GAP and not word_newline:
            out_chars.pop()
            out_origins.pop()
            out_single.pop()
        else:
            spelled = single
        out_chars.extend(word_chars)
        out_origins.extend(word_origins)
        out_single.extend([single] * len(word_chars))
        out_chars.append(" ")
        out_origins.append(-1)
        out_single.append(False)
    return Normalised("".join(out_chars), tuple(out_origins), tuple(out_single))


def parse_word(word: str) -> tuple[str, bool, bool]:
    """A watched word → (its normalised key, may start inside a word, may end inside a
    word)."""
    word = word.strip()
    starts_inside, ends_inside = word.startswith("*"), word.endswith("*")
    key = normalise(word.strip("*")).text.strip()
    return key, starts_inside, ends_inside


@dataclass(frozen=True)
class Match:
    word: str  # the watched word as staff wrote it
    action: str
    start: int  # in the original text, inclusive
    end: int  # in the original text, exclusive


class Matcher:
    """An Aho–Corasick automaton over a set of (word, action) pairs."""

    def __init__(self, entries: Iterable[tuple[str, str]]):
        self._automaton = ahocorasick.Automaton()
        keys: dict[str, list[tuple[str, str, bool, bool]]] = {}
        for word, action in entries:
            key, starts_inside, ends_inside = parse_word(word)
            if key:
                keys.setdefault(key, []).append((word, action, starts_inside, ends_inside))
        for key, payload in keys.items():
            self._automaton.add_word(key, (len(key), tuple(payload)))
        self._empty = not keys
        if keys:
            self._automaton.make_automaton()

    def __bool__(self) -> bool:
        return not self._empty

    def find(self, text: str, actions: Iterable[str] | None = None) -> list[Match]:
        """Every watched word in ``text`` (optionally only those with one of ``actions``),
        in order of where they end."""
        if self._empty or not text:
            return []
        wanted = set(actions) if actions is not None else None
        norm = normalise(text)
        found = []
        for end, (length, payload) in self._automaton.iter(norm.text):
            start = end - length + 1
            at_start = norm.text[start - 1] == " " or norm.single[start]
            at_end = norm.text[end + 1] == " " or norm.single[end]
            for word, action, starts_inside, ends_inside in payload:
                if wanted is not None and action not in wanted:
                    continue
                if (at_start or starts_inside) and (at_end or ends_inside):
                    found.append(Match(word, action, norm.origins[start], norm.origins[end] + 1))
        return found


def mask(text: str, matches: Iterable[Match]) -> str:
    """``text`` with each matched stretch's visible characters replaced by ■."""
    chars = list(text)
    for match in matches:
        for i in range(match.start, match.end):
            if not chars[i].isspace():
                chars[i] = MASK
    return "".join(chars)


def mask_html(markup: str, matcher: Matcher, actions: Iterable[str]) -> str:
    """Mask the matches in the text between the tags of sanitised HTML (attributes such
    as link addresses are left alone; a word split by a tag is not seen)."""
    actions = tuple(actions)
    parts = TAG.split(markup)
    for i in range(0, len(parts), 2):
        text = html.unescape(parts[i])
        if matches := matcher.find(text, actions):
            parts[i] = html.escape(mask(text, matches), quote=False)
    return "".join(parts)
