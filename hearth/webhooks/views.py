"""The webhook pages under /c/<slug>/manage/webhooks/ (owners and admins)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.communities.views_staff import staff_nav, staff_view
from hearth.core.forms import add_service_errors, flash_service_errors
from hearth.core.pagination import paginate
from hearth.webhooks import catalogue, policy, selectors, services
from hearth.webhooks.forms import EndpointEditForm, EndpointForm


def _page(request, template: str, context: dict, *, status: int = 200):
    return render(request, template, {**context, **staff_nav(request)}, status=status)


@staff_view
def endpoints(request):
    policy.ensure_manage_webhooks(request.actor)
    form = EndpointForm(request.POST if request.method == "POST" else None)
    new_secret = new_endpoint = None
    if request.method == "POST" and form.is_valid():
        try:
            new_endpoint, new_secret = services.endpoint_create(
                actor=request.actor, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # The secret is on this response only.
            form = EndpointForm()
    return _page(
        request,
        "webhooks/endpoints.html",
        {
            "form": form,
            "endpoints": selectors.endpoints(request.community),
            "new_secret": new_secret,
            "new_endpoint": new_endpoint,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_view
def endpoint(request, endpoint_id: int):
    policy.ensure_manage_webhooks(request.actor)
    endpoint = selectors.endpoint_for(request.community, endpoint_id)
    page = paginate(request, selectors.deliveries(endpoint), per_page=25)
    return _page(
        request,
        "webhooks/endpoint.html",
        {
            "endpoint": endpoint,
            "page": page,
            "event_labels": [catalogue.label(t) for t in endpoint.event_types],
        },
    )


@staff_view
def endpoint_edit(request, endpoint_id: int):
    policy.ensure_manage_webhooks(request.actor)
    endpoint = selectors.endpoint_for(request.community, endpoint_id)
    initial = {
        "url": endpoint.url, "description": endpoint.description,
        "event_types": endpoint.event_types, "is_active": endpoint.is_active,
    }  # fmt: skip
    form = EndpointEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(actor=request.actor, endpoint=endpoint, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Webhook saved."))
            return redirect("webhooks:endpoint", request.community.slug, endpoint.pk)
    return _page(
        request,
        "webhooks/endpoint_edit.html",
        {"endpoint": endpoint, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_view
def endpoint_delete(request, endpoint_id: int):
    policy.ensure_manage_webhooks(request.actor)
    endpoint = selectors.endpoint_for(request.community, endpoint_id)
    if request.method == "POST":
        services.endpoint_delete(actor=request.actor, endpoint=endpoint)
        messages.success(request, _("Webhook removed."))
        return redirect("webhooks:list", request.community.slug)
    return _page(request, "webhooks/endpoint_delete.html", {"endpoint": endpoint})


@require_POST
@staff_view
def endpoint_ping(request, endpoint_id: int):
    policy.ensure_manage_webhooks(request.actor)
    endpoint = selectors.endpoint_for(request.community, endpoint_id)
    try:
        services.endpoint_ping(actor=request.actor, endpoint=endpoint)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("Test ping sent. Its result shows in the log below."))
    return redirect("webhooks:endpoint", request.community.slug, endpoint.pk)


@require_POST
@staff_view
def endpoint_secret(request, endpoint_id: int):
    policy.ensure_manage_webhooks(request.actor)
    endpoint = selectors.endpoint_for(request.community, endpoint_id)
    secret = services.endpoint_rotate_secret(actor=request.actor, endpoint=endpoint)
    page = paginate(request, selectors.deliveries(endpoint), per_page=25)
    return _page(
        request,
        "webhooks/endpoint.html",
        {
            "endpoint": endpoint,
            "page": page,
            "new_secret": secret,
            "event_labels": [catalogue.label(t) for t in endpoint.event_types],
        },
    )


@staff_view
def delivery(request, delivery_id: int):
    policy.ensure_manage_webhooks(request.actor)
    delivery = selectors.delivery_for(request.community, delivery_id)
    return _page(
        request,
        "webhooks/delivery.html",
        {
            "delivery": delivery,
            "endpoint": delivery.endpoint,
            "attempts": delivery.attempt_log.all(),
            "event_label": catalogue.label(delivery.event_type),
            "body": _pretty(delivery.payload),
        },
    )


def _pretty(payload: dict) -> str:
    import json

    return json.dumps(payload, indent=2, ensure_ascii=False)


@require_POST
@staff_view
def redeliver(request, delivery_id: int):
    policy.ensure_manage_webhooks(request.actor)
    delivery = selectors.delivery_for(request.community, delivery_id)
    try:
        again = services.delivery_redeliver(actor=request.actor, delivery=delivery)
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return redirect("webhooks:delivery", request.community.slug, delivery.pk)
    messages.success(request, _("Sent again as a new delivery."))
    return redirect("webhooks:delivery", request.community.slug, again.pk)
