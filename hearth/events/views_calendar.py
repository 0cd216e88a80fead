"""``.ics`` downloads: one event, and the community's calendar feed to subscribe to.

Calendar apps fetch a feed without anyone's session, so what they get is what a visitor
may see: public events only. Signed-in members downloading it in the browser get the events
they may see."""

from django.http import HttpResponse
from django.urls import reverse

from hearth.communities.views import community_view
from hearth.events import ics, selectors


def _response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response


def _url_of(request):
    def url(event):
        return request.build_absolute_uri(
            reverse("events:detail", args=[request.community.slug, event.pk])
        )

    return url


@community_view
def event_ics(request, event_id):
    event = selectors.event_for(request.actor, event_id)
    body = ics.calendar_bytes(
        [event], name=event.title, url_of=_url_of(request), host=request.get_host()
    )
    return _response(body, f"event-{event.pk}.ics")


@community_view
def feed(request):
    community = request.community
    events = selectors.feed_events(request.actor, community)
    body = ics.calendar_bytes(
        events, name=community.name, url_of=_url_of(request), host=request.get_host()
    )
    return _response(body, f"{community.slug}-events.ics")
