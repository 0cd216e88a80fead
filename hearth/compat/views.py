"""Discourse's most used API endpoints, per community, in Discourse's JSON shapes.

Thin views: :func:`compat_view` resolves who is asking (``Api-Key``/``Api-Username`` or the
session), hides communities the actor may not see, checks CSRF for session writes and turns
every refusal into Discourse's error shape; reads go through :mod:`hearth.compat.selectors`
and writes through ``hearth.discussions.services`` (so moderation hooks and events run)."""

from __future__ import annotations

import json
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.cache import add_never_cache_headers
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from hearth.api.models import Scope
from hearth.api.policy import scope_denial
from hearth.communities import policy as community_policy
from hearth.compat import auth, selectors, serializers
from hearth.core.converters import parse_id
from hearth.core.ratelimit import RateLimited
from hearth.discussions import policy as discussion_policy
from hearth.discussions import selectors as discussion_selectors
from hearth.discussions import services as discussion_services
from hearth.discussions.models import ReviewState, Topic

JSON_TYPE = "application/json; charset=utf-8"  # exactly what pydiscourse expects
NOT_FOUND = "The requested URL or resource could not be found."
INVALID_ACCESS = "You are not permitted to view the requested resource."
MAX_FIELD_CHARS = 100_000  # longer than any post Hearth accepts; refused before parsing


class BadRequest(Exception):
    """A parameter is missing or malformed (400 invalid_parameters)."""


def _json(data, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        data, status=status, content_type=JSON_TYPE, json_dumps_params={"ensure_ascii": False}
    )
    add_never_cache_headers(response)
    response["Vary"] = "Api-Key, Api-Username, Cookie"
    return response


def error(status: int, error_type: str, *messages: str, **extra) -> JsonResponse:
    return _json({"errors": [m for m in messages if m], "error_type": error_type, **extra}, status)


def not_found(request=None) -> JsonResponse:
    return error(404, "not_found", NOT_FOUND)


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


def _csrf_failure(request) -> str | None:
    check = _CsrfCheck(lambda r: None)
    check.process_request(request)
    return check.process_view(request, None, (), {})


def _validation_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for messages in exc.message_dict.values() for m in messages]
    return [str(m) for m in exc.messages]


