"""Community health pages (staff only): the dashboard, its drill-downs and the CSV export.

Thin views: parse the window, gather with :mod:`hearth.analytics.dashboard`, shape with
:mod:`hearth.analytics.display`, render. Anyone but this community's staff gets a 404."""

from __future__ import annotations

import csv
from datetime import date
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from hearth.analytics import dashboard, display, drilldowns, policy, snapshots
from hearth.analytics.forms import PRESETS, parse_window, utc_today
from hearth.communities.views import community_view
from hearth.core.htmx import is_htmx
from hearth.core.spreadsheets import spreadsheet_safe
from hearth.elections import selectors as election_selectors
from hearth.governance import selectors as governance_selectors

PER_PAGE = 30


def health_view(view):
    """This community's staff only; everyone else, signed in or not, gets a 404."""

    @wraps(view)
    @community_view
    def wrapper(request, *args, **kwargs):
        policy.ensure_view_health(request.actor)
        # Nothing is computed here, not even the rollups' catch-up: the worker brings the
        # rollups up to date before it computes a window (analytics.tasks.compute_snapshot).
        return view(request, *args, **kwargs)

    return wrapper


def _window_query(window: dashboard.Window) -> str:
    return urlencode({"start": window.start.isoformat(), "end": window.end.isoformat()})


def window_context(request):
    """The window chosen by the query string and what every dashboard tab's header shows
    (the benefits tab uses it too)."""
    today = utc_today()
    window, form, custom = parse_window(request.GET, today)
    return window, {
        "today": today,
        # A rejected range stays in the inputs so it can be corrected.
        "start_value": request.GET.get("start", "")[:10]
        if form.errors
        else (window.start.isoformat() if custom else ""),
        "end_value": request.GET.get("end", "")[:10]
        if form.errors
        else (window.end.isoformat() if custom else ""),
        "window": window,
        "window_form": form,
        "window_errors": form.messages,
        "custom": custom,
        "presets": PRESETS,
        "preset": None if custom else window.days,
        "window_query": _window_query(window),
        # The other tab keeps the window as it was chosen (a preset stays a preset).
        "tab_query": _window_query(window) if custom else urlencode({"days": window.days}),
        # The Benefits tab is shown only to those who may open it.
        "can_view_benefits": policy.can_view_business_figures(request.actor),
    }


@health_view
def health(request):
    window, context = window_context(request)
    data = snapshots.dashboard_for(request.community, window)
    if is_htmx(request):
        # The computing page asks now and then: load the page once the figures are there.
        response = HttpResponse(status=204 if data is None else 200)
        if data is not None:
            response["HX-Refresh"] = "true"
        response["Cache-Control"] = "no-store"
        return response
    if data is None:
        return computing(request, context)
    figures = display.headlines(data)
    cohort_url = reverse("analytics:health-drilldown", args=[request.community.slug, "cohort"])
    context.update(
        {
            "d": data,
            "report": data.report,
            "figures": figures,
            "moved": display.moved(figures),
            "sections": display.sections(data),
            "meanings": display.meanings(),
            "tables": display.tables(data),
            # Read live, not from the snapshot: closed votes are few and final.
            "vote_participation": _vote_participation(
                request.community, window.start_at, window.end_at
            ),
            "chart_data": {
                **display.chart_data(data, request.community),
                "links": {"cohort": f"{cohort_url}?{context['window_query']}&week="},
            },
        }
    )
    return render(request, "analytics/health.html", context)


COMPUTING_RETRY_SECONDS = 5


def _vote_participation(community, since, until):
    """Rules proposals, elections and recall votes closed in the window, newest first."""
    rows = governance_selectors.vote_participation(community, since, until)
    rows += election_selectors.vote_participation(community, since, until)
    return sorted(rows, key=lambda row: row.closed_at, reverse=True)


def computing(request, context):
    """The window's figures are being computed in the worker (the page never computes
    them): a page that says so and asks again until they are there (htmx, or a refresh
    without JavaScript)."""
    response = render(
        request,
        "analytics/computing.html",
        {**context, "retry_seconds": COMPUTING_RETRY_SECONDS, "again": request.get_full_path()},
    )
    response["Cache-Control"] = "no-store"
    return response


DRILLDOWN_TITLES = {
    "newcomers": _("Newcomers without a reply within 24 hours"),
    "never-answered": _("Members nobody answered"),
    "unanswered-questions": _("Unanswered questions"),
    "unanswered-topics": _("Topics without a reply"),
    "slipping": _("Members slipping down the ladder"),
    "relationships": _("Two-way connections"),
    "cohort": _("Members who joined that week"),
}


def _week(request) -> date | None:
    try:
        return date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        return None


@health_view
def drilldown(request, metric: str):
    if metric not in drilldowns.DRILLDOWNS:
        raise Http404
    window, context = window_context(request)
    week = _week(request) if metric == "cohort" else None
    if metric == "cohort" and week is None:
        raise Http404
    try:
        items = drilldowns.drilldown_items(request.community, window, metric, week=week)
    except drilldowns.Computing:
        return computing(request, context)
    if items is None:
        raise Http404
    listed = drilldowns.readable_items(request.actor, request.community, metric, items)
    page = Paginator(listed, PER_PAGE).get_page(request.GET.get("page"))
    rows = drilldowns.drilldown_rows(
        request.actor, request.community, metric, list(page.object_list), window
    )
    context.update(
        {
            "metric": metric,
            "title": str(DRILLDOWN_TITLES[metric]),
            "page": page,
            "rows": rows,
            "unlisted": len(items) - len(listed),
            "week": week,
            "extra_query": urlencode({"week": week.isoformat()}) if week else "",
        }
    )
    return render(request, "analytics/drilldown.html", context)


@health_view
def export_csv(request):
    """Every daily figure of the window as CSV: one row per UTC day (columns in
    docs/community-health.md, "CSV export")."""
    window, _context = window_context(request)
    data = snapshots.dashboard_for(request.community, window)
    if data is None:
        response = HttpResponse(
            _("The figures are being computed; try again in a few seconds."),
            content_type="text/plain; charset=utf-8",
            status=503,
        )
        response["Retry-After"] = str(COMPUTING_RETRY_SECONDS)
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{request.community.slug}-health-{window.start}-{window.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow([column for column, _value in display.CSV_COLUMNS])
    for row in data.days:
        writer.writerow(
            [spreadsheet_safe(str(value(row))) for _column, value in display.CSV_COLUMNS]
        )
    return response


GUIDE = settings.BASE_DIR / "docs" / "community-health.md"


@health_view
def guide(request):
    """docs/community-health.md, so every figure's "what this means" link lands on its
    explanation (headings get GitHub-style ids: "Reciprocity" → #reciprocity)."""
    html = display.guide_html(GUIDE)
    return render(request, "analytics/guide.html", {"guide": html})
