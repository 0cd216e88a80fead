"""What makes two usernames the same, and which ones may not be chosen.

A username is stored NFKC-normalised (full-width ``ｄｅｍｏ`` is stored as ``demo``) and
compared by its *key*: case-folded, with every letter that looks like an ASCII letter or
digit (Cyrillic ``а``, Greek ``Α``) replaced by it, from the Unicode confusables data that
``confusable_homoglyphs`` ships. Two accounts may not share a key, so ``DEMO``, ``ｄｅｍｏ``
and a Cyrillic ``demо`` all collide with ``demo``, and a reserved name is reserved in every
spelling. A name that mixes scripts with look-alike letters (``аdmin`` with a Cyrillic
``а``) is refused outright; a name written in one script (``мария``, ``山田``) is fine."""

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from hearth.core import homoglyphs


def normalize(username: str) -> str:
    return unicodedata.normalize("NFKC", username)


def _ascii_look_alike(char: str) -> str:
    if char.isascii():
        return char
    return homoglyphs.ascii_look_alike(char) or char


def _fold(char: str) -> str:
    # Capitals first: Cyrillic "М" looks like "M" where lower-case "м" looks like no
    # ASCII letter, so "Мария" and "мария" must meet through the capital.
    alike = _ascii_look_alike(char)
    if alike.isascii():
        return alike.lower()
    return "".join(_ascii_look_alike(c) for c in char.casefold()).lower()


def key(username: str) -> str:
    """The form two usernames are compared in: equal keys look alike."""
    folded = "".join(map(_fold, normalize(username).upper()))
    return unicodedata.normalize("NFKC", folded).casefold()


def is_reserved(username: str) -> bool:
    """Whether the name spells one of ``ACCOUNT_USERNAME_BLACKLIST`` in any look-alike way."""
    return key(username) in {key(name) for name in settings.ACCOUNT_USERNAME_BLACKLIST}


@deconstructible
class MixedScriptValidator:
    """Refuse a name mixing scripts whose letters look alike (a Cyrillic ``а`` in
    ``аdmin``): it exists only to pass for someone else."""

    message = _(
        "Use letters from one alphabet: this name mixes letters from different alphabets "
        "that look alike (such as a Cyrillic “а” among Latin letters)."
    )
    code = "mixed_script"

    def __call__(self, value: str) -> None:
        if homoglyphs.is_dangerous(normalize(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, MixedScriptValidator)
