"""Voting, statuses with official responses, merging, the roadmap and the CSV export."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.communities.views import community_view
from hearth.communities.views_staff import staff_nav, staff_view
from hearth.core.forms import add_service_errors, flash_service_errors
from hearth.core.page_cache import visitor_page_cache
from hearth.core.spreadsheets import spreadsheet_safe
from hearth.discussions import selectors as discussion_selectors
from hearth.discussions.views import topic_url
from hearth.ideas import policy, selectors, services
from hearth.ideas.forms import BoardSettingsForm, MergeIdeaForm, StatusForm
from hearth.ideas.models import IdeaStatus


def _idea(request, topic_id):
    topic = discussion_selectors.topic_for(request.actor, topic_id)
    idea = selectors.idea_for_topic(topic)
    if idea is None:
        raise Http404
    idea.topic = topic
    return idea


@require_POST
@login_required
@community_view
def vote(request, topic_id):
    idea = _idea(request, topic_id)
    try:
        if request.POST.get("withdraw"):
            services.idea_unvote(actor=request.actor, idea=idea)
            messages.success(request, _("Your vote is withdrawn."))
        else:
            services.idea_vote(actor=request.actor, idea=idea)
            messages.success(request, _("Thanks for your vote!"))
    except ValidationError as exc:
        flash_service_errors(request, exc)
    return redirect(request.POST.get("next") if _safe_next(request) else topic_url(idea.topic))


def _safe_next(request) -> bool:
    target = request.POST.get("next", "")
    return (
        target.startswith(f"/c/{request.community.slug}/")
        and "//" not in target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )


@require_POST
@login_required
@community_view
def set_status(request, topic_id):
    idea = _idea(request, topic_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.idea_set_status(actor=request.actor, idea=idea, **form.cleaned_data)
        except ValidationError as exc:
            flash_service_errors(request, exc)
        else:
            messages.success(
                request,
                _("Status set to %(s)s.") % {"s": IdeaStatus(form.cleaned_data["status"]).label},
            )
    else:
        messages.error(request, _("Choose a status."))
    return redirect(topic_url(idea.topic))


@require_POST
@login_required
@community_view
def merge(request, topic_id):
    idea = _idea(request, topic_id)
    policy.ensure_manage_idea(request.actor, idea)
    form = MergeIdeaForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the number of the idea to merge into."))
        return redirect(topic_url(idea.topic))
    try:
        into = _idea(request, form.cleaned_data["into"])
        into = services.idea_merge(actor=request.actor, idea=idea, into=into)
    except Http404:
        messages.error(request, _("No idea with that number here."))
        return redirect(topic_url(idea.topic))
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return redirect(topic_url(idea.topic))
    messages.success(request, _("Merged: the votes moved to “%(t)s”.") % {"t": into.topic.title})
    return redirect(topic_url(into.topic))


@visitor_page_cache
@community_view
def roadmap(request):
    return render(
        request,
        "ideas/roadmap.html",
        {
            "columns": selectors.roadmap(request.actor, request.community),
            "can_export": policy.can_export_ideas(request.actor),
        },
    )


class _Echo:
    def write(self, value):
        return value


@login_required
@community_view
def export(request):
    """Every idea with its votes and status, as CSV for the product team (staff only)."""
    policy.ensure_export_ideas(request.actor)
    writer = csv.writer(_Echo())
    base = request.build_absolute_uri("/")[:-1]
    slug = request.community.slug

    def rows():
        yield writer.writerow(
            [
                "id",
                "title",
                "category",
                "author",
                "status",
                "votes",
                "created",
                "official_response",
                "url",
            ]
        )
        for idea in selectors.export_rows(request.actor, request.community):
            topic = idea.topic
            yield writer.writerow([
                topic.pk, spreadsheet_safe(topic.title), spreadsheet_safe(topic.category.name),
                topic.author.username if topic.author else "", idea.status, idea.vote_count,
                topic.created_at.isoformat(), spreadsheet_safe(idea.official_response),
                base + reverse("discussions:topic", args=[slug, topic.slug, topic.pk]),
            ])  # fmt: skip

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{request.community.slug}-ideas.csv"'
    return response


@staff_view
def board_settings(request):
    from hearth.communities import policy as community_policy

    community_policy.ensure_manage_community(request.actor)
    board = services.board_settings(request.community)
    form = BoardSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "vote_limit": board.vote_limit if board else None,
            "allow_self_vote": board.allow_self_vote if board else True,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.board_settings_update(actor=request.actor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Ideas board settings saved."))
            return redirect("ideas:board-settings", community_slug=request.community.slug)
    return render(request, "ideas/board_settings.html", {"form": form, **staff_nav(request)})
