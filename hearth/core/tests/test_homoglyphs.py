"""``hearth.core.homoglyphs`` keeps a little of the confusables table and must answer as the
package does over all of it."""

import pytest
from confusable_homoglyphs import confusables

from hearth.core import homoglyphs

LISTED = [
    (char, entries) for char, entries in confusables.confusables_data.items() if len(char) == 1
]


def _package_ascii_look_alike(char: str) -> str | None:
    for glyph in confusables.confusables_data.get(char, ()):
        if len(glyph["c"]) == 1 and glyph["c"].isascii() and glyph["c"].isalnum():
            return glyph["c"]
    return None


def _package_imitates_ascii() -> dict[str, str]:
    table: dict[str, str] = {}
    for char, entries in LISTED:
        if len(char) != 1:
            continue
        if char.isascii():
            if char.isalnum():
                for entry in entries:
                    if len(entry["c"]) == 1 and not entry["c"].isascii():
                        table.setdefault(entry["c"], char.lower())
            continue
        for entry in entries:
            glyph = entry["c"]
            if len(glyph) == 1 and glyph.isascii() and glyph.isalnum():
                table.setdefault(char, glyph.lower())
                break
    return table


def test_every_listed_character_has_the_packages_ascii_look_alike():
    for char, _entries in LISTED:
        assert homoglyphs.ascii_look_alike(char) == _package_ascii_look_alike(char), char
    assert homoglyphs.ascii_look_alike("а") == "a"  # Cyrillic
    assert homoglyphs.ascii_look_alike("a") is None  # listed, but only with non-ASCII glyphs
    assert homoglyphs.ascii_look_alike("山") is None


def test_the_look_alikes_of_ascii_letters_read_both_sides_of_the_table():
    assert homoglyphs.table().imitates_ascii == _package_imitates_ascii()
    assert homoglyphs.table().imitates_ascii["ℓ"] == "l"


@pytest.mark.parametrize(
    "template", ["{}", "abc{}", "{}xyz", "Demo{}1", "мария{}", "ΑΒΓ{}", "山田{}", "a.{}-b"]
)
def test_is_dangerous_answers_as_the_package_for_every_listed_character(template):
    for char, _entries in LISTED:
        text = template.format(char)
        assert homoglyphs.is_dangerous(text) == bool(confusables.is_dangerous(text)), text


@pytest.mark.parametrize(
    ("text", "dangerous"),
    [("admin", False), ("аdmin", True), ("мария", False), ("山田", False), ("", False)],
)
def test_is_dangerous_on_names(text, dangerous):
    assert homoglyphs.is_dangerous(text) is dangerous
