"""The API keys pages: the staff page for a community's keys (owners and admins), and each
member's page for their own member keys."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.api import policy, services
from hearth.api.forms import ApiKeyForm
from hearth.api.models import ApiKey, KeyKind
from hearth.communities.views import community_view
from hearth.communities.views_staff import staff_nav, staff_view
from hearth.core.forms import add_service_errors
from hearth.core.pagination import paginate


def _keys_url(request) -> str:
    return reverse("analytics:api-keys", args=[request.community.slug])


@staff_view
def api_keys(request):
    policy.ensure_manage_api_keys(request.actor)
    form, new_key = _create(request, KeyKind.COMMUNITY)
    keys = ApiKey.objects.filter(community=request.community, kind=KeyKind.COMMUNITY)
    page = paginate(request, keys.select_related("created_by").order_by("-created_at", "-id"))
    endpoint = request.build_absolute_uri(f"/api/v1/communities/{request.community.slug}/health")
    return render(
        request,
        "api/api_keys.html",
        {
            "form": form,
            "page": page,
            "new_key": new_key,
            "endpoint": endpoint,
            "kind": KeyKind.COMMUNITY,
            **staff_nav(request),
        },
    )


def _create(request, kind: str):
    """The page's form and, right after a key is made, the full key (shown this once)."""
    form = ApiKeyForm(request.POST if request.method == "POST" else None, kind=kind)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _key, new_key = services.api_key_create(
                actor=request.actor,
                name=form.cleaned_data["name"],
                kind=kind,
                scopes=form.cleaned_data["scopes"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Shown on this response only: the key is not stored anywhere it could be read.
            form = ApiKeyForm(kind=kind)
    return form, new_key


@login_required
@community_view
def my_api_keys(request):
    """A member's own keys: they act as the member, with read and/or write."""
    policy.ensure_manage_own_api_keys(request.actor)
    form, new_key = _create(request, KeyKind.MEMBER)
    keys = ApiKey.objects.filter(
        community=request.community, kind=KeyKind.MEMBER, created_by=request.user
    ).select_related("created_by")
    page = paginate(request, keys.order_by("-created_at", "-id"))
    endpoint = request.build_absolute_uri(f"/api/v1/communities/{request.community.slug}/topics")
    return render(
        request,
        "api/my_api_keys.html",
        {"form": form, "page": page, "new_key": new_key, "endpoint": endpoint, "kind": "member"},
    )


@require_POST
@login_required
@community_view
def my_api_key_revoke(request, key_id: int):
    key = get_object_or_404(
        ApiKey,
        pk=key_id,
        community=request.community,
        kind=KeyKind.MEMBER,
        created_by=request.user,
    )
    try:
        services.api_key_revoke(actor=request.actor, key=key)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Key “%(name)s” revoked.") % {"name": key.name})
    return redirect(reverse("analytics:my-api-keys", args=[request.community.slug]))


@require_POST
@staff_view
def api_key_revoke(request, key_id: int):
    policy.ensure_manage_api_keys(request.actor)
    key = get_object_or_404(ApiKey, pk=key_id, community=request.community, kind=KeyKind.COMMUNITY)
    try:
        services.api_key_revoke(actor=request.actor, key=key)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Key “%(name)s” revoked.") % {"name": key.name})
    return redirect(_keys_url(request))
