"""Staff pages under /c/<slug>/manage/: join requests, members and roles, bans, settings,
rules, invites and the staff action log."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.api import policy as api_policy
from hearth.communities import hooks, policy, selectors, services
from hearth.communities.forms import (
    BanForm,
    CommunitySettingsForm,
    InviteForm,
    RoleForm,
    RulesForm,
)
from hearth.communities.models import MembershipStatus, Role
from hearth.communities.views import community_view
from hearth.core.forms import add_service_errors
from hearth.core.htmx import is_htmx
from hearth.core.pagination import paginate


def staff_view(view):
    """Signed-in staff of a visible community only (others: 404 if hidden, else 403)."""

    @wraps(view)
    @login_required
    @community_view
    def wrapper(request, *args, **kwargs):
        policy.ensure_view_staff_pages(request.actor)
        return view(request, *args, **kwargs)

    return wrapper


def _url(request, name: str) -> str:
    return reverse(f"communities:{name}", args=[request.community.slug])


def staff_nav(request) -> dict:
    from hearth.moderation.selectors import pending_count as review_count
    from hearth.onboarding import policy as onboarding_policy
    from hearth.recognition import policy as recognition_policy

    actor = request.actor
    return {
        "can_manage": policy.can_manage_community(actor),
        "can_manage_api_keys": api_policy.can_manage_api_keys(actor),
        "can_review": policy.can_review_requests(actor),
        "pending_count": selectors.pending_request_count(request.community),
        "review_count": review_count(actor, request.community),
        "can_manage_onboarding": onboarding_policy.can_manage_onboarding(actor),
        # Recognition's staff pages: highlights for all staff, badges for admins.
        "can_manage_badges": recognition_policy.can_manage_badges(actor),
    }


@staff_view
def requests_list(request):
    page = paginate(request, selectors.pending_requests(request.community))
    return render(
        request,
        "communities/manage/requests.html",
        {"page": page, **staff_nav(request)},
    )


def _review(request, membership_id: int, approve: bool):
    membership = selectors.membership_for(request.actor, membership_id)
    if approve:
        services.join_request_approve(actor=request.actor, membership=membership)
        text = _("%(name)s is now a member.") % {"name": membership.user.name}
    else:
        services.join_request_decline(
            actor=request.actor, membership=membership, reason=request.POST.get("reason", "")
        )
        text = _("Declined %(name)s's request.") % {"name": membership.user.name}
    if is_htmx(request):
        pending_count = selectors.pending_request_count(request.community)
        return render(
            request,
            "communities/manage/_request_done.html",
            {"text": text, "pending_count": pending_count},
        )
    messages.success(request, text)
    return redirect(_url(request, "manage-requests"))


@require_POST
@staff_view
def request_approve(request, membership_id: int):
    return _review(request, membership_id, approve=True)


@require_POST
@staff_view
def request_decline(request, membership_id: int):
    return _review(request, membership_id, approve=False)


@staff_view
def members_list(request):
    status = request.GET.get("status", MembershipStatus.ACTIVE)
    if status not in (MembershipStatus.ACTIVE, MembershipStatus.BANNED):
        status = MembershipStatus.ACTIVE
    query = request.GET.get("q", "").strip()[:100]
    services.memberships_end_bans(request.community)
    page = paginate(
        request, selectors.members_for_staff(request.community, status=status, query=query)
    )
    actor = request.actor
    for membership in page.object_list:
        membership.can_ban = policy.can_ban(actor, membership)
        membership.can_unban = policy.can_unban(actor, membership)
        membership.role_choices = [
            (value, label)
            for value, label in Role.choices
            if value == membership.role or policy.can_change_role(actor, membership, value)
        ]
        membership.can_change_role = len(membership.role_choices) > 1
        membership.can_change_analytics_access = policy.can_change_analytics_access(
            actor, membership
        )
    return render(
        request,
        "communities/manage/members.html",
        {"page": page, "status": status, "query": query, **staff_nav(request)},
    )


@require_POST
@staff_view
def member_role(request, membership_id: int):
    membership = selectors.membership_for(request.actor, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
    else:
        try:
            services.membership_set_role(
                actor=request.actor, membership=membership, role=form.cleaned_data["role"]
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": membership.user.name, "role": Role(form.cleaned_data["role"]).label},
            )
    return redirect(_url(request, "manage-members"))


@require_POST
@staff_view
def member_analytics_access(request, membership_id: int):
    membership = selectors.membership_for(request.actor, membership_id)
    allowed = request.POST.get("allowed") == "1"
    try:
        services.membership_set_analytics_access(
            actor=request.actor, membership=membership, allowed=allowed
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        text = (
            _("%(name)s may now see the business figures and the customer data.")
            if allowed
            else _("%(name)s no longer sees the business figures.")
        )
        messages.success(request, text % {"name": membership.user.name})
    return redirect(_url(request, "manage-members"))


@staff_view
def member_ban(request, membership_id: int):
    membership = selectors.membership_for(request.actor, membership_id)
    policy.ensure_ban(request.actor, membership)
    form = BanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_ban(
                actor=request.actor,
                membership=membership,
                reason=form.cleaned_data["reason"],
                until=form.cleaned_data["banned_until"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was removed.") % {"name": membership.user.name})
            return redirect(_url(request, "manage-members"))
    return render(
        request,
        "communities/manage/ban.html",
        {"form": form, "membership": membership, **staff_nav(request)},
    )


@require_POST
@staff_view
def member_unban(request, membership_id: int):
    membership = selectors.membership_for(request.actor, membership_id)
    services.membership_unban(actor=request.actor, membership=membership)
    text = (
        _("%(name)s is back in the community.")
        if membership.is_active
        else _("%(name)s may rejoin.")
    )
    messages.success(request, text % {"name": membership.user.name})
    return redirect(_url(request, "manage-members") + "?status=banned")


@staff_view
def settings_edit(request):
    policy.ensure_manage_community(request.actor)
    community = request.community
    questions = [q.text for q in selectors.join_questions(community)]
    initial = {
        "name": community.name,
        "tagline": community.tagline,
        "accent_color": community.accent_color,
        "join_policy": community.join_policy,
        "visibility": community.visibility,
        **{f"join_question_{i + 1}": q for i, q in enumerate(questions)},
    }
    form = CommunitySettingsForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.community_update(
                actor=request.actor,
                remove_logo=form.cleaned_data["remove_logo"],
                **form.common_data(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Settings saved."))
            return redirect(_url(request, "manage-settings"))
    from hearth.privacy.views import privacy_form_for

    context = {"form": form, "privacy_form": privacy_form_for(community), **staff_nav(request)}
    return render(request, "communities/manage/settings.html", context)


@staff_view
def rules_edit(request):
    policy.ensure_manage_community(request.actor)
    current = selectors.current_rules(request.community)
    form = RulesForm(
        request.POST if request.method == "POST" else None,
        initial={"rules": current.text if current else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.rules_update(actor=request.actor, text=form.cleaned_data["rules"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Rules version %(v)s is published.") % {"v": version.version}
            )
            return redirect(_url(request, "manage-rules"))
    return render(
        request,
        "communities/manage/rules.html",
        {"form": form, "current": current, **staff_nav(request)},
    )


@staff_view
def invites_list(request):
    policy.ensure_manage_community(request.actor)
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invite = services.invite_create(actor=request.actor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Invite %(code)s created.") % {"code": invite.code})
            return redirect(_url(request, "manage-invites"))
    page = paginate(request, selectors.invites(request.community))
    join_url = request.build_absolute_uri(reverse("growth:welcome", args=[request.community.slug]))
    return render(
        request,
        "communities/manage/invites.html",
        {"form": form, "page": page, "join_url": join_url, **staff_nav(request)},
    )


@require_POST
@staff_view
def invite_revoke(request, invite_id: int):
    invite = selectors.invite_for(request.actor, invite_id)
    services.invite_revoke(actor=request.actor, invite=invite)
    messages.success(request, _("Invite %(code)s revoked.") % {"code": invite.code})
    return redirect(_url(request, "manage-invites"))


@staff_view
def staff_log(request):
    policy.ensure_view_staff_log(request.actor)
    page = paginate(request, selectors.staff_log(request.community), per_page=50)
    page.object_list = list(page.object_list)
    hooks.staff_log_shown(actor=request.actor, entries=page.object_list)
    return render(request, "communities/manage/log.html", {"page": page, **staff_nav(request)})