def compat_view(*, methods=("GET",), action: str | None = None):
    """Resolve the actor, check the method, CSRF and the community's visibility, and answer
    every refusal in Discourse's error shape."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, community_slug, *args, **kwargs):
            if request.method not in allowed:
                response = error(405, "invalid_access", _("Method not allowed."))
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            community = request.community
            try:
                if auth.presented_key(request) is not None:
                    found = auth.authenticate(request, community)
                    request.actor, request.api_key = found.actor, found.key
                    scope = Scope.READ if request.method in ("GET", "HEAD") else Scope.WRITE
                    if reason := scope_denial(found.key, scope):
                        return error(403, "invalid_access", reason)
                elif request.method not in ("GET", "HEAD") and _csrf_failure(request):
                    return error(
                        403, "invalid_access", _("Send an Api-Key header, or the CSRF token.")
                    )
                if not community_policy.can_view_community(request.actor, community):
                    return not_found()
                return view(request, *args, **kwargs)
            except auth.KeyRefused as exc:
                return error(403, "invalid_access", INVALID_ACCESS, str(exc))
            except Http404:
                return not_found()
            except PermissionDenied as exc:
                return error(403, "invalid_access", str(exc) or INVALID_ACCESS)
            except BadRequest as exc:
                return error(400, "invalid_parameters", str(exc))
            except RateLimited as exc:
                response = error(
                    429,
                    "rate_limit",
                    exc.messages[0],
                    extras={
                        "wait_seconds": exc.retry_after,
                        "time_left": f"{exc.retry_after} seconds",
                    },
                )
                response["Retry-After"] = str(exc.retry_after)
                return response
            except ValidationError as exc:
                extra = {"action": action} if action else {}
                return error(422, "invalid_parameters", *_validation_messages(exc), **extra)

        wrapper.not_found_response = not_found
        return wrapper

    return decorate


def _flag(request, name: str) -> bool:
    return (request.GET.get(name) or "").lower() in ("1", "true", "yes")


# Topics ------------------------------------------------------------------------------------


def _topic_list(request, category=None):
    actor, community = request.actor, request.community
    page = selectors.page_number(request.GET.get("page"))
    topics, more = selectors.latest_topics(actor, community, page=page, category=category)
    topics = discussion_selectors.with_unread(topics, actor)
    path = request.path.removesuffix(".json")
    return _json(
        serializers.topic_list(
            request,
            topics,
            more_url=f"{path}?page={page + 1}" if more else None,
            can_create=community_policy.can_participate(actor),
        )
    )


@compat_view()
def latest(request):
    return _topic_list(request)


@compat_view()
def category_topics(request, category_id, category_slug=None):
    category = selectors.category(request.actor, request.community, category_id)
    return _topic_list(request, category=category)


def _topic_response(request, topic: Topic, *, from_number: int | None = None):
    actor = request.actor
    posts = selectors.topic_posts(actor, topic, from_number=from_number)
    stream = selectors.topic_stream(actor, topic)
    standing = selectors.standing(request.community, [p.author_id for p in posts])
    return _json(
        serializers.topic_detail(
            request,
            actor,
            topic,
            posts=posts,
            stream=stream,
            standing=standing,
            include_raw=_flag(request, "include_raw"),
        )
    )


@compat_view()
def topic(request, topic_id):
    return _topic_response(request, selectors.topic(request.actor, topic_id))


@compat_view()
def topic_by_slug(request, topic_slug, topic_id):
    """``/t/<slug>/<id>.json``, and Discourse's other reading of the same shape,
    ``/t/<id>/<post_number>.json``, when the first part is a number that is not the topic's
    slug."""
    actor = request.actor
    named = None
    try:
        named = selectors.topic(actor, topic_id)
    except Http404:
        if not topic_slug.isdecimal():
            raise
    # Only a topic the actor may read decides the reading: nothing is learnt of others.
    if topic_slug.isdecimal() and (named is None or named.slug != topic_slug):
        first = parse_id(topic_slug)
        if first is None:
            raise Http404
        return _topic_response(request, selectors.topic(actor, first), from_number=topic_id)
    return _topic_response(request, named)


def _post_ids(request) -> list[int] | None:
    values = request.GET.getlist("post_ids[]") or request.GET.getlist("post_ids")
    if not values:
        return None
    ids = [parse_id(v) for v in values]
    if None in ids:
        raise BadRequest(_("post_ids must be post ids."))
    return ids


@compat_view()
def topic_posts(request, topic_id):
    """``/t/<id>/posts.json``: the posts named by ``post_ids[]``, or from ``post_number``."""
    actor = request.actor
    topic = selectors.topic(actor, topic_id)
    post_ids = _post_ids(request)
    number = request.GET.get("post_number")
    from_number = None
    if number not in (None, ""):
        from_number = parse_id(number)
        if from_number is None:
            raise BadRequest(_("post_number must be a post number."))
    posts = selectors.topic_posts(actor, topic, post_ids=post_ids, from_number=from_number)
    standing = selectors.standing(request.community, [p.author_id for p in posts])
    include_raw = _flag(request, "include_raw")
    return _json(
        {
            "post_stream": {
                "posts": [
                    serializers.post(request, actor, p, standing=standing, include_raw=include_raw)
                    for p in posts
                ]
            },
            "id": topic.pk,
        }
    )


# Posts -------------------------------------------------------------------------------------


def _payload(request) -> dict:
    """The request's parameters: a JSON object, or a form (as pydiscourse sends)."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadRequest(_("The body is not valid JSON.")) from exc
        if not isinstance(data, dict):
            raise BadRequest(_("The body must be a JSON object."))
        return data
    return {key: request.POST.get(key) for key in request.POST}


