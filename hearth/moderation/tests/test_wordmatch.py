"""The matcher: evasions caught, whole words only unless wildcarded, literal keys only."""

import re

import pytest
from django.core.exceptions import ValidationError

from hearth.moderation import wordmatch
from hearth.moderation.watched_words import clean_word
from hearth.moderation.wordmatch import Matcher, mask, mask_html

MATCHER = Matcher([("scam", "block"), ("buy now", "require_approval")])


def found(text, matcher=MATCHER):
    return [(m.word, text[m.start : m.end]) for m in matcher.find(text)]


@pytest.mark.parametrize(
    "text",
    [
        "a scam",
        "a SCAM!",
        "a ѕсаm",  # Cyrillic ѕ, с and а
        "a scаm",  # one Cyrillic а
        "a sc\u200dam",  # zero-width joiner
        "a s\u200bc\u200ba\u200bm",  # zero-width spaces
        "a s c a m",
        "a s.c.a.m",
        "a s-c-a-m",
        "a 5c4m",
        "a $c@m",
        "a ｓｃａｍ",  # fullwidth
        "a scám",  # accent
        "a 𝐬𝐜𝐚𝐦",  # mathematical bold
    ],
)
def test_evasions_are_caught(text):
    assert [word for word, _ in found(text)] == ["scam"]


def test_leetspeak_one_stands_for_l_and_i():
    matcher = Matcher([("hello", "block"), ("idiot", "block")])
    assert [m.word for m in matcher.find("he11o 1d1ot")] == ["hello", "idiot"]


def test_phrases_match_across_any_spacing_and_punctuation():
    assert found("Buy   NOW, friends") == [("buy now", "Buy   NOW")]
    assert found("buy\nnow") == [("buy now", "buy\nnow")]


def test_a_word_inside_another_is_not_caught_unless_wildcarded():
    """The Scunthorpe problem: whole words by default; * opts in to substrings."""
    whole = Matcher([("ass", "censor")])
    assert found("class assistant bass", whole) == []
    assert found("what an ass.", whole) == [("ass", "ass")]
    prefix = Matcher([("ass*", "censor")])
    assert found("class assistant", prefix) == [("ass*", "ass")]
    anywhere = Matcher([("*ass*", "censor")])
    assert [w for w, _ in found("class assistant", anywhere)] == ["*ass*", "*ass*"]


def test_spelled_out_letters_do_not_join_ordinary_words():
    assert found("scam a lot") == [("scam", "scam")]
    assert found("sc am") == []  # only runs of single letters are joined


def test_masking_keeps_spacing_and_maps_back_to_the_original_characters():
    matcher = Matcher([("scam", "censor")])
    text = "it is a s.c.a.m, a ѕсаm"
    assert mask(text, matcher.find(text)) == "it is a ■■■■■■■, a ■■■■"


def test_html_masking_touches_text_only():
    matcher = Matcher([("scam", "censor")])
    markup = '<p>a scam &amp; <a href="https://scam.example">scam</a></p>'
    assert mask_html(markup, matcher, ["censor"]) == (
        '<p>a ■■■■ &amp; <a href="https://scam.example">■■■■</a></p>'
    )


def test_the_matcher_never_compiles_user_input_into_a_regular_expression(monkeypatch):
    """A pattern built to backtrack is just text, and a 32 KB post is one linear pass: the
    automaton reports at most one candidate per (position, key) and no regex is built."""

    def refuse(*args, **kwargs):
        raise AssertionError("a regular expression was compiled from user input")

    words = [("(a+)+$", "block"), ("*" + "a" * 50 + "*", "flag")]
    words += [("a" * n + "*", "censor") for n in range(2, 60)]
    monkeypatch.setattr(re, "compile", refuse)
    monkeypatch.setattr(re, "match", refuse)
    monkeypatch.setattr(re, "search", refuse)
    matcher = Matcher(words)
    text = "a" * 32 * 1024 + "!"
    matches = matcher.find(text)
    # "*aaa…a*" (50) fits at every offset; "aa*" … starts only at the word's start.
    assert sum(m.action == "flag" for m in matches) == len(text) - 1 - 50 + 1
    assert sum(m.action == "censor" for m in matches) == 58
    assert not [m for m in matches if m.action == "block"]


@pytest.mark.parametrize(
    "word",
    ["(a+)+$", "a{1,100}", "[a-z]*x", "sc*am", "a|b", r"\bscam", "x" * 101, "a", "*ab", "  "],
)
def test_patterns_and_nonsense_are_not_accepted_as_words(word):
    with pytest.raises(ValidationError):
        clean_word(word)


def test_words_are_stored_trimmed_and_lower_case():
    assert clean_word("  Buy   NOW ") == "buy now"
    assert clean_word("*Spam*") == "*spam*"


def test_invisible_characters_fold_to_nothing():
    assert wordmatch.fold_char("\u200d") == wordmatch.fold_char("\u200b") == ""
    assert wordmatch.fold_char("А") == "a"  # Cyrillic capital A
