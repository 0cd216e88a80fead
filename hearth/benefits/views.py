"""The Benefits tab of the health dashboard: support deflection and the estimate built on
it, the questions and members behind each figure, the CSV export and the estimate's
settings. Owners, admins and moderators with the analytics permission; anyone else gets a
404 (``analytics.policy.ensure_view_business_figures``).

Nothing waits for the worker: every figure is a few aggregate queries on the day tables."""

from __future__ import annotations

import csv
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hearth.accounts.models import User
from hearth.analytics.views import window_context
from hearth.benefits import deflection, display, policy, services
from hearth.benefits.forms import FIELDS, BenefitSettingsForm
from hearth.communities.views import community_view
from hearth.core.spreadsheets import spreadsheet_safe
from hearth.customers import display as customer_display

PER_PAGE = 30


def benefits_view(view):
    @wraps(view)
    @community_view
    def wrapper(request, *args, **kwargs):
        policy.ensure_view_business_figures(request.actor)
        return view(request, *args, **kwargs)

    return wrapper


@benefits_view
def benefits(request):
    window, context = window_context(request)
    community = request.community
    figures = deflection.deflection(community, window)
    assumptions = deflection.settings_for(community)
    estimate = deflection.estimate(figures, assumptions)
    context.update(
        {
            "figures": figures,
            "cards": display.cards(figures),
            "estimate": display.estimate_view(estimate),
            "assumptions": assumptions,
            "can_change_settings": policy.can_change_settings(request.actor),
            "table": display.table(figures, estimate),
            "chart_data": display.chart_data(figures),
            "customers": customer_display.section(community),
        }
    )
    return render(request, "benefits/benefits.html", context)


@benefits_view
def export_csv(request):
    """The window's deflection figures, one row per UTC day, with the estimate and the
    assumptions it used (columns in docs/features/benefits.md)."""
    window, _context = window_context(request)
    figures = deflection.deflection(request.community, window)
    estimate = deflection.estimate(figures, deflection.settings_for(request.community))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{request.community.slug}-benefits-{window.start}-{window.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(display.CSV_HEADER)
    for row in display.csv_rows(figures, estimate):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response


DRILLDOWNS = {
    "solved": _("Questions solved in this window"),
    "members": _("Members whose answers solved questions"),
    "viewed": _("Solved questions people read"),
}


@benefits_view
def drilldown(request, figure: str):
    if figure not in DRILLDOWNS:
        raise Http404
    window, context = window_context(request)
    actor, community = request.actor, request.community
    if figure == "members":
        page = Paginator(deflection.member_answerers(community, window), PER_PAGE).get_page(
            request.GET.get("page")
        )
        users = User.objects.in_bulk([row["author"] for row in page.object_list])
        rows = [
            {"user": users[row["author"]], "solved": row["solved"]}
            for row in page.object_list
            if row["author"] in users
        ]
        unlisted = 0
    else:
        questions = (
            deflection.solved_questions(actor, community, window)
            if figure == "solved"
            else deflection.viewed_questions(actor, community, window)
        )
        page = Paginator(questions, PER_PAGE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        if figure == "solved":
            views = deflection.views_of(community, window, [q.topic_id for q in rows])
            for question in rows:
                question.window_views = views.get(question.topic_id, 0)
            unlisted = deflection.solved_in(community, window).count() - page.paginator.count
        else:
            unlisted = 0
    context.update(
        {
            "figure": figure,
            "title": str(DRILLDOWNS[figure]),
            "page": page,
            "rows": rows,
            "unlisted": max(unlisted, 0),
        }
    )
    return render(request, "benefits/drilldown.html", context)


def _assumed(row) -> tuple:
    return row.ticket_share_percent, row.ticket_cost, row.currency


@benefits_view
def benefit_settings(request):
    """The estimate's assumptions: shown to everyone who sees the tab, changed by owners
    and admins (a moderator who posts gets a 403 with the reason)."""
    _window, context = window_context(request)
    current = deflection.settings_for(request.community)
    can_change = policy.can_change_settings(request.actor)
    back = f"{reverse('benefits:benefits', args=[request.community.slug])}?{context['tab_query']}"
    if request.method == "POST":
        policy.ensure_change_settings(request.actor)
        form = BenefitSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.benefit_settings_update(actor=request.actor, **form.cleaned_data)
            except ValidationError as exc:
                for name, problems in exc.message_dict.items():
                    for problem in problems:
                        form.add_error(name if name in FIELDS else None, problem)
            else:
                messages.success(request, _("Assumptions saved: the estimate uses them now."))
                return redirect(back)
    else:
        form = BenefitSettingsForm(
            initial={
                "ticket_share_percent": f"{current.ticket_share_percent.normalize():f}",
                "ticket_cost": f"{current.ticket_cost.normalize():f}",
                "currency": current.currency,
            }
        )
    context.update(
        {
            "form": form,
            "assumptions": current,
            "shown": display.estimate_view(deflection.Estimate(0, *_assumed(current))),
            "can_change_settings": can_change,
            "back": back,
        }
    )
    return render(request, "benefits/settings.html", context)
