"""Group pages: list, a group, create and edit, and the membership actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from hearth.communities.views import community_view
from hearth.communities.views_staff import staff_nav, staff_view
from hearth.core.forms import add_service_errors, flash_service_errors
from hearth.core.htmx import is_htmx
from hearth.core.uploads import private_file_response
from hearth.events import selectors as event_selectors
from hearth.groups import policy, selectors, services
from hearth.groups.forms import (
    CategoryForm,
    GroupForm,
    GroupSettingsForm,
    InviteForm,
    RoleForm,
)
from hearth.groups.models import GroupRole, MembershipStatus

GROUP_EVENTS = 5  # the next occurrences on a group's page


def _detail(request, group):
    return redirect("groups:detail", community_slug=request.community.slug, group_slug=group.slug)


@require_safe
@community_view
def group_cover(request, group_slug, name):
    group = selectors.group_for(request.actor, group_slug)[0]
    if not group.cover or group.cover_name != name:
        raise Http404
    return private_file_response(group.cover)


@community_view
def group_list(request):
    actor = request.actor
    settings = services.group_settings(request.community)
    return render(
        request,
        "groups/group_list.html",
        {
            "groups": selectors.group_list(actor, request.community),
            "can_create": policy.can_create_group(actor, settings),
        },
    )


@community_view
def group_detail(request, group_slug):
    actor = request.actor
    group, membership = selectors.group_for(actor, group_slug)
    runs = policy.runs_group(actor, group, membership)
    context = {
        "group": group,
        "membership": membership,
        "is_member": membership is not None and membership.is_active_member,
        "is_invited": membership is not None and membership.status == MembershipStatus.INVITED,
        "has_requested": membership is not None and membership.status == MembershipStatus.REQUESTED,
        "can_join": policy.can_join(actor, group, membership),
        "joins_at_once": policy.joins_at_once(group, membership),
        "can_leave": membership is not None and policy.can_leave(actor, group, membership),
        "can_edit": policy.can_edit_group(actor, group, membership),
        "runs_group": runs,
        "sees_members": policy.can_see_members(actor, group, membership),
        "topics": selectors.latest_topics(actor, group),
        "categories": selectors.group_categories(actor, group),
        "events": event_selectors.upcoming(
            actor, request.community, limit=GROUP_EVENTS, group=group
        ),
    }
    if context["sees_members"]:
        context["members"] = selectors.group_members(actor, group)
    if runs:
        context["requests"] = selectors.pending(group, MembershipStatus.REQUESTED)
        context["invitations"] = selectors.pending(group, MembershipStatus.INVITED)
        context["invite_form"] = InviteForm()
        context["category_form"] = CategoryForm()
        context["role_choices"] = GroupRole.choices
    return render(request, "groups/group_detail.html", context)


@login_required
@community_view
def group_create(request):
    actor = request.actor
    policy.ensure_create_group(actor, services.group_settings(request.community))
    form = GroupForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(actor=actor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your group is ready."))
            return _detail(request, group)
    return render(request, "groups/group_form.html", {"form": form, "group": None})


@login_required
@community_view
def group_edit(request, group_slug):
    actor = request.actor
    group, membership = selectors.group_for(actor, group_slug)
    policy.ensure_edit_group(actor, group, membership)
    initial = {
        f: getattr(group, f) for f in ("name", "slug", "description", "visibility", "join_policy")
    }
    form = GroupForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_update(actor=actor, group=group, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Group saved."))
            return _detail(request, group)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


@require_POST
@login_required
@community_view
def group_join(request, group_slug):
    group, _membership = selectors.group_for(request.actor, group_slug)
    try:
        membership = services.group_join(actor=request.actor, group=group)
    except (ValidationError, PermissionDenied) as exc:
        flash_service_errors(request, exc)
    else:
        if membership.is_active_member:
            messages.success(request, _("Welcome to %(name)s!") % {"name": group.name})
        else:
            messages.success(request, _("Asked to join; a group moderator will decide."))
    return _detail(request, group)


@require_POST
@login_required
@community_view
def group_leave(request, group_slug):
    group, _membership = selectors.group_for(request.actor, group_slug)
    try:
        services.group_leave(actor=request.actor, group=group)
    except PermissionDenied as exc:
        flash_service_errors(request, exc)
        return _detail(request, group)
    messages.success(request, _("Done: you are no longer in %(name)s.") % {"name": group.name})
    if policy.can_see_group(request.actor, group, None):
        return _detail(request, group)
    return redirect("groups:list", community_slug=request.community.slug)


@require_POST
@login_required
@community_view
def group_invite(request, group_slug):
    group, membership = selectors.group_for(request.actor, group_slug)
    policy.ensure_invite(request.actor, group, membership)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the username of a member to invite."))
        return _detail(request, group)
    try:
        invited = services.group_invite(actor=request.actor, group=group, **form.cleaned_data)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("Invited @%(u)s.") % {"u": invited.user.username})
    return _detail(request, group)


@require_POST
@login_required
@community_view
def group_review(request, group_slug, request_id, decision):
    group, membership = selectors.group_for(request.actor, group_slug)
    policy.ensure_edit_group(request.actor, group, membership)
    if decision not in ("approve", "decline"):
        messages.error(request, _("Choose to approve or decline."))
        return _detail(request, group)
    try:
        services.group_review(
            actor=request.actor, group=group, request_id=request_id, approve=decision == "approve"
        )
    except (ValidationError, PermissionDenied) as exc:
        flash_service_errors(request, exc)
    else:
        if is_htmx(request):
            # The request's row is swapped for this: it is decided.
            approved = decision == "approve"
            return HttpResponse(
                format_html(
                    '<li class="row meta">{}</li>',
                    _("Approved: they are in the group.") if approved else _("Declined."),
                )
            )
    return _detail(request, group)


@require_POST
@login_required
@community_view
def group_role(request, group_slug, member_id):
    group, membership = selectors.group_for(request.actor, group_slug)
    policy.ensure_edit_group(request.actor, group, membership)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return _detail(request, group)
    try:
        services.group_set_role(
            actor=request.actor, group=group, member_id=member_id, role=form.cleaned_data["role"]
        )
    except (ValidationError, PermissionDenied) as exc:
        flash_service_errors(request, exc)
    return _detail(request, group)


@require_POST
@login_required
@community_view
def group_category_create(request, group_slug):
    group, membership = selectors.group_for(request.actor, group_slug)
    policy.ensure_edit_group(request.actor, group, membership)
    form = CategoryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the category a name of up to 60 characters."))
        return _detail(request, group)
    try:
        services.group_category_create(actor=request.actor, group=group, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        flash_service_errors(request, exc)
    return _detail(request, group)


@staff_view
def group_settings(request):
    from hearth.communities import policy as community_policy

    community_policy.ensure_manage_community(request.actor)
    current = services.group_settings(request.community)
    level = current.create_trust_level if current else None
    form = GroupSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"create_trust_level": "" if level is None else str(level)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.group_settings_update(actor=request.actor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Group settings saved."))
            return redirect("groups:settings", community_slug=request.community.slug)
    return render(request, "groups/group_settings.html", {"form": form, **staff_nav(request)})