def _text(data: dict, name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadRequest(_("%(name)s must be text.") % {"name": name})
    value = str(value)
    if len(value) > MAX_FIELD_CHARS:
        raise ValidationError({name: [_("%(name)s is too long.") % {"name": name}]})
    return value


def _id(data: dict, name: str) -> int | None:
    value = _text(data, name).strip()
    if not value:
        return None
    number = parse_id(value)
    if number is None:
        raise BadRequest(_("%(name)s must be an id.") % {"name": name})
    return number


def _created(request, post):
    actor = request.actor
    if post.review_state != ReviewState.PUBLISHED:
        # Discourse's answer for a post queued for review.
        return _json(
            {
                "success": True,
                "action": "enqueued",
                "pending_post": {"id": post.pk, "raw": post.body},
                "pending_count": 1,
            }
        )
    standing = selectors.standing(request.community, [post.author_id])
    return _json(serializers.post(request, actor, post, standing=standing, include_raw=True))


@compat_view(methods=("GET", "POST"), action="create_post")
def posts(request):
    """GET: the latest posts (``before`` an id). POST: a new topic (``title``, ``raw``,
    ``category``) or a reply (``topic_id``, ``raw``, ``reply_to_post_number``)."""
    actor, community = request.actor, request.community
    if request.method != "POST":
        before = request.GET.get("before")
        before_id = parse_id(before) if before not in (None, "") else None
        if before not in (None, "") and before_id is None:
            raise BadRequest(_("before must be a post id."))
        items = selectors.latest_posts(actor, community, before=before_id)
        standing = selectors.standing(community, [p.author_id for p in items])
        return _json(
            {
                "latest_posts": [
                    serializers.post(request, actor, p, standing=standing, include_raw=True)
                    for p in items
                ]
            }
        )
    if actor.user is None:
        raise PermissionDenied(_("Sign in or send an API key to post."))
    data = _payload(request)
    if (_text(data, "archetype") or "regular") != "regular":
        raise BadRequest(_("Only regular topics can be created here (no private messages)."))
    raw = _text(data, "raw")
    if not raw.strip():
        raise BadRequest("param is missing or the value is empty: raw")
    topic_id = _id(data, "topic_id")
    if topic_id is not None:
        topic = selectors.topic(actor, topic_id)
        reply_to = None
        if (number := _id(data, "reply_to_post_number")) is not None:
            reply_to = selectors.post_by_number(actor, topic, number)
            if reply_to is None:
                raise ValidationError(_("There is no post %(n)s in that topic.") % {"n": number})
        post = discussion_services.post_reply(actor=actor, topic=topic, body=raw, reply_to=reply_to)
        return _created(request, post)
    category_id = _id(data, "category")
    if category_id is None:
        category = selectors.default_category(actor, community)
        if category is None:
            raise PermissionDenied(_("There is no category you can start a topic in."))
    else:
        category = selectors.category_or_none(actor, community, category_id)
        if category is None:
            raise ValidationError(_("That category does not exist."))
    topic = discussion_services.topic_create(
        actor=actor, category=category, title=_text(data, "title"), body=raw
    )
    first = topic.posts.select_related("author", "reply_to", "topic__category").get(number=1)
    return _created(request, first)


@compat_view()
def post(request, post_id):
    actor = request.actor
    found = selectors.post(actor, post_id)
    if found.is_deleted and not actor.is_staff:
        raise Http404
    standing = selectors.standing(request.community, [found.author_id])
    return _json(serializers.post(request, actor, found, standing=standing, include_raw=True))


# Categories, users, search -----------------------------------------------------------------


@compat_view()
def categories(request):
    actor, community = request.actor, request.community
    return _json(
        {
            "category_list": {
                "can_create_category": discussion_policy.can_manage_categories(actor),
                "can_create_topic": community_policy.can_participate(actor),
                "categories": [
                    serializers.category(actor, c, community.slug)
                    for c in selectors.categories(actor, community)
                ],
            }
        }
    )


@compat_view()
def user(request, username):
    summary = selectors.user(request.actor, request.community, username)
    return _json(
        {
            "user_badges": [],
            "badges": [],
            "badge_types": [],
            "users": [],
            "topics": [],
            "user": serializers.user(request, request.actor, summary),
        }
    )


@compat_view()
def search(request):
    actor, community = request.actor, request.community
    q = (request.GET.get("q") or request.GET.get("term") or "").strip()
    if len(q) > MAX_FIELD_CHARS:
        raise BadRequest(_("The search is too long."))
    page = selectors.page_number(request.GET.get("page"), first=1)
    hits, topics, more = (
        selectors.search(actor, community, q=q, page=page) if q else ([], {}, False)
    )
    posts = [
        {
            "id": hit.post_id,
            "name": hit.author_name,
            "username": hit.author_username,
            "avatar_template": "",
            "created_at": serializers.iso(hit.created_at),
            "like_count": 0,
            "blurb": " ".join(strip_tags(str(hit.snippet)).split()),
            "post_number": hit.post_number,
            "topic_title_headline": hit.topic_title,
            "topic_id": hit.topic_id,
        }
        for hit in hits
    ]
    return _json(
        {
            "posts": posts,
            "topics": [serializers.topic_summary(topics[hit.topic_id]) for hit in hits],
            "users": [],
            "categories": [],
            "tags": [],
            "groups": [],
            "grouped_search_result": {
                "more_posts": more or None,
                "more_users": None,
                "more_categories": None,
                "term": q,
                "search_log_id": None,
                "more_full_page_results": more or None,
                "can_create_topic": community_policy.can_participate(actor),
                "error": None if q else _("Type something to search for."),
                "post_ids": [hit.post_id for hit in hits],
                "user_ids": [],
                "category_ids": [],
                "tag_ids": [],
                "group_ids": [],
            },
        }
    )
