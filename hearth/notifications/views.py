"""Notification pages: the list (all communities, or one), opening one, marking read,
preferences, the owner's defaults, and the one-click unsubscribe (no login)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from hearth.communities import policy as community_policy
from hearth.communities.views import community_view
from hearth.communities.views_staff import staff_view
from hearth.core.pagination import paginate
from hearth.discussions.views import back_to_post
from hearth.notifications import display, emails, selectors, services
from hearth.notifications.forms import CommunityDefaultsForm, PreferencesForm


def _render_list(request, community=None):
    page = paginate(request, selectors.notification_list(request.user, community), per_page=30)
    items = [(n, display.sentence(n)) for n in page.object_list]
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "items": items,
            "scope": community,
            "base_template": "communities/base.html" if community else "base.html",
        },
    )


@login_required
def notification_list(request):
    return _render_list(request)


@login_required
@community_view
def community_notification_list(request):
    return _render_list(request, request.community)


def unread_count(request):
    """The bell's count, for live pages told that it changed (JSON; 401 for visitors)."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "Sign in to see notifications."}, status=401)
    response = JsonResponse({"unread": selectors.unread_count(request.user)})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def open_notification(request, notification_id):
    """Mark it read and go to exactly what it is about (a post: its page and anchor)."""
    notification = selectors.notification_for(request.user, notification_id)
    services.notification_mark_read(user=request.user, notification=notification)
    if notification.post_id is not None:
        return back_to_post(notification.post)
    return redirect(selectors.target_url(notification))


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@require_POST
@login_required
def mark_read(request, notification_id):
    notification = selectors.notification_for(request.user, notification_id)
    services.notification_mark_read(user=request.user, notification=notification)
    return _back(request, reverse("notifications:list"))


@require_POST
@login_required
def read_all(request):
    community = None
    slug = request.POST.get("community", "")
    if slug:
        from hearth.communities.models import Community

        community = Community.objects.filter(slug=slug).first()
    services.notifications_mark_all_read(user=request.user, community=community)
    messages.success(request, _("All notifications are marked read."))
    return _back(request, reverse("notifications:list"))


@login_required
@community_view
def preferences(request):
    actor, community = request.actor, request.community
    if actor.membership is None:
        return redirect("communities:home", community.slug)
    initial = selectors.member_channels(request.user, community)
    subscription = selectors.digest_subscription(request.user, community)
    form = PreferencesForm(
        request.POST or None, initial_channels=initial, initial={"digest": subscription.frequency}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_save(
                actor=actor, channels=form.channels(), digest=form.cleaned_data["digest"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your notification preferences are saved."))
            return redirect("notifications:preferences", community.slug)
    return render(request, "notifications/preferences.html", {"form": form})


@staff_view
def community_defaults(request):
    community_policy.ensure_manage_community(request.actor)
    community = request.community
    form = CommunityDefaultsForm(
        request.POST or None, initial_channels=selectors.community_channels(community)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.community_defaults_save(actor=request.actor, channels=form.channels())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The notification defaults are saved."))
            return redirect("notifications:community-defaults", community.slug)
    return render(
        request,
        "notifications/community_defaults.html",
        {"form": form, "can_manage": True},
    )


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no session
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows what the link stops and a button; POST stops it. A tampered or expired
    token changes nothing and says so."""
    unsubscribe_request = emails.read_unsubscribe_token(token)
    context = {"valid": unsubscribe_request is not None, "done": False}
    if unsubscribe_request is not None:
        from hearth.communities.models import Community

        context["target"] = Community.objects.filter(pk=unsubscribe_request.community_id).first()
        context["topic"] = unsubscribe_request.topic
        if request.method == "POST":
            context["done"] = services.unsubscribe(unsubscribe_request)
            context["valid"] = context["done"]
    status = 200 if context["valid"] else 400
    return render(request, "notifications/unsubscribe.html", context, status=status)
