"""The staff page for a community's API keys (owners and admins)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.api import policy, services
from hearth.api.forms import ApiKeyForm
from hearth.api.models import ApiKey
from hearth.communities.views_staff import staff_nav, staff_view
from hearth.core.forms import add_service_errors
from hearth.core.pagination import paginate


def _keys_url(request) -> str:
    return reverse("analytics:api-keys", args=[request.community.slug])


@staff_view
def api_keys(request):
    policy.ensure_manage_api_keys(request.actor)
    form = ApiKeyForm(request.POST if request.method == "POST" else None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _key, new_key = services.api_key_create(
                actor=request.actor, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Shown on this response only: the key is not stored anywhere it could be read.
            form = ApiKeyForm()
    keys = ApiKey.objects.filter(community=request.community).select_related("created_by")
    page = paginate(request, keys.order_by("-created_at", "-id"))
    endpoint = request.build_absolute_uri(f"/api/v1/communities/{request.community.slug}/health")
    return render(
        request,
        "api/api_keys.html",
        {
            "form": form,
            "page": page,
            "new_key": new_key,
            "endpoint": endpoint,
            **staff_nav(request),
        },
    )


@require_POST
@staff_view
def api_key_revoke(request, key_id: int):
    policy.ensure_manage_api_keys(request.actor)
    key = get_object_or_404(ApiKey, pk=key_id, community=request.community)
    try:
        services.api_key_revoke(actor=request.actor, key=key)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Key “%(name)s” revoked.") % {"name": key.name})
    return redirect(_keys_url(request))
