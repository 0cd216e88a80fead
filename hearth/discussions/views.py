"""Reading and writing discussions: thin views over selectors, policy and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.communities import policy as community_policy
from hearth.communities.views import community_view
from hearth.core.forms import add_service_errors
from hearth.core.htmx import is_htmx
from hearth.core.pagination import paginate
from hearth.discussions import policy, selectors, services
from hearth.discussions.forms import EditForm, ReplyForm, TopicForm, WatchForm
from hearth.discussions.models import REACTIONS, WatchLevel

LIST_FILTERS = ("latest", "new", "unread")


def topic_url(topic, number: int | None = None) -> str:
    url = reverse("discussions:topic", args=[topic.community.slug, topic.slug, topic.pk])
    return f"{url}#post-{number}" if number else url


def _topic_list_page(request, *, category=None):
    actor, community = request.actor, request.community
    show = request.GET.get("show", "latest")
    if show not in LIST_FILTERS or (show != "latest" and not policy.can_track_reading(actor)):
        show = "latest"
    page = paginate(
        request,
        selectors.topic_list(actor, community, category=category, show=show),
        selectors.TOPICS_PER_PAGE,
    )
    page.object_list = selectors.with_unread(page.object_list, actor)
    return {
        "page": page,
        "show": show,
        "filters": LIST_FILTERS if policy.can_track_reading(actor) else (),
        "categories": selectors.categories(actor, community),
        "category": category,
        "show_category": category is None,
        "can_start_topic": (
            policy.can_start_topic(actor, category)
            if category is not None
            else community_policy.can_participate(actor)
        ),
    }


@community_view
def latest(request):
    return render(request, "discussions/topic_list.html", _topic_list_page(request))


@community_view
def category(request, category_slug):
    category = selectors.category_for(request.actor, request.community, category_slug)
    return render(
        request, "discussions/topic_list.html", _topic_list_page(request, category=category)
    )


@login_required
@community_view
def topic_new(request):
    actor, community = request.actor, request.community
    allowed = [
        c for c in selectors.categories(actor, community) if policy.can_start_topic(actor, c)
    ]
    if not allowed:
        raise PermissionDenied(
            community_policy.participate_denial(actor)
            or _("No category accepts new topics from you.")
        )
    preset = request.GET.get("category")
    form = TopicForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        categories=allowed,
        initial={"category": preset} if preset else None,
    )
    if request.method == "POST" and form.is_valid():
        category = selectors.category_by_id(actor, community, form.cleaned_data["category"])
        try:
            topic = services.topic_create(
                actor=actor,
                category=category,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                image=form.cleaned_data.get("image"),
                client_token=form.cleaned_data["client_token"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(topic_url(topic))
    return render(request, "discussions/topic_new.html", {"form": form})


@community_view
def topic(request, topic_slug, topic_id):
    actor = request.actor
    topic = selectors.topic_for(actor, topic_id)
    if topic.merged_into_id and topic.deleted_at and not actor.is_staff:
        return redirect(topic_url(topic.merged_into))
    if topic.slug != topic_slug:
        return redirect(topic_url(topic), permanent=True)
    last_read = selectors.last_read_number(actor, topic)
    wants_reply = "reply_to" in request.GET or "quote" in request.GET
    if (
        "page" not in request.GET
        and not wants_reply
        and last_read
        and last_read < topic.highest_post_number
    ):
        # Open at the first unread post.
        page_number = selectors.page_of_post(topic, last_read + 1)
        return redirect(f"{topic_url(topic)}?page={page_number}#post-{last_read + 1}")
    page = selectors.topic_posts(actor, topic, request.GET.get("page"))
    if page.object_list:
        services.topic_mark_read(actor=actor, topic=topic, number=page.object_list[-1].number)
    reply_form = None
    if policy.can_reply(actor, topic):
        reply_form = ReplyForm(initial=_reply_initial(request, actor, topic))
    return render(
        request,
        "discussions/topic.html",
        {
            "topic": topic,
            "page": page,
            "reply_form": reply_form,
            "reply_denial": policy.reply_denial(actor, topic) if actor.is_authenticated else None,
            "replying_to": _replying_to(request, actor, topic),
            "can_moderate": policy.can_moderate_topic(actor, topic),
            "watch_level": selectors.watch_level(actor, topic),
            "watch_levels": WatchLevel.choices,
            "reactions": REACTIONS,
            "last_read": last_read,
        },
    )


def _replying_to(request, actor, topic):
    post_id = request.GET.get("reply_to") or request.GET.get("quote")
    if not post_id or not str(post_id).isdigit():
        return None
    try:
        post = selectors.post_for(actor, int(post_id))
    except Http404:
        return None
    return post if post.topic_id == topic.pk and not post.is_deleted else None


def _reply_initial(request, actor, topic) -> dict:
    target = _replying_to(request, actor, topic)
    if target is None:
        return {}
    initial = {"reply_to": target.pk}
    if request.GET.get("quote"):
        quoted = "\n".join(f"> {line}" for line in target.body.splitlines())
        name = target.author.username if target.author else _("someone")
        initial["body"] = f"> @{name} wrote:\n{quoted}\n\n"
    return initial


@require_POST
@login_required
@community_view
def reply(request, topic_id):
    actor = request.actor
    topic = selectors.topic_for(actor, topic_id)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        reply_to = None
        if form.cleaned_data.get("reply_to"):
            try:
                reply_to = selectors.post_for(actor, form.cleaned_data["reply_to"])
            except Http404:
                form.add_error(None, _("The post you replied to is gone."))
        if form.is_valid():
            try:
                post = services.post_reply(
                    actor=actor,
                    topic=topic,
                    body=form.cleaned_data["body"],
                    reply_to=reply_to,
                    image=form.cleaned_data.get("image"),
                    client_token=form.cleaned_data["client_token"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                page_number = selectors.page_of_post(topic, post.number)
                return redirect(f"{topic_url(topic)}?page={page_number}#post-{post.number}")
    return render(
        request,
        "discussions/reply_failed.html",
        {"topic": topic, "reply_form": form, "reactions": REACTIONS},
        status=400,
    )


@login_required
@community_view
def post_edit(request, post_id):
    actor = request.actor
    post = selectors.post_for(actor, post_id)
    policy.ensure_edit_post(actor, post)
    is_first = post.number == 1
    form = EditForm(
        request.POST if request.method == "POST" else None,
        initial={"body": post.body, "title": post.topic.title},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                actor=actor,
                post=post,
                body=form.cleaned_data["body"],
                title=form.cleaned_data["title"] if is_first else None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            page_number = selectors.page_of_post(post.topic, post.number)
            return redirect(f"{topic_url(post.topic)}?page={page_number}#post-{post.number}")
    return render(
        request, "discussions/post_edit.html", {"form": form, "post": post, "is_first": is_first}
    )


@community_view
def post_history(request, post_id):
    post = selectors.post_for(request.actor, post_id)
    if post.is_deleted and not request.actor.is_staff:
        raise Http404
    return render(
        request,
        "discussions/post_history.html",
        {"post": post, "revisions": selectors.revisions(post)},
    )


def _back_to_post(post):
    page_number = selectors.page_of_post(post.topic, post.number)
    return redirect(f"{topic_url(post.topic)}?page={page_number}#post-{post.number}")


@require_POST
@login_required
@community_view
def post_delete(request, post_id):
    post = selectors.post_for(request.actor, post_id)
    services.post_delete(actor=request.actor, post=post)
    messages.success(request, _("The post was deleted."))
    if post.number == 1 and not request.actor.is_staff:
        return redirect("discussions:latest", community_slug=request.community.slug)
    return _back_to_post(post)


@require_POST
@login_required
@community_view
def post_restore(request, post_id):
    post = selectors.post_for(request.actor, post_id)
    services.post_restore(actor=request.actor, post=post)
    messages.success(request, _("The post was restored."))
    return _back_to_post(post)


@require_POST
@login_required
@community_view
def post_react(request, post_id, kind):
    actor = request.actor
    post = selectors.post_for(actor, post_id)
    if kind not in REACTIONS:
        raise Http404
    services.reaction_toggle(actor=actor, post=post, kind=kind)
    if is_htmx(request):
        post.refresh_from_db(fields=["reactions"])
        post.can_react = True
        post.my_reactions = selectors.my_reactions(actor, post)
        return render(
            request, "discussions/_reactions.html", {"post": post, "reactions": REACTIONS}
        )
    return _back_to_post(post)


@require_POST
@login_required
@community_view
def topic_watch(request, topic_id):
    topic = selectors.topic_for(request.actor, topic_id)
    form = WatchForm(request.POST)
    if form.is_valid():
        services.watch_set(actor=request.actor, topic=topic, level=form.cleaned_data["level"])
        messages.success(request, _("Notification level saved."))
    return redirect(topic_url(topic))


@login_required
@community_view
def mention_search(request):
    """Autocomplete for @mentions: members of this community only."""
    members = selectors.mention_candidates(
        request.actor, request.community, request.GET.get("q", "")
    )
    return JsonResponse({"members": members})
