"""Newcomer pages: the welcome page with checklist progress, dismissing the welcome card, and
the welcome queue where welcomers greet first posts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.communities import policy as community_policy
from hearth.communities.views import community_view
from hearth.core.db import best_effort
from hearth.core.forms import add_service_errors
from hearth.core.htmx import is_htmx
from hearth.core.pagination import paginate
from hearth.onboarding import policy, selectors, services
from hearth.onboarding.forms import WelcomeReplyForm

QUEUE_PAGE_SIZE = 20


def _queue_url(community) -> str:
    return reverse("onboarding:welcome-queue", args=[community.slug])


@community_view
def welcome(request):
    """The welcome message and the checklist: with the member's progress for members, as
    a preview of what joining brings for everyone else."""
    community, actor = request.community, request.actor
    items = selectors.checklist_items(community)
    user = actor.user if policy.can_follow_checklist(actor) else None
    progress = selectors.checklist_progress(community, user, items)
    completion = None
    if user is not None and progress.is_complete:
        # Reading the guide leaves no event, so completion may first be noticed here.
        with best_effort("checklist completion"):
            completion = services.checklist_record_completion(community=community, user=user)
    return render(
        request,
        "onboarding/welcome.html",
        {
            "message": selectors.welcome_message(community),
            "progress": progress,
            "tracks_progress": user is not None,
            "completion": completion,
            "can_manage": policy.can_manage_onboarding(actor),
            # Visitors are sent on to sign up by the join page.
            "can_join": not actor.is_member
            and (actor.user is None or community_policy.can_join(actor, community)),
            "can_open_queue": policy.can_open_welcome_queue(actor),
        },
    )


@require_POST
@community_view
def welcome_dismiss(request):
    services.welcome_dismiss(actor=request.actor)
    if is_htmx(request):
        return HttpResponse("")
    return redirect("communities:home", community_slug=request.community.slug)


def _reply_form(post, data=None) -> WelcomeReplyForm:
    """A reply box pre-filled with a greeting, so welcoming is one click."""
    if post.author is not None:
        greeting = _("Welcome, %(name)s! 👋 Great to have you here.") % {"name": post.author.name}
    else:
        greeting = _("Welcome! 👋 Great to have you here.")
    return WelcomeReplyForm(data, auto_id=f"id_welcome_{post.pk}_%s", initial={"body": greeting})


def _queue_access(request) -> bool:
    """404 unless the actor may open the queue page; returns whether they see the queue."""
    actor = request.actor
    if not policy.can_open_welcome_queue(actor):
        raise Http404
    return policy.can_see_welcome_queue(actor, is_welcomer=selectors.is_welcomer(actor))


@community_view
def welcome_queue(request):
    """Newcomers' first posts for welcomers and staff; other members learn about the queue
    and can opt in. Everyone else: 404."""
    community, actor = request.community, request.actor
    if not policy.can_open_welcome_queue(actor):
        raise Http404
    is_welcomer = selectors.is_welcomer(actor)
    page = None
    if policy.can_see_welcome_queue(actor, is_welcomer=is_welcomer):
        page = paginate(request, selectors.welcome_queue(actor, community), QUEUE_PAGE_SIZE)
        page.object_list = selectors.decorate_queue(actor, list(page.object_list))
        for post in page.object_list:
            post.reply_form = _reply_form(post) if post.can_reply else None
    return render(
        request,
        "onboarding/welcome_queue.html",
        {
            "page": page,
            "is_welcomer": is_welcomer,
            "queue_days": selectors.QUEUE_DAYS,
            "can_become_welcomer": policy.can_become_welcomer(actor),
        },
    )


@require_POST
@community_view
def welcomer_toggle(request):
    community, actor = request.community, request.actor
    if not policy.can_open_welcome_queue(actor):
        raise Http404
    if request.POST.get("action") == "leave":
        services.welcomer_opt_out(actor=actor)
        messages.success(request, _("You are no longer a welcomer. Thanks for the greetings!"))
    else:
        services.welcomer_opt_in(actor=actor)
        messages.success(request, _("You are a welcomer now: newcomers' first posts are below."))
    return redirect(_queue_url(community))


@require_POST
@community_view
def welcome_reply(request, post_id: int):
    """Reply to a first post from the queue; htmx swaps the row for "Replied ✓"."""
    community, actor = request.community, request.actor
    if not _queue_access(request):
        raise Http404
    # Through the queue itself: only first posts the actor may read are found.
    post = selectors.welcome_queue(actor, community).filter(pk=post_id).first()
    if post is None:
        raise Http404
    form = _reply_form(post, request.POST)
    reply = None
    if form.is_valid():
        try:
            reply = services.welcome_reply(
                actor=actor,
                post=post,
                body=form.cleaned_data["body"],
                client_token=form.cleaned_data["client_token"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
    if is_htmx(request):
        if reply is not None:
            return render(
                request, "onboarding/welcome_queue/_replied.html", {"post": post, "reply": reply}
            )
        selectors.decorate_queue(actor, [post])
        post.reply_form = form
        return render(request, "onboarding/welcome_queue/_item.html", {"post": post})
    if reply is not None:
        messages.success(
            request,
            _("Replied to %(name)s. Thank you for welcoming them!")
            % {"name": post.author.name if post.author else _("the newcomer")},
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(_queue_url(community))
