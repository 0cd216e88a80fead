"""Badge pages and the leaderboard (anyone who can see the community), and the staff pages
for manual badges, reputation weights, the spotlight and featured content."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.communities.models import Membership
from hearth.communities.views import community_view
from hearth.communities.views_staff import staff_nav, staff_view
from hearth.core.forms import add_service_errors
from hearth.core.pagination import paginate
from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import Post, Topic
from hearth.recognition import policy, reputation, selectors, services
from hearth.recognition.forms import (
    BadgeForm,
    FeatureForm,
    GrantForm,
    SpotlightForm,
    WeightsForm,
)
from hearth.recognition.models import DEFAULT_WEIGHTS


def _url(request, name: str) -> str:
    return reverse(f"recognition:{name}", args=[request.community.slug])


def _recognition_nav(request) -> dict:
    return {
        **staff_nav(request),
        "can_manage_badges": policy.can_manage_badges(request.actor),
        "can_manage_reputation": policy.can_manage_reputation(request.actor),
    }


# Public pages --------------------------------------------------------------------------


@community_view
def badges(request):
    community = request.community
    every = selectors.badges(community)
    return render(
        request,
        "recognition/badges.html",
        {
            "automatic": [b for b in every if b.is_automatic],
            "manual": [b for b in every if not b.is_automatic],
            "held": selectors.badges_held(request.actor, community),
            "can_manage_badges": policy.can_manage_badges(request.actor),
        },
    )


@community_view
def badge(request, badge_id: int):
    found = selectors.badge_for(request.community, badge_id)
    return render(
        request,
        "recognition/badge.html",
        {
            "badge": found,
            "page": selectors.badge_holders(request, found),
            "can_grant": policy.can_grant_badge(request.actor, found),
        },
    )


@community_view
def leaderboard(request):
    requested = request.GET.get("period")
    period, valid = selectors.clean_period(requested)
    if not valid:
        messages.warning(
            request,
            _("There is no “%(period)s” leaderboard; here is this week's.")
            % {"period": requested[:20]},
        )
    return render(
        request,
        "recognition/leaderboard.html",
        {
            "period": period,
            "periods": selectors.PERIODS,
            "standings": selectors.leaderboard(request.community, period),
            "weights": reputation.weights(request.community),
        },
    )


# Staff: manual badges -------------------------------------------------------------------


def _membership(request, form) -> Membership | None:
    """The membership named by a valid form's username, or None with the error shown."""
    if not form.is_valid():
        return None
    membership = (
        Membership.objects.filter(
            community=request.community, user__username__iexact=form.cleaned_data["username"]
        )
        .select_related("user")
        .first()
    )
    if membership is None:
        form.add_error("username", _("No member of this community has that username."))
    return membership


def _badges_page(request, *, badge_form=None, grant_form=None):
    community = request.community
    manual = list(selectors.manual_badges(community))
    context = {
        "manual": manual,
        "badge_form": badge_form or BadgeForm(),
        "grant_form": grant_form or GrantForm(badges=manual),
        **_recognition_nav(request),
    }
    status = 400 if (badge_form or grant_form) else 200
    return render(request, "recognition/manage/badges.html", context, status=status)


@staff_view
def manage_badges(request):
    policy.ensure_manage_badges(request.actor)
    return _badges_page(request)


@require_POST
@staff_view
def badge_create(request):
    policy.ensure_manage_badges(request.actor)
    form = BadgeForm(request.POST)
    if form.is_valid():
        try:
            created = services.badge_create(actor=request.actor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The “%(name)s” badge is ready to grant.") % {"name": created.name}
            )
            return redirect(_url(request, "manage-badges"))
    return _badges_page(request, badge_form=form)


@require_POST
@staff_view
def badge_grant(request):
    policy.ensure_manage_badges(request.actor)
    community = request.community
    form = GrantForm(request.POST, badges=selectors.manual_badges(community))
    membership = _membership(request, form)
    if membership is not None:
        found = selectors.badge_for(community, int(form.cleaned_data["badge"]))
        try:
            services.badge_grant(
                actor=request.actor,
                badge=found,
                membership=membership,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s now has the “%(badge)s” badge.")
                % {"name": membership.user.name, "badge": found.name},
            )
            return redirect(_url(request, "manage-badges"))
    return _badges_page(request, grant_form=form)


# Staff: reputation weights ---------------------------------------------------------------


@staff_view
def manage_reputation(request):
    policy.ensure_manage_reputation(request.actor)
    current = reputation.weights(request.community)
    form = WeightsForm(request.POST if request.method == "POST" else None, initial=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.reputation_settings_update(actor=request.actor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Reputation weights saved; every member's points are updated.")
            )
            return redirect(_url(request, "manage-reputation"))
    return render(
        request,
        "recognition/manage/reputation.html",
        {
            "form": form,
            "defaults": DEFAULT_WEIGHTS,
            **_recognition_nav(request),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# Staff: spotlight and featured content ------------------------------------------------------


def _highlights_page(request, *, spotlight_form=None, feature_form=None):
    community = request.community
    context = {
        "spotlight": selectors.current_spotlight(community),
        "history": paginate(request, selectors.spotlight_history(community), per_page=10),
        "features": list(selectors.features_for_staff(request.actor, community)[:20]),
        "spotlight_form": spotlight_form or SpotlightForm(),
        "feature_form": feature_form or FeatureForm(),
        **_recognition_nav(request),
    }
    status = 400 if (spotlight_form or feature_form) else 200
    return render(request, "recognition/manage/highlights.html", context, status=status)


@staff_view
def manage_highlights(request):
    policy.ensure_manage_highlights(request.actor)
    return _highlights_page(request)


@require_POST
@staff_view
def spotlight_set(request):
    policy.ensure_manage_highlights(request.actor)
    form = SpotlightForm(request.POST)
    membership = _membership(request, form)
    if membership is not None:
        try:
            services.spotlight_set(
                actor=request.actor, membership=membership, text=form.cleaned_data["text"]
            )
        except (ValidationError, PermissionDenied) as exc:
            _form_error(form, exc, field="username")
        else:
            messages.success(
                request, _("%(name)s is in the spotlight.") % {"name": membership.user.name}
            )
            return redirect(_url(request, "manage-highlights"))
    return _highlights_page(request, spotlight_form=form)


@require_POST
@staff_view
def spotlight_end(request):
    if services.spotlight_end(actor=request.actor):
        messages.success(request, _("The spotlight is off the home page."))
    return redirect(_url(request, "manage-highlights"))


def _form_error(form, exc, *, field: str) -> None:
    """A service's refusal shown on the form: validation errors where they belong, a
    policy refusal (another community, hidden content) on ``field``."""
    if isinstance(exc, ValidationError):
        add_service_errors(form, exc)
    else:
        form.add_error(field, str(exc))


def _feature_target(request, reference) -> tuple[Topic, Post | None]:
    community = request.community
    if reference.community_slug not in (None, community.slug):
        raise ValidationError({"reference": [_("That address is in another community.")]})
    # A topic in a category the actor may not read is "not found", not "not allowed".
    topic = (
        Topic.objects.filter(
            community=community,
            pk=reference.topic_id,
            category__in=discussion_policy.visible_categories(request.actor, community),
        )
        .select_related("category", "author")
        .first()
    )
    if topic is None:
        raise ValidationError({"reference": [_("No topic with that number in this community.")]})
    post = None
    if reference.post_number:
        post = (
            Post.objects.filter(topic=topic, number=reference.post_number)
            .select_related("author")
            .first()
        )
        if post is None:
            raise ValidationError({"reference": [_("That topic has no post with that number.")]})
    return topic, post


@require_POST
@staff_view
def feature_add(request):
    policy.ensure_manage_highlights(request.actor)
    form = FeatureForm(request.POST)
    if form.is_valid():
        try:
            topic, post = _feature_target(request, form.cleaned_data["reference"])
            services.feature_add(
                actor=request.actor, topic=topic, post=post, note=form.cleaned_data["note"]
            )
        except (ValidationError, PermissionDenied) as exc:
            _form_error(form, exc, field="reference")
        else:
            messages.success(request, _("Featured on the home page: “%(t)s”.") % {"t": topic.title})
            return redirect(_url(request, "manage-highlights"))
    return _highlights_page(request, feature_form=form)


@require_POST
@staff_view
def feature_remove(request, feature_id: int):
    feature = selectors.feature_for(request.actor, request.community, feature_id)
    services.feature_remove(actor=request.actor, feature=feature)
    messages.success(request, _("No longer featured: “%(t)s”.") % {"t": feature.topic.title})
    return redirect(_url(request, "manage-highlights"))
