"""Live update streams (Server-Sent Events). Each view decides what the actor may hear,
then hands the channels to ``hearth.live.streams``."""

from django.http import HttpResponseBadRequest, HttpResponseForbidden
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from hearth.communities.views import community_view
from hearth.core.converters import parse_id
from hearth.discussions import selectors as discussions_selectors
from hearth.live import policy
from hearth.live.channels import latest_channel, topic_channel, user_channel
from hearth.live.streams import stream_response


@require_safe
@community_view
def community_stream(request):
    """``?topic=<id>``: new posts in that topic (404 unless the actor may read it);
    ``?latest=1``: new topics the actor may read; a member's own events always."""
    actor, community = request.actor, request.community
    channels = []
    accept = None
    if "topic" in request.GET:
        topic_id = parse_id(request.GET["topic"])
        if topic_id is None:
            return HttpResponseBadRequest(_("topic must be a topic id."))
        topic = discussions_selectors.topic_for(actor, topic_id)  # 404 if not readable
        channels.append(topic_channel(topic.pk))
    if request.GET.get("latest"):
        channels.append(latest_channel(community.pk))
        accept = policy.latest_filter(actor, community)
    if actor.user is not None:
        channels.append(user_channel(actor.user.pk))
    if not channels:
        return HttpResponseBadRequest(_("Name a topic or the latest list to follow."))
    return stream_response(request, channels, accept=accept)


@require_safe
def user_stream(request):
    """A signed-in member's own events (the notification count), on pages outside a
    community."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden(_("Sign in to receive live updates."))
    return stream_response(request, [user_channel(request.user.pk)])
