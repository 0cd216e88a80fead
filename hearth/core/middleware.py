import logging
import zoneinfo
from urllib.parse import parse_qsl

from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.core.actor import Actor
from hearth.core.db import RETRY_AFTER_SECONDS, is_database_unavailable

logger = logging.getLogger(__name__)


# Text worth compressing; images and archives are compressed already.
COMPRESSIBLE_TYPES = (
    "text/html", "text/plain", "text/css", "text/csv", "application/json",
    "application/xml", "application/rss+xml", "application/javascript",
)  # fmt: skip


class PageCompressionMiddleware(GZipMiddleware):
    """Gzip for pages and JSON (static files come precompressed from whitenoise, before this).

    Never a live stream: an event stream must reach the browser event by event. Django's
    gzip pads each response with random bytes against BREACH, and CSRF tokens are masked
    per response.
    """

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        if content_type not in COMPRESSIBLE_TYPES:
            return response
        return super().process_response(request, response)


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
        membership = request.actor.membership
        if membership is not None and membership.ban_has_ended:
            # A timed ban has run out: the member is back where they stood before it.
            from hearth.communities.services import membership_end_ban

            request.actor = Actor(request.user, community, membership_end_ban(membership))
        return None


def _is_utf8_form(raw: bytes) -> bool:
    """Whether URL-encoded data is UTF-8 both as sent and once its %-escapes are decoded."""
    try:
        parse_qsl(raw.decode(), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


def _raw_query_string(request) -> bytes:
    if hasattr(request, "environ"):  # WSGI hands the bytes over as latin-1 text
        return get_bytes_from_wsgi(request.environ, "QUERY_STRING", "")
    # ASGI: Django has already decoded the query string as strict UTF-8.
    return request.META.get("QUERY_STRING", "").encode()


class Utf8InputMiddleware:
    """Refuse a query string or form whose text is not valid UTF-8, with a 400 that says so.

    Django decodes such input with replacement characters, so a title sent as the bytes
    FF FE would be stored as two U+FFFD. Checking here covers every form (ours, allauth's,
    the admin's) and every query string, where a validator on each field could be missed.

    URL-encoded bodies are checked as sent: Django reads them whole into memory anyway,
    limited by DATA_UPLOAD_MAX_MEMORY_SIZE. Multipart bodies may hold large uploads and
    are never read twice: their parsed field values are checked instead. There the parser
    has already turned invalid bytes into U+FFFD, so a field holding that character is
    refused even if it was sent as valid UTF-8; it stands for lost text and means nothing
    to a reader."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_utf8_form(_raw_query_string(request)) or not self._body_is_utf8(request):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _body_is_utf8(request) -> bool:
        if request.method != "POST":
            return True
        if request.content_type == "application/x-www-form-urlencoded":
            return _is_utf8_form(request.body)
        if request.content_type == "multipart/form-data":
            values = (value for _key, values in request.POST.lists() for value in values)
            return not any("\ufffd" in value for value in values)
        return True

    @staticmethod
    def _refuse(request):
        reason = _(
            "The request contains text that is not valid UTF-8, so nothing was saved. "
            "Send it again from a browser or set your tool's text encoding to UTF-8."
        )
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"error": {"code": "invalid_encoding", "message": reason, "fields": {}}},
                status=400,
            )
        return render(request, "errors/400.html", {"reason": reason}, status=400)


def database_unavailable_response(request) -> HttpResponse:
    """503 with ``Retry-After``: the API's JSON error for the API, ``{"detail": ...}`` for the
    ``.json`` compatibility routes, a static page otherwise (rendered without the request, whose
    context processors would read the database again)."""
    path = request.path_info
    message = "The database is busy or unreachable. Try again in a few seconds."
    if path.startswith("/api/"):
        response = JsonResponse(
            {"error": {"code": "unavailable", "message": message, "fields": {}}}, status=503
        )
    elif path.endswith(".json"):
        response = JsonResponse({"detail": message}, status=503)
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
