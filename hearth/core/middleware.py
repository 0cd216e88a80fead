import zoneinfo
from urllib.parse import parse_qsl

from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

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
            return JsonResponse({"detail": reason}, status=400)
        return render(request, "errors/400.html", {"reason": reason}, status=400)
