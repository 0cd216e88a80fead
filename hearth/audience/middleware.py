"""Count page views of community pages without slowing them down.

Goes right before ``django.contrib.sessions.middleware.SessionMiddleware``, so that on
the way out it sees the session key of a session created by this very request (a visitor
landing with ``?source=`` gets one) and the final response; ``request.user`` and
``request.community`` are set by the middleware and view inside it. The hot path builds a
small tuple and appends it to the process's buffer; one request in
``HEARTH_PAGEVIEW_FLUSH_EVERY`` (or the first after ``HEARTH_PAGEVIEW_FLUSH_SECONDS``)
writes the batch. See docs/features/audience.md.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from hearth.audience.recording import PageView, buffer, clean_source, referrer_host, visitor_hash
from hearth.core.client_ip import client_ip

logger = logging.getLogger(__name__)

# Crawlers, link previews, monitors, scripts and headless browsers. Deliberately simple:
# a bot that pretends to be a browser is counted, as in every log-free counter. Matched
# against the lowercased user agent (an IGNORECASE pattern is ten times slower).
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|monitor|uptime|"
    r"pingdom|lighthouse|headless|phantomjs|curl|wget|python|httpx|go-http-client|java/|"
    r"okhttp|libwww|scrapy|feed|fetch"
)
MAX_USER_AGENT_CHARS = 512
TOPIC_VIEW = "discussions:topic"


def _is_counted(request, response) -> bool:
    """A page a person looked at: a full HTML page of a community, answered 200."""
    if request.method != "GET" or response.status_code != 200:
        return False
    if getattr(request, "community", None) is None or not request.path_info.startswith("/c/"):
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    # request.META, not request.headers: building the headers mapping costs more than
    # everything else here.
    meta = request.META
    if meta.get("HTTP_HX_REQUEST") == "true" and meta.get("HTTP_HX_BOOSTED") != "true":
        return False  # a fragment swapped into a page already counted
    if "prefetch" in meta.get("HTTP_SEC_PURPOSE", "") or meta.get("HTTP_PURPOSE") == "prefetch":
        return False
    user_agent = meta.get("HTTP_USER_AGENT", "")[:MAX_USER_AGENT_CHARS].lower()
    return bool(user_agent) and not BOT_USER_AGENT.search(user_agent)


def _identity(request, day: date) -> tuple[str, date | None]:
    """Who is visiting, as (identity, daily salt): the member, else the browser session,
    else the address and user agent with a salt that changes every day."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}", None
    session = getattr(request, "session", None)
    session_key = session.session_key if session is not None else None
    if session_key:
        return f"s:{session_key}", None
    address = client_ip(request)
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:MAX_USER_AGENT_CHARS]
    return f"a:{address}|{user_agent}", day


def _source(request) -> tuple[str, str]:
    """(source, campaign) from ``?source=`` or ``utm_source`` / ``utm_campaign``, or as
    the view set it on ``request.audience_source`` (an invite link's landing page)."""
    given = getattr(request, "audience_source", None)
    if given is not None:
        return given if given[0] else ("", "")
    if "source=" not in request.META.get("QUERY_STRING", ""):
        return "", ""  # skip parsing the query string on the common path
    source = clean_source(request.GET.get("source") or request.GET.get("utm_source") or "")
    if not source:
        return "", ""
    return source, clean_source(request.GET.get("utm_campaign") or "")


def _topic_id(request) -> int:
    """The topic a topic page shows (0 for any other page), from the URL already resolved:
    a cached page served without running its view is counted all the same."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name != TOPIC_VIEW:
        return 0
    return match.kwargs.get("topic_id") or 0


def _own_host(request) -> str:
    # The raw header, not request.get_host(): a page answered 200 passed host validation
    # already, and only the name is compared.
    return request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")


def page_view_for(request, response) -> PageView | None:
    """The page view to count for this request, or None."""
    if not _is_counted(request, response):
        return None
    community_id = request.community.pk
    day = timezone.now().date()
    identity, daily_salt = _identity(request, day)
    source, campaign = _source(request)
    user = getattr(request, "user", None)
    return PageView(
        community_id=community_id,
        day=day,
        visitor_hash=visitor_hash(community_id, identity, daily_salt=daily_salt),
        referrer_host=referrer_host(request.META.get("HTTP_REFERER", ""), _own_host(request)),
        source=source,
        campaign=campaign,
        topic_id=_topic_id(request),
        viewer_id=user.pk if user is not None and user.is_authenticated else 0,
    )


class PageViewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        try:
            view = page_view_for(request, response)
        except (SuspiciousOperation, ValueError, UnicodeError):
            # A hostile query string or header: the page is served, the view not counted.
            logger.info("Page view not counted for a malformed request", exc_info=True)
            return response
        if view is not None and buffer.add(view):
            buffer.flush()
        return response
