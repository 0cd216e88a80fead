"""Reading and writing discussions: thin views over selectors, policy and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hearth.communities import policy as community_policy
from hearth.communities.views import community_view
from hearth.core.converters import parse_id
from hearth.core.db import best_effort
from hearth.core.forms import add_service_errors
from hearth.core.htmx import is_htmx
from hearth.core.page_cache import visitor_page_cache
from hearth.core.pagination import paginate
from hearth.core.uploads import private_file_response
from hearth.discussions import fragments, policy, selectors, services
from hearth.discussions.forms import WATCH_OPTIONS, EditForm, ReplyForm, TopicForm, WatchForm
from hearth.discussions.models import REACTIONS, CategoryKind, Post, WatchLevel
from hearth.ideas import selectors as idea_selectors
from hearth.ideas.models import IdeaStatus
from hearth.qa import selectors as qa_selectors

LIST_FILTERS = ("latest", "new", "unread")


def topic_url(topic, number: int | None = None) -> str:
    url = reverse("discussions:topic", args=[topic.community.slug, topic.slug, topic.pk])
    return f"{url}#post-{number}" if number else url


def _topic_list_page(request, *, category=None):
    actor, community = request.actor, request.community
    kind = category.kind if category is not None else CategoryKind.DISCUSSION
    show = request.GET.get("show", "latest")
    if show not in LIST_FILTERS or (show != "latest" and not policy.can_track_reading(actor)):
        show = "latest"
    topics = selectors.topic_list(actor, community, category=category, show=show)
    context = {"filters": LIST_FILTERS if policy.can_track_reading(actor) else ()}
    if kind == CategoryKind.QUESTIONS:
        question_filter = request.GET.get("filter", "all")
        if question_filter not in qa_selectors.QUESTION_FILTERS:
            question_filter = "all"
        topics = qa_selectors.filter_questions(topics, actor, question_filter)
        context = {
            "question_filters": qa_selectors.QUESTION_FILTERS,
            "question_filter": question_filter,
        }
    elif kind == CategoryKind.IDEAS:
        sort = request.GET.get("sort", "votes")
        sort = sort if sort in idea_selectors.IDEA_SORTS else "votes"
        status = request.GET.get("status") or None
        # Driven from the ideas' own (community, score, topic) indexes, not from topics.
        topics = idea_selectors.ideas_in_category(actor, category, sort=sort, status=status)
        context = {
            "idea_sorts": idea_selectors.IDEA_SORTS,
            "idea_sort": sort,
            "idea_status": status if status in IdeaStatus.values else None,
            "idea_statuses": [s for s in IdeaStatus.choices if s[0] != IdeaStatus.MERGED],
        }
    # A plain category list is as long as its topic counter says; filtered lists are counted.
    plain = category is not None and (
        (kind == CategoryKind.DISCUSSION and show == "latest")
        or (kind == CategoryKind.IDEAS and not context.get("idea_status"))
    )
    count = category.topic_count if plain else None
    page = paginate(request, topics, selectors.TOPICS_PER_PAGE, count=count)
    if kind == CategoryKind.IDEAS:
        page.object_list = idea_selectors.topics_of(page.object_list)
    page.object_list = selectors.with_unread(page.object_list, actor)
    if kind == CategoryKind.IDEAS:
        voted = idea_selectors.my_votes(actor, [t.pk for t in page.object_list])
        for topic in page.object_list:
            topic.my_vote = topic.pk in voted
    return {
        **context,
        "category_watch_level": (
            selectors.category_watch_level(actor, category) if category is not None else None
        ),
        "watch_options": WATCH_OPTIONS,
        "page": page,
        "show": show,
        "categories": selectors.categories(actor, community),
        "category": category,
        "show_category": category is None,
        "can_start_topic": (
            policy.can_start_topic(actor, category)
            if category is not None
            else community_policy.can_participate(actor)
        ),
    }


@visitor_page_cache
@community_view
def latest(request):
    return render(request, "discussions/topic_list.html", _topic_list_page(request))


@visitor_page_cache
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
                composed_in=form.composed_in(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(topic_url(topic))
    return render(
        request,
        "discussions/topic_new.html",
        {"form": form, "can_attach_image": policy.can_attach_image(actor)},
    )


@visitor_page_cache
@community_view
def topic(request, topic_slug, topic_id):
    actor = request.actor
    topic = selectors.topic_for(actor, topic_id, with_reader_state=True)
    if topic.merged_into_id and topic.deleted_at and not actor.is_staff:
        return redirect(topic_url(topic.merged_into))
    if topic.slug != topic_slug:
        return redirect(topic_url(topic), permanent=True)
    last_read, watch_level = selectors.reader_state(actor, topic)
    kind = topic.category.kind
    wants_reply = "reply_to" in request.GET or "quote" in request.GET
    if (
        kind != CategoryKind.QUESTIONS
        and "page" not in request.GET
        and not wants_reply
        and last_read
        and last_read < topic.highest_post_number
    ):
        # Open at the first unread post (answers to questions are sorted by merit instead).
        page_number = selectors.page_of_post(topic, last_read + 1)
        return redirect(f"{topic_url(topic)}?page={page_number}#post-{last_read + 1}")
    extra = {}
    posts = None
    if kind == CategoryKind.QUESTIONS:
        question = qa_selectors.question_for(topic)
        posts = qa_selectors.answers_ordered(topic, question)
        extra = {"question": question}
    page = selectors.topic_posts(actor, topic, request.GET.get("page"), posts=posts)
    if kind == CategoryKind.QUESTIONS:
        qa_selectors.decorate_answers(actor, topic, extra["question"], page.object_list)
    elif kind == CategoryKind.IDEAS:
        extra = idea_selectors.idea_context(actor, topic)
    if page.object_list:
        # Questions sort answers by merit, so the last post shown need not be the highest.
        seen = max(post.number for post in page.object_list)
        with best_effort("topic read position"):
            services.topic_mark_read(actor=actor, topic=topic, number=seen, read_before=last_read)
    reply_form = None
    if policy.can_reply(actor, topic):
        reply_form = ReplyForm(initial=_reply_initial(request, actor, topic))
    shown_last_read = last_read if kind != CategoryKind.QUESTIONS else None
    fragments.attach(
        page.object_list,
        request.community,
        request=request,
        last_read=shown_last_read,
        can_reply=reply_form is not None,
    )
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
            "can_edit_details": policy.can_edit_topic_details(actor, topic),
            "can_attach_image": policy.can_attach_image(actor),
            "watch_level": watch_level,
            "current_watch_level": watch_level or WatchLevel.NORMAL,
            "watch_options": WATCH_OPTIONS,
            "reactions": REACTIONS,
            "last_read": shown_last_read,
            **extra,
        },
    )


@require_safe
@community_view
def topic_posts_after(request, topic_id):
    """The posts after number ``?after=N`` that the actor may see, as the topic page shows
    them (a fragment, for live pages: the stream only says a post exists)."""
    actor = request.actor
    topic = selectors.topic_for(actor, topic_id)
    after = request.GET.get("after", "0")
    after = 0 if after == "0" else parse_id(after)
    if after is None:
        return HttpResponseBadRequest(_("after must be a post number."))
    page = selectors.topic_posts(actor, topic, 1, posts=selectors.posts_after(topic, after))
    if topic.category.kind == CategoryKind.QUESTIONS:
        question = qa_selectors.question_for(topic)
        qa_selectors.decorate_answers(actor, topic, question, page.object_list)
    can_reply = policy.can_reply(actor, topic)
    fragments.attach(page.object_list, request.community, request=request, can_reply=can_reply)
    return render(
        request,
        "discussions/topic_posts_after.html",
        {
            "topic": topic,
            "posts": page.object_list,
            "reply_form": can_reply,
            "reactions": REACTIONS,
        },
    )


def _replying_to(request, actor, topic):
    post_id = parse_id(request.GET.get("reply_to") or request.GET.get("quote") or "")
    if post_id is None:
        return None
    try:
        post = selectors.post_for(actor, post_id)
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
                    composed_in=form.composed_in(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                post.topic = topic
                return back_to_post(post)
    return render(
        request,
        "discussions/reply_failed.html",
        {
            "topic": topic,
            "reply_form": form,
            "reactions": REACTIONS,
            "can_attach_image": policy.can_attach_image(actor),
        },
        status=400,
    )


@require_safe
@community_view
def attachment(request, attachment_id, filename):
    found = selectors.attachment_for(request.actor, attachment_id, filename)
    return private_file_response(found.file)


@login_required
@community_view
def post_edit(request, post_id):
    actor = request.actor
    post = selectors.post_for(actor, post_id)
    policy.ensure_edit_post(actor, post)
    is_first = post.number == 1
    form = EditForm(
        request.POST if request.method == "POST" else None,
        initial={"body": post.body, "title": post.topic.title, "revision": post.edit_count},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                actor=actor,
                post=post,
                body=form.cleaned_data["body"],
                title=form.cleaned_data["title"] if is_first else None,
                revision=form.cleaned_data["revision"],
            )
        except services.EditConflict as exc:
            return _post_edit_conflict(request, form, exc.post, is_first)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return back_to_post(post)
    return render(
        request, "discussions/post_edit.html", {"form": form, "post": post, "is_first": is_first}
    )


def _post_edit_conflict(request, form, current: Post, is_first: bool):
    """Someone saved the post after this editor opened it: show their text next to the
    member's own (still in the editor, unsaved) so the member can merge the two. The form
    now carries the current revision, so saving the merged text goes through."""
    data = request.POST.copy()
    data["revision"] = str(current.edit_count)
    return render(
        request,
        "discussions/post_edit.html",
        {
            "form": EditForm(data),
            "post": current,
            "is_first": is_first,
            "conflict": current,
        },
        status=409,
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


def back_to_post(target):
    """Redirect to a post (on its page), or to a topic when given one."""
    if not isinstance(target, Post):
        return redirect(topic_url(target))
    if target.topic.category.kind == CategoryKind.QUESTIONS:
        page_number = qa_selectors.page_of_answer(target.topic, target)
    else:
        page_number = selectors.page_of_post(target.topic, target.number)
    return redirect(f"{topic_url(target.topic)}?page={page_number}#post-{target.number}")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@community_view
def post_delete(request, post_id):
    """GET asks "Delete this post?" (the post menu links here, so deleting takes a second,
    deliberate step, with or without JavaScript); POST deletes."""
    post = selectors.post_for(request.actor, post_id)
    if request.method != "POST":
        policy.ensure_delete_post(request.actor, post)
        return render(
            request,
            "discussions/post_delete.html",
            {"post": post, "deletes_topic": post.number == 1},
        )
    services.post_delete(actor=request.actor, post=post)
    messages.success(request, _("The post was deleted."))
    if post.number == 1 and not request.actor.is_staff:
        return redirect("discussions:latest", community_slug=request.community.slug)
    return back_to_post(post)


@require_POST
@login_required
@community_view
def post_restore(request, post_id):
    post = selectors.post_for(request.actor, post_id)
    services.post_restore(actor=request.actor, post=post)
    messages.success(request, _("The post was restored."))
    return back_to_post(post)


@require_POST
@login_required
@community_view
def post_react(request, post_id):
    actor = request.actor
    post = selectors.post_for(actor, post_id)
    kind = request.POST.get("kind", "")
    if kind not in REACTIONS:
        return HttpResponseBadRequest(_("Choose one of the reactions."))
    services.reaction_toggle(actor=actor, post=post, kind=kind)
    if is_htmx(request):
        post.refresh_from_db(fields=["reactions"])
        post.can_react = True
        post.my_reactions = selectors.my_reactions(actor, post)
        return render(
            request, "discussions/_reactions.html", {"post": post, "reactions": REACTIONS}
        )
    return back_to_post(post)


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


@require_POST
@login_required
@community_view
def category_watch(request, category_slug):
    category = selectors.category_for(request.actor, request.community, category_slug)
    form = WatchForm(request.POST)
    if form.is_valid():
        services.watch_set(actor=request.actor, category=category, level=form.cleaned_data["level"])
        messages.success(request, _("Notification level saved."))
    return redirect(
        "discussions:category", community_slug=request.community.slug, category_slug=category.slug
    )


@login_required
@community_view
def mention_search(request):
    """Autocomplete for @mentions: members of this community only."""
    members = selectors.mention_candidates(
        request.actor, request.community, request.GET.get("q", "")
    )
    return JsonResponse({"members": members})
