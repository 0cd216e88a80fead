"""``.ics`` downloads: one event, and the community's calendar feed to subscribe to.

Calendar apps fetch a feed without anyone's session, so what they get is what a visitor
may see: public events only. Signed-in members downloading it in the browser get the events
they may see."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from hearth.communities import policy as community_policy
from hearth.communities.views import community_view
from hearth.events import ics, policy, selectors, services


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


@require_safe
def private_feed(request, community_slug, token):
    """What a calendar app fetches from a member's private address: the events the member
    may see, without a session. Not behind ``community_view``: the token is the member,
    and the member's own access to the community is checked instead."""
    community = request.community
    actor = selectors.calendar_feed_owner(community, token) if community else None
    if actor is None or not community_policy.can_view_community(actor, community):
        raise Http404
    events = selectors.feed_events(actor, community)
    body = ics.calendar_bytes(
        events, name=community.name, url_of=_url_of(request), host=request.get_host()
    )
    response = _response(body, f"{community.slug}-events.ics")
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@community_view
def calendar_address(request):
    """The member's private calendar address, and a button to reset it."""
    actor = request.actor
    if policy.calendar_feed_denial(actor) is not None:
        raise Http404
    if request.method == "POST":
        if request.POST.get("action") == "reset":
            services.calendar_feed_reset(actor=actor)
            messages.success(
                request, _("Your private calendar address is new; the old one no longer works.")
            )
        else:
            services.calendar_feed(actor=actor)
        return redirect("events:calendar-address", community_slug=request.community.slug)
    feed = selectors.calendar_feed_of(actor)
    address = None
    if feed is not None:
        address = request.build_absolute_uri(
            reverse("events:private-feed", args=[request.community.slug, feed.token])
        )
    return render(request, "events/calendar_address.html", {"address": address})


@community_view
def feed(request):
    community = request.community
    events = selectors.feed_events(request.actor, community)
    body = ics.calendar_bytes(
        events, name=community.name, url_of=_url_of(request), host=request.get_host()
    )
    return _response(body, f"{community.slug}-events.ics")
