"""``{% event_when event occurrence %}``: an occurrence's time in the viewer's zone (their
account's, else the event's own, with a script that adds the browser's local time), and
``{% upcoming_events_panel %}`` for the community home."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from hearth.core import panel_cache
from hearth.discussions import policy as discussion_policy
from hearth.events import selectors

register = template.Library()
HOME_EVENTS = 3


def _span(start, end) -> str:
    text = f"{date_format(start, 'D j M Y')}, {time_format(start, 'H:i')}–"
    if end.date() == start.date():
        text += time_format(end, "H:i")
    else:
        text += f"{date_format(end, 'D j M')}, {time_format(end, 'H:i')}"
    return f"{text} {start.tzname()}"


@register.simple_tag(takes_context=True)
def event_when(context, event, occurrence):
    """Signed-in viewers see their own time zone (and the event's when it differs);
    visitors see the event's, and ``events.js`` adds their browser's."""
    request = context.get("request")
    signed_in = request is not None and request.user.is_authenticated
    event_zone = ZoneInfo(event.time_zone)
    zone = timezone.get_current_timezone() if signed_in else event_zone
    start, end = occurrence.starts_at.astimezone(zone), occurrence.ends_at.astimezone(zone)
    local = _span(
        occurrence.starts_at.astimezone(event_zone), occurrence.ends_at.astimezone(event_zone)
    )
    shown = _span(start, end)
    extra = ""
    if signed_in and local != shown:
        extra = format_html(' <span class="meta">({} {})</span>', local, event.time_zone)
    return format_html(
        '<time class="event-when" datetime="{}" data-end="{}"{}>{}</time>{}',
        occurrence.starts_at.isoformat(), occurrence.ends_at.isoformat(),
        mark_safe(" data-local-time") if not signed_in else "", shown, extra,
    )  # fmt: skip


@register.simple_tag(takes_context=True)
def upcoming_events_panel(context):
    """The home's "Upcoming events" card: the next few occurrences this audience may see
    (the same for everyone who reads the same categories), kept a few minutes
    (hearth.core.panel_cache) until content changes."""
    request = context["request"]
    community, actor = request.community, request.actor

    def render():
        rows = selectors.upcoming(
            actor, community, limit=HOME_EVENTS, published_only=review == "published"
        )
        return render_to_string(
            "events/_home_panel.html",
            {"community": community, "rows": rows, "request": request},
        )

    readable = discussion_policy.readable_audience_key(actor)
    review = "review" if discussion_policy.sees_posts_in_review(actor) else "published"
    signed_in = "user" if actor.user is not None else "visitor"
    return panel_cache.panel_html(
        "events", community.pk, f"{readable}-{review}-{signed_in}", render, version="content"
    )
