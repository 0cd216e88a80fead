"""Moderation pages: flagging a post, a member's flags and sanctions, the review queue and
the staff pages for sanctions and settings. Thin: look up, ask the policy, call a service,
render. Everything works without JavaScript."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.communities import policy as community_policy
from hearth.communities import selectors as community_selectors
from hearth.communities import services as community_services
from hearth.communities.views import community_view
from hearth.communities.views_staff import staff_nav, staff_view
from hearth.core.forms import add_service_errors, flash_service_errors
from hearth.core.pagination import paginate
from hearth.moderation import policy, selectors, services
from hearth.moderation.forms import (
    AppealDecisionForm,
    AppealForm,
    FlagForm,
    ModerationSettingsForm,
    ReasonForm,
    SanctionForm,
    rule_choices,
)
from hearth.moderation.models import SanctionKind

REVIEW_ACTIONS = ("approve", "reject", "dismiss")


def member_page(view):
    """Signed-in people with standing in a community they can see."""

    @wraps(view)
    @login_required
    @community_view
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapper


def _url(request, name: str, *args) -> str:
    return reverse(f"moderation:{name}", args=[request.community.slug, *args])


# Flags -----------------------------------------------------------------------------------


@member_page
def flag_post(request, post_id: int):
    actor = request.actor
    post = selectors.post_to_flag(actor, post_id)
    topic_url = reverse(
        "discussions:topic", args=[request.community.slug, post.topic.slug, post.topic_id]
    )
    rules = community_selectors.current_rules(request.community)
    form = FlagForm(
        request.POST if request.method == "POST" else None,
        rules=rule_choices(rules.text if rules else ""),
    )
    denial = policy.flag_post_denial(actor, post)
    if request.method == "POST" and denial is None and form.is_valid():
        try:
            services.flag_create(actor=actor, post=post, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Thank you. The moderators will look at the post; “My flags” shows what "
                  "they decide."),
            )  # fmt: skip
            return redirect(f"{topic_url}#post-{post.number}")
    status = 403 if denial is not None and request.method == "POST" else 200
    return render(
        request,
        "moderation/flag_post.html",
        {"post": post, "form": form, "denial": denial, "topic_url": topic_url},
        status=status,
    )


@member_page
def my_flags(request):
    actor = request.actor
    if (denial := policy.view_my_flags_denial(actor)) is not None:
        raise PermissionDenied(denial)
    page = paginate(request, selectors.my_flags(actor), per_page=30)
    return render(request, "moderation/my_flags.html", {"page": page})


# Sanctions and appeals (the member's side) ----------------------------------------------


@member_page
def my_sanctions(request):
    actor = request.actor
    policy.ensure_view_sanctions(actor)
    return render(
        request,
        "moderation/sanction.html",
        {"sanctions": selectors.sanctions_of(actor), "appeal_form": AppealForm()},
    )


@require_POST
@member_page
def appeal(request, sanction_id: int):
    actor = request.actor
    sanction = selectors.sanction_for(actor, sanction_id, own=True)
    form = AppealForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(_url(request, "sanction"))
    try:
        services.appeal_create(actor=actor, sanction=sanction, text=form.cleaned_data["text"])
    except (ValidationError, PermissionDenied) as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(
            request, _("Your appeal was sent. The staff's decision will appear on this page.")
        )
    return redirect(_url(request, "sanction"))


# The review queue ------------------------------------------------------------------------


def queue_view(view):
    @wraps(view)
    @login_required
    @community_view
    def wrapper(request, *args, **kwargs):
        policy.ensure_view_review_queue(request.actor)
        return view(request, *args, **kwargs)

    return wrapper


@queue_view
def review_queue(request):
    actor = request.actor
    kind = request.GET.get("kind")
    kind = kind if kind in selectors.KINDS and policy.sees_whole_queue(actor) else None
    page = selectors.review_queue(
        actor, request.community, kind=kind, page_number=request.GET.get("page")
    )
    context = {
        "page": page,
        "kind": kind,
        "kinds": selectors.KINDS if policy.sees_whole_queue(actor) else (),
        "sees_whole_queue": policy.sees_whole_queue(actor),
        "can_review_requests": community_policy.can_review_requests(actor),
        "reason_form": ReasonForm(),
    }
    if actor.is_staff:
        context.update(staff_nav(request))
    return render(request, "moderation/review_queue.html", context)


def _back_to_queue(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(_url(request, "review"))


@require_POST
@queue_view
def review_post(request, review_id: int):
    review = selectors.review_for(request.actor, review_id)
    action = request.POST.get("action", "")
    form = ReasonForm(request.POST)
    if action not in REVIEW_ACTIONS:
        messages.error(request, _("Choose approve, reject or dismiss."))
    elif not form.is_valid():
        messages.error(request, _("Give a reason for your decision: it goes in the staff log."))
    else:
        try:
            services.review_decide(
                actor=request.actor, review=review, action=action, note=form.cleaned_data["note"]
            )
        except (ValidationError, PermissionDenied) as exc:
            flash_service_errors(request, exc)
        else:
            done = {
                "approve": _("Approved: the post is visible again."),
                "reject": _("Rejected: the post was removed."),
                "dismiss": _("Flags dismissed."),
            }
            messages.success(request, done[action])
    return _back_to_queue(request)


@require_POST
@queue_view
def review_join(request, membership_id: int):
    membership = selectors.membership_for(request.actor, membership_id)
    action = request.POST.get("action")
    try:
        if action == "approve":
            community_services.join_request_approve(actor=request.actor, membership=membership)
            messages.success(
                request, _("%(name)s is now a member.") % {"name": membership.user.name}
            )
        elif action == "decline":
            community_services.join_request_decline(
                actor=request.actor, membership=membership, reason=request.POST.get("note", "")
            )
            messages.success(
                request, _("Declined %(name)s's request.") % {"name": membership.user.name}
            )
        else:
            messages.error(request, _("Choose approve or decline."))
    except (ValidationError, PermissionDenied) as exc:
        flash_service_errors(request, exc)
    return _back_to_queue(request)


@require_POST
@queue_view
def review_appeal(request, appeal_id: int):
    appeal = selectors.appeal_for(request.actor, appeal_id)
    form = AppealDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for your decision: the member sees it."))
        return _back_to_queue(request)
    try:
        services.appeal_decide(
            actor=request.actor,
            appeal=appeal,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["note"],
        )
    except (ValidationError, PermissionDenied) as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("Decision sent to %(name)s.") % {"name": appeal.user.name})
    return _back_to_queue(request)


# Staff: sanctions and settings -----------------------------------------------------------


@staff_view
def sanction_member(request, membership_id: int):
    actor = request.actor
    membership = selectors.membership_for(actor, membership_id)
    kinds = [k for k in SanctionKind.values if policy.can_sanction(actor, membership, k)]
    if not kinds:
        raise PermissionDenied(
            policy.sanction_denial(actor, membership, SanctionKind.SILENCE)
            or policy.sanction_denial(actor, membership, SanctionKind.BAN)
        )
    review = None
    review_id = request.GET.get("review") or request.POST.get("review")
    if review_id and str(review_id).isdigit():
        review = selectors.review_for(actor, int(review_id))
    form = SanctionForm(
        request.POST if request.method == "POST" else None,
        kinds=kinds,
        initial={"kind": request.GET.get("kind", kinds[0])},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.sanction_create(
                actor=actor,
                membership=membership,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                ends_at=form.cleaned_data["until"],
                review=review,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The sanction on %(name)s is in force.") % {"name": membership.user.name}
            )
            return redirect(_url(request, "review") if review else _url(request, "sanctions"))
    return render(
        request,
        "moderation/sanction_member.html",
        {"form": form, "membership": membership, "review": review, **staff_nav(request)},
    )


@staff_view
def sanctions_list(request):
    actor = request.actor
    page = paginate(request, selectors.current_sanctions(request.community))
    for sanction in page.object_list:
        sanction.can_lift = policy.can_lift_sanction(actor, sanction)
    return render(
        request,
        "moderation/sanctions.html",
        {"page": page, "reason_form": ReasonForm(), **staff_nav(request)},
    )


@require_POST
@staff_view
def sanction_lift(request, sanction_id: int):
    sanction = selectors.sanction_for(request.actor, sanction_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for lifting the sanction."))
    else:
        try:
            services.sanction_lift(
                actor=request.actor, sanction=sanction, reason=form.cleaned_data["note"]
            )
        except (ValidationError, PermissionDenied) as exc:
            flash_service_errors(request, exc)
        else:
            messages.success(
                request, _("The sanction on %(name)s was lifted.") % {"name": sanction.user.name}
            )
    return redirect(_url(request, "sanctions"))


@staff_view
def settings_edit(request):
    actor = request.actor
    policy.ensure_manage_moderation(actor)
    current = services.settings_for(request.community)
    initial = {
        "flag_threshold": current.flag_threshold,
        "approve_first_posts": current.approve_first_posts,
        **{f"weight_{i}": w for i, w in enumerate(current.flag_weights)},
    }
    form = ModerationSettingsForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(
                actor=actor,
                flag_threshold=form.cleaned_data["flag_threshold"],
                flag_weights=form.weights(),
                approve_first_posts=form.cleaned_data["approve_first_posts"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Moderation settings saved."))
            return redirect(_url(request, "settings"))
    return render(request, "moderation/settings.html", {"form": form, **staff_nav(request)})
