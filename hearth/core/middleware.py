import zoneinfo

from django.http import Http404
from django.utils import timezone

from hearth.core.actor import Actor


class TimezoneMiddleware:
    """Times are stored in UTC and shown in the viewer's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tz_name = (
            getattr(request.user, "time_zone", None) if request.user.is_authenticated else None
        )
        if tz_name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(tz_name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class CommunityActorMiddleware:
    """Resolve ``request.community`` from the ``community_slug`` URL argument and
    ``request.actor`` for it, once per request. Visibility is decided by the views through
    ``communities.policy``; this only looks things up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.community = None
        request.actor = Actor.for_user(request.user)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("community_slug")
        if slug is None:
            return None
        from hearth.communities.models import Community

        community = Community.objects.filter(slug=slug).first()
        if community is None:
            raise Http404
        request.community = community
        request.actor = Actor.for_user(request.user, community)
        return None
