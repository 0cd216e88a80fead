from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from hearth.core.colors import accent_palette, contrast_ratio, validate_hex_color
from hearth.core.markdown import render_markdown

hex_colors = st.from_regex(r"\A#[0-9a-f]{6}\Z")


@given(hex_colors)
def test_text_on_accent_meets_wcag_aa(color):
    assert contrast_ratio(accent_palette(color)["accent_contrast"], color) >= 4.5


@given(hex_colors)
def test_link_colour_is_readable_on_white(color):
    assert contrast_ratio(accent_palette(color)["accent_text"], "#ffffff") >= 4.5


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
    tags = _tags(render_markdown(source))
    for tag, attrs in tags:
        assert tag not in {"script", "svg", "img", "iframe", "style"}
        for name, value in attrs:
            assert not name.startswith("on")
            assert not (value or "").strip().lower().startswith(("javascript:", "data:"))


def _tags(html):
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def test_markdown_links_are_nofollow():
    html = render_markdown("[site](https://example.com)")
    assert 'rel="nofollow ugc noopener"' in html


@given(st.text(max_size=300))
def test_markdown_never_crashes(text):
    render_markdown(text)
