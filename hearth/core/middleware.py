import logging
import zoneinfo

from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone

from hearth.core.actor import Actor
from hearth.core.db import RETRY_AFTER_SECONDS, is_database_unavailable

logger = logging.getLogger(__name__)


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


def database_unavailable_response(request) -> HttpResponse:
    """503 with ``Retry-After``: JSON ``{"detail": ...}`` for the API and the ``.json``
    compatibility routes, a static page otherwise (rendered without the request, whose
    context processors would read the database again)."""
    path = request.path_info
    if path.startswith("/api/") or path.endswith(".json"):
        response = JsonResponse(
            {"detail": "The database is busy or unreachable. Try again in a few seconds."},
            status=503,
        )
    else:
        was_read = request.method in ("GET", "HEAD")
        response = HttpResponse(
            render_to_string("errors/503.html", {"was_read": was_read}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that fails because the database is locked (SQLite) or out of reach
    (PostgreSQL) answers 503 with ``Retry-After`` instead of a 500. Errors raised in other
    middleware reach ``hearth.core.views.error_500``, which answers the same way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.warning(
            "Database unavailable for %s %s: %s", request.method, request.path, exception
        )
        return database_unavailable_response(request)
