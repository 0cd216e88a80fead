from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from hearth.core.templatetags.hearth import short_ago

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(seconds=5), "now"),
        (timedelta(minutes=5), "5m"),
        (timedelta(hours=3, minutes=59), "3h"),
        (timedelta(days=2), "2d"),
        (timedelta(days=49), "7w"),
        (timedelta(days=100), "28 Aug"),
        (timedelta(days=800), "Sep 2024"),
    ],
)
def test_short_ago_says_how_long_in_a_few_characters(ago, text):
    assert short_ago(NOW - ago, now=NOW) == text


def test_a_future_time_reads_as_now():
    assert short_ago(NOW + timedelta(hours=1), now=NOW) == "now"


def test_reltime_puts_the_full_date_in_datetime_and_title_without_microseconds():
    when = timezone.now() - timedelta(days=49, microseconds=1234)
    html = Template('{% load hearth %}{% reltime when "meta" %}').render(Context({"when": when}))
    assert html.startswith('<time class="meta" datetime="')
    assert ">7w</time>" in html
    assert "." not in html.split('datetime="')[1].split('"')[0]
    assert 'title="' in html


def test_reltime_of_nothing_is_empty():
    assert Template("{% load hearth %}{% reltime when %}").render(Context({"when": None})) == ""
