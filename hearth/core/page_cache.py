"""Whole-page cache for signed-out visitors of public community pages.

A visitor's page is the same for every visitor (one anonymous actor), so the first one's
response is kept in Django's cache (local memory; Redis with ``REDIS_URL``, which several
app processes need so that they see each other's bumps) and the next ones get its bytes
without running the view. What keeps it correct:

- **A version per community.** Every write to what community pages show bumps it, at the
  write and again after it commits: saves and deletes of the models in ``WATCHED`` (posts, topics,
  categories, reactions, votes, questions, ideas, memberships, the community itself) and
  every committed interaction event. An entry carries the version read *before* its view
  ran, so a page rendered while a write commits is stale at once, never wrong for long.
  Queryset ``.update()`` sends no signal; entries also expire after
  ``HEARTH_PAGE_CACHE_SECONDS`` (60), which bounds that and the "5m ago" times.
- **Only anonymous, plain requests.** No signed-in user, no session or messages cookie, no
  htmx fragment, GET/HEAD only. A member's page says ``Cache-Control: private``.
- **Only what any visitor may read.** The view runs with the anonymous actor, so a private
  community or category answers 404 or a redirect, and only a 200 is kept; a hit checks
  again that the community is visible to visitors. A response that sets a cookie, touched
  the session or queued a message is never kept.
- **No one's CSRF token in anyone's page.** base.html puts a token in every page. Before an
  entry is kept, each token in the body is replaced with a placeholder; a hit puts the
  current visitor's own token there (``get_token``, which sets their cookie as usual).
- The key holds the full path and query, the community, the language and the time zone.
"""

from __future__ import annotations

import hashlib
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from hearth.core import replica, versions

# The models whose rows community pages show. A save or delete of any bumps the version.
WATCHED = (
    "communities.Community",
    "communities.Membership",
    "communities.RulesVersion",
    "discussions.Category",
    # A group's visibility decides who reads its categories.
    "groups.Group",
    "discussions.Topic",
    "discussions.Post",
    "discussions.Reaction",
    "discussions.Attachment",
    "qa.Question",
    "qa.AnswerVote",
    "ideas.Idea",
    "ideas.IdeaVote",
    "ideas.IdeaStatusChange",
    "ideas.IdeaBoardSettings",
    "events.Event",
    "events.Rsvp",
    "events.EventSettings",
    # The home's side panels (hearth.core.panel_cache keys them on this version too).
    "members.MemberProfile",
    "recognition.Spotlight",
    "recognition.Feature",
)
VISITOR_CACHE_CONTROL = "public, max-age=0, must-revalidate"
MEMBER_CACHE_CONTROL = "private"
CSRF_PLACEHOLDER = "\ue010csrf\ue011"
_TOKEN = re.compile(rb"\b[A-Za-z0-9]{64}\b")
_KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag", "Link")


def _timeout() -> int:
    return int(getattr(settings, "HEARTH_PAGE_CACHE_SECONDS", 60))


def _keep_seconds() -> int:
    """A page read from the read replica may miss a write that already bumped the version
    (the replica is up to ``HEARTH_REPLICA_MAX_LAG`` behind): it is kept no longer than
    that, so it is replaced by one that has the write."""
    if replica.read_replica_in_request():
        return min(_timeout(), settings.HEARTH_REPLICA_MAX_LAG)
    return _timeout()


def _enabled() -> bool:
    return bool(getattr(settings, "HEARTH_PAGE_CACHE", True))


def version_key(community_id: int) -> str:
    return f"hearth:pagecache:v:{community_id}"


def bump(community_id: int | None) -> None:
    """Every cached page of the community is stale from now on."""
    if community_id is not None:
        versions.bump(version_key(community_id))


def bump_now_and_on_commit(community_id: int | None) -> None:
    """Bump now and at the commit (``versions.bump_now_and_on_commit``)."""
    if community_id is not None:
        versions.bump_now_and_on_commit(version_key(community_id))


def _community_id_of(instance) -> int | None:
    if instance._meta.label == "communities.Community":
        return instance.pk
    return getattr(instance, "community_id", None)


def _on_write(sender, instance, **kwargs) -> None:
    bump_now_and_on_commit(_community_id_of(instance))


def _on_events(events) -> None:
    for community_id in {getattr(e, "community_id", None) for e in events}:
        bump(community_id)


def connect() -> None:
    """Subscribe the bumps (from CoreConfig.ready): model saves and deletes, and events."""
    from django.apps import apps

    from hearth.core.events import on_events_committed

    for label in WATCHED:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        uid = f"hearth.page_cache:{label}"
        post_save.connect(_on_write, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_on_write, sender=model, dispatch_uid=uid + ":delete")
    on_events_committed(_on_events)


def _may_use_cache(request) -> bool:
    if request.method not in ("GET", "HEAD") or not _enabled():
        return False
    if request.user.is_authenticated or request.headers.get("HX-Request"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    community = getattr(request, "community", None)
    if community is None:
        return False
    from hearth.communities import policy

    return policy.can_view_community(request.actor, community)


def _page_key(request) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return (
        f"hearth:pagecache:p:{request.community.pk}:{translation.get_language()}:"
        f"{timezone.get_current_timezone_name()}:{path}"
    )


def _keepable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Set-Cookie") or response.has_header("Cache-Control"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    storage = getattr(request, "_messages", None)
    return not (storage is not None and getattr(storage, "_queued_messages", None))


def _without_tokens(request, body: bytes) -> bytes | None:
    """The body with every CSRF token of this request replaced by the placeholder; None if
    a token-like string cannot be told apart (then the page is not kept)."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret or not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return body

    def swap(match: re.Match) -> bytes:
        token = match.group(0).decode()
        if _unmask_cipher_token(token) == secret:
            return CSRF_PLACEHOLDER.encode()
        return match.group(0)

    return _TOKEN.sub(swap, body)


def _headers(response: HttpResponse) -> dict[str, str]:
    return {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)}


def _mark(response: HttpResponse, *, visitor: bool) -> HttpResponse:
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = VISITOR_CACHE_CONTROL if visitor else MEMBER_CACHE_CONTROL
    patch_vary_headers(response, ("Cookie",))
    return response


def visitor_page_cache(view):
    """Serve a community page to signed-out visitors from the cache (see the module doc).
    Put it above ``community_view``; the view runs unchanged for everyone else."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _may_use_cache(request):
            response = view(request, *args, **kwargs)
            anonymous = not request.user.is_authenticated
            return _mark(response, visitor=anonymous and response.status_code == 200)
        key = _page_key(request)
        version, found = versions.current_with(version_key(request.community.pk), [key])
        entry = found.get(key)
        if entry is not None and entry[0] == version:
            _version, headers, body = entry
            if CSRF_PLACEHOLDER.encode() in body:
                body = body.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
            response = HttpResponse(body)
            for name, value in headers.items():
                response[name] = value
            response["X-Hearth-Cache"] = "hit"
            return _mark(response, visitor=True)
        response = view(request, *args, **kwargs)
        if _keepable(request, response):
            body = _without_tokens(request, response.content)
            if body is not None:
                cache.set(key, (version, _headers(response), body), _keep_seconds())
                response["X-Hearth-Cache"] = "miss"
        return _mark(response, visitor=response.status_code == 200)

    return wrapper
