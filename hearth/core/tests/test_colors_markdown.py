import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from hearth.core.colors import (
    DARK_SURFACE,
    DARK_SURFACE_2,
    DARK_TEXT,
    accent_palette,
    contrast_ratio,
    validate_hex_color,
)
from hearth.core.markdown import render_markdown
from hearth.testing.html import script_capable_parts

hex_colors = st.from_regex(r"\A#[0-9a-f]{6}\Z")


@given(hex_colors)
def test_text_on_accent_meets_wcag_aa(color):
    assert contrast_ratio(accent_palette(color)["accent_contrast"], color) >= 4.5


@given(hex_colors)
def test_link_colour_is_readable_on_white(color):
    assert contrast_ratio(accent_palette(color)["accent_text"], "#ffffff") >= 4.5


@given(hex_colors)
def test_dark_mode_shades_are_readable(color):
    palette = accent_palette(color)
    assert contrast_ratio(DARK_TEXT, palette["accent_soft_dark"]) >= 4.5
    for background in (DARK_SURFACE, DARK_SURFACE_2, palette["accent_soft_dark"]):
        assert contrast_ratio(palette["accent_text_dark"], background) >= 4.5


@pytest.mark.parametrize("value", ["#fff", "red", "#12345g", "", None, "#1234567"])
def test_invalid_colours(value):
    with pytest.raises(ValidationError):
        validate_hex_color(value)


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ("[x](javascript:alert(1))", 'href="javascript'),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ("![x](data:image/svg+xml;base64,PHN2Zz4=)", "data:"),
        ("<svg><script>alert(1)</script></svg>", "<svg"),
    ],
)
def test_markdown_is_sanitised(source, forbidden):
    assert script_capable_parts(render_markdown(source)) == []


def test_markdown_links_are_nofollow():
    html = render_markdown("[site](https://example.com)")
    assert 'rel="nofollow ugc noopener"' in html


HOSTILE_PIECES = st.sampled_from(
    ["<script>", "</script>", "<svg", "onload=", "onerror=", "javascript:", "data:text/html,",
     "[x](", ")", "![", "](", "<img src=x ", ">", "\"", "'", "`", "::: spoiler\n", "\n:::\n",
     "> ", "- ", "&#x6A;avascript:", "<a href=", "<iframe", "<style>", "vbscript:", "\n\n"]
)  # fmt: skip


@given(st.lists(st.one_of(HOSTILE_PIECES, st.text(max_size=8)), max_size=40).map("".join))
def test_hostile_markdown_never_yields_script_capable_html(text):
    assert script_capable_parts(render_markdown(text, mention_url=lambda name: f"/u/{name}/")) == []
