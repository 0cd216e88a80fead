"""Trust pages: the thresholds (owners and admins) and a member's level and progress
(the member themself and staff, who may also set it)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hearth.communities.views import community_view
from hearth.communities.views_staff import staff_nav, staff_view
from hearth.core.forms import add_service_errors
from hearth.trust import levels, policy, selectors, services
from hearth.trust.forms import TrustLevelForm, TrustSettingsForm
from hearth.trust.models import LEVEL_NAMES, TrustSettings


@staff_view
def settings_edit(request):
    actor = request.actor
    policy.ensure_edit_settings(actor)
    settings = TrustSettings.for_community(request.community)
    form = TrustSettingsForm(request.POST if request.method == "POST" else None, instance=settings)
    if request.method == "POST" and form.is_valid():
        try:
            services.trust_settings_update(
                actor=actor, settings=form.instance, fields=form.changed_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Trust thresholds saved; every member is re-evaluated shortly.")
            )
            return redirect("trust:settings", request.community.slug)
    return render(
        request,
        "trust/settings.html",
        {"form": form, "level_names": LEVEL_NAMES, **staff_nav(request)},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@community_view
def member(request, username):
    actor = request.actor
    membership = selectors.membership_by_username(request.community, username)
    if membership is None or not policy.can_view_progress(actor, membership):
        raise Http404
    progress = levels.progress(membership)
    form = None
    if policy.can_set_level(actor, membership):
        form = TrustLevelForm(
            request.POST if request.method == "POST" else None,
            initial={"level": membership.trust_level, "locked": progress.locked},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.trust_level_set(actor=actor, membership=membership, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Trust level saved."))
                return redirect("trust:member", request.community.slug, username)
    elif request.method == "POST":
        policy.ensure_set_level(actor, membership)
    return render(
        request,
        "trust/member.html",
        {
            "membership": membership,
            "person": membership.user,
            "is_self": actor.user.pk == membership.user_id,
            "trust_applies": policy.trust_applies_to(membership),
            "progress": progress,
            "level_names": LEVEL_NAMES,
            "form": form,
        },
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )
