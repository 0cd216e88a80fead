"""Staff tools for discussions: categories, and pin/close/archive/move/merge/split (also
for trust level 4), retitle and recategorise (also for trust level 3)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.communities.views import community_view
from hearth.communities.views_staff import staff_nav, staff_view
from hearth.core.forms import add_service_errors
from hearth.discussions import policy, selectors, services
from hearth.discussions.forms import (
    CategoryForm,
    MergeForm,
    MoveForm,
    SplitForm,
    TopicDetailsForm,
)
from hearth.discussions.models import Category
from hearth.discussions.views import topic_url


def _categories_url(request) -> str:
    return reverse("discussions:manage-categories", args=[request.community.slug])


def _category(request, category_id) -> Category:
    category = Category.objects.filter(community=request.community, pk=category_id).first()
    if category is None:
        raise Http404
    return category


@staff_view
def categories(request):
    policy.ensure_manage_categories(request.actor)
    form = CategoryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_create(actor=request.actor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Category %(name)s created.") % {"name": category.name})
            return redirect(_categories_url(request))
    return render(
        request,
        "discussions/manage/categories.html",
        {
            "form": form,
            "categories": list(Category.objects.filter(community=request.community)),
            **staff_nav(request),
        },
    )


@staff_view
def category_edit(request, category_id):
    policy.ensure_manage_categories(request.actor)
    category = _category(request, category_id)
    initial = {f: getattr(category, f) for f in CategoryForm.base_fields}
    form = CategoryForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_update(actor=request.actor, category=category, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Category saved."))
            return redirect(_categories_url(request))
    return render(
        request,
        "discussions/manage/category_edit.html",
        {"form": form, "category": category, **staff_nav(request)},
    )


@require_POST
@staff_view
def category_move(request, category_id):
    category = _category(request, category_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    services.category_move(actor=request.actor, category=category, offset=offset)
    return redirect(_categories_url(request))


@require_POST
@login_required
@community_view
def topic_state(request, topic_id):
    topic = selectors.topic_for(request.actor, topic_id)
    flags = {}
    for field in ("pinned", "closed", "archived"):
        if field in request.POST:
            flags[field] = request.POST[field] == "1"
    services.topic_set_state(actor=request.actor, topic=topic, **flags)
    messages.success(request, _("Topic updated."))
    return redirect(topic_url(topic))


@login_required
@community_view
def topic_tools(request, topic_id):
    """Move, merge or split a topic."""
    actor = request.actor
    topic = selectors.topic_for(actor, topic_id)
    policy.ensure_moderate_topic(actor, topic)
    cats = selectors.categories(actor, request.community)
    post = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if post else None
    move_form = MoveForm(
        post if action == "move" else None, categories=cats, initial={"category": topic.category_id}
    )
    merge_form = MergeForm(post if action == "merge" else None)
    split_form = SplitForm(post if action == "split" else None)
    try:
        if action == "move" and move_form.is_valid():
            target = selectors.category_by_id(
                actor, request.community, move_form.cleaned_data["category"]
            )
            if target is None:
                raise ValidationError({"category": [_("Choose a category of this community.")]})
            services.topic_move(actor=actor, topic=topic, category=target)
            messages.success(request, _("Moved to %(name)s.") % {"name": target.name})
            return redirect(topic_url(topic))
        if action == "merge" and merge_form.is_valid():
            try:
                into = selectors.topic_for(actor, merge_form.cleaned_data["into"])
            except Http404:
                raise ValidationError({"into": [_("No topic with that number here.")]}) from None
            into = services.topic_merge(actor=actor, topic=topic, into=into)
            messages.success(request, _("Merged into “%(title)s”.") % {"title": into.title})
            return redirect(topic_url(into))
        if action == "split" and split_form.is_valid():
            new = services.topic_split(
                actor=actor,
                topic=topic,
                numbers=split_form.cleaned_data["numbers"],
                title=split_form.cleaned_data["title"],
            )
            messages.success(request, _("Split into “%(title)s”.") % {"title": new.title})
            return redirect(topic_url(new))
    except ValidationError as exc:
        form = {"move": move_form, "merge": merge_form, "split": split_form}[action]
        add_service_errors(form, exc)
    return render(
        request,
        "discussions/topic_tools.html",
        {
            "topic": topic,
            "move_form": move_form,
            "merge_form": merge_form,
            "split_form": split_form,
        },
    )


@login_required
@community_view
def topic_details(request, topic_id):
    """Retitle and recategorise a topic."""
    actor = request.actor
    topic = selectors.topic_for(actor, topic_id)
    policy.ensure_edit_topic_details(actor, topic)
    form = TopicDetailsForm(
        request.POST if request.method == "POST" else None,
        categories=selectors.categories(actor, request.community),
        initial={"title": topic.title, "category": topic.category_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            target = selectors.category_by_id(
                actor, request.community, form.cleaned_data["category"]
            )
            if target is None:
                raise ValidationError({"category": [_("Choose a category of this community.")]})
            topic = services.topic_retitle(
                actor=actor, topic=topic, title=form.cleaned_data["title"]
            )
            topic = services.topic_move(actor=actor, topic=topic, category=target)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Topic updated."))
            return redirect(topic_url(topic))
    return render(request, "discussions/topic_details.html", {"topic": topic, "form": form})
