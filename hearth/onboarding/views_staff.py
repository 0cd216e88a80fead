"""Staff pages under /c/<slug>/manage/: the welcome message and the newcomer checklist."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.accounts.models import User
from hearth.communities.views_staff import staff_nav, staff_view
from hearth.core.forms import add_service_errors
from hearth.discussions.models import Topic
from hearth.onboarding import policy, selectors, services
from hearth.onboarding.forms import ChecklistItemForm, WelcomeMessageForm


def _checklist_redirect(request):
    return redirect("onboarding:manage-checklist", community_slug=request.community.slug)


@staff_view
def manage_welcome(request):
    actor, community = request.actor, request.community
    policy.ensure_manage_onboarding(actor)
    message = selectors.welcome_message(community)
    senders = selectors.sender_choices(community)
    initial = {"show_on_first_visit": True, "sender": actor.user.pk}
    if message is not None:
        initial = {
            "body": message.body,
            "show_on_first_visit": message.show_on_first_visit,
            "send_as_message": message.send_as_message,
            "sender": message.sender_id,
        }
    form = WelcomeMessageForm(
        request.POST if request.method == "POST" else None, senders=senders, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        sender_id = form.cleaned_data["sender"]
        sender = User.objects.filter(pk=sender_id).first() if sender_id else None
        try:
            services.welcome_message_save(
                actor=actor,
                body=form.cleaned_data["body"],
                show_on_first_visit=form.cleaned_data["show_on_first_visit"],
                send_as_message=form.cleaned_data["send_as_message"],
                sender=sender,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Welcome message saved."))
            return redirect("onboarding:manage-welcome", community_slug=community.slug)
    return render(
        request,
        "onboarding/manage/welcome.html",
        {"form": form, "message": message, **staff_nav(request)},
    )


@staff_view
def manage_checklist(request):
    actor, community = request.actor, request.community
    policy.ensure_manage_onboarding(actor)
    topics = selectors.guide_topic_choices(community)
    form = ChecklistItemForm(request.POST if request.method == "POST" else None, topics=topics)
    if request.method == "POST" and form.is_valid():
        topic_id = form.cleaned_data["topic"]
        # Not scoped here on purpose: the service tells which topics may be guides.
        topic = Topic.objects.select_related("category").filter(pk=topic_id).first()
        try:
            item = services.checklist_item_add(
                actor=actor,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                topic=topic if topic_id else None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Step added: %(title)s") % {"title": item})
            return _checklist_redirect(request)
    return render(
        request,
        "onboarding/manage/checklist.html",
        {
            "form": form,
            "items": selectors.checklist_items(community),
            **staff_nav(request),
        },
    )


@require_POST
@staff_view
def checklist_suggested(request):
    added = services.checklist_add_suggested(actor=request.actor)
    if added:
        messages.success(request, _("Added the suggested steps."))
    else:
        messages.info(request, _("The checklist already has every suggested step."))
    return _checklist_redirect(request)


@require_POST
@staff_view
def checklist_item_remove(request, item_id: int):
    item = selectors.checklist_item_for(request.actor, item_id)
    services.checklist_item_remove(actor=request.actor, item=item)
    messages.success(request, _("Step removed: %(title)s") % {"title": item})
    return _checklist_redirect(request)


@require_POST
@staff_view
def checklist_item_move(request, item_id: int):
    item = selectors.checklist_item_for(request.actor, item_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    services.checklist_item_move(actor=request.actor, item=item, offset=offset)
    return _checklist_redirect(request)
