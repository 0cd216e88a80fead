import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from hearth.communities import policy, selectors, services
from hearth.communities.forms import CommunityCreateForm
from hearth.communities.validators import validate_slug
from hearth.core.db import is_database_unavailable
from hearth.core.forms import add_service_errors
from hearth.core.middleware import database_unavailable_response
from hearth.core.pagination import paginate
from hearth.core.readiness import readiness


def home(request):
    page = paginate(request, selectors.communities_for_home(request.actor), per_page=24)
    mine = selectors.memberships_of(request.actor.user)
    for community in page.object_list:
        membership = mine.get(community.pk)
        community.viewer_is_member = membership is not None and membership.is_active
    return render(request, "core/home.html", {"page": page})


@login_required
def community_new(request):
    form = CommunityCreateForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        denial = policy.create_community_attempt_denial(request.user, request)
        if denial is not None:
            form.add_error(None, denial)
            return render(request, "core/community_new.html", {"form": form}, status=429)
        try:
            community = services.community_create(
                user=request.user,
                slug=form.cleaned_data["slug"],
                rules=form.cleaned_data["rules"],
                **form.common_data(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is live. Invite your first members!") % {"name": community.name},
            )
            return redirect("communities:home", community_slug=community.slug)
    return render(request, "core/community_new.html", {"form": form})


@login_required
def slug_check(request):
    """htmx: tell the wizard whether a slug is free while the owner types."""
    slug = request.GET.get("slug", "")
    try:
        validate_slug(slug)
    except ValidationError as exc:
        return render(request, "core/_slug_check.html", {"ok": False, "message": exc.messages[0]})
    url = request.build_absolute_uri(reverse("communities:home", args=[slug]))
    return render(request, "core/_slug_check.html", {"ok": True, "url": url})


def favicon(request):
    """Browsers ask for /favicon.ico whatever the pages say: send them to the static icon
    (a temporary redirect, cached a day, since the static name changes with its content)."""
    response = redirect(static("hearth/favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@never_cache
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    """503 with a JSON body naming what is wrong (see hearth.core.readiness)."""
    ready, report = readiness()
    return JsonResponse(report, status=200 if ready else 503)


@never_cache
def metrics(request):
    """Prometheus metrics for the allowed addresses or token; 404 for anyone else. Imported
    here, on first use: see hearth.core.metrics on the multiprocess directory."""
    from hearth.core.metrics import metrics_view

    return metrics_view(request)


def error_404(request, exception=None):
    # A view may give its 404s its own format (the Discourse-compatible JSON): it says so
    # with a ``not_found_response`` attribute, used also when the middleware finds no
    # community before the view runs.
    match = getattr(request, "resolver_match", None)
    if match is not None and (answer := getattr(match.func, "not_found_response", None)):
        return answer(request)
    community = getattr(request, "community", None)
    if community is not None and not policy.can_view_community(request.actor, community):
        # Never brand a 404 with a community the visitor may not know exists.
        request.community = None
    return render(request, "errors/404.html", status=404)


def error_403(request, exception=None):
    reason = str(exception) if exception and str(exception) else ""
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def error_429(request):
    response = render(request, "errors/429.html", status=429)
    # allauth does not say which limit refused; a minute is the shortest window.
    response["Retry-After"] = "60"
    return response


def error_500(request):
    # Django calls this inside its except clause, so the error is at hand. A locked or
    # unreachable database met outside a view (loading the session, finding the
    # community) answers like one met inside it: see DatabaseUnavailableMiddleware.
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    return render(request, "errors/500.html", status=500)


def csrf_failure(request, reason=""):
    return render(
        request,
        "errors/403.html",
        {
            "reason": _(
                "Your form expired or came from another site. Go back, reload and try again."
            )
        },
        status=403,
    )
