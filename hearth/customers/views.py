"""The customer list's staff pages under the health area: upload, map the columns, see the
result and its error report, the figures, the members behind them, the CSV export, and
the delete button. Owners, admins and moderators with the analytics permission only:
anyone else, signed in or not, gets a 404."""

from __future__ import annotations

import csv
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hearth.analytics.policy import ensure_view_business_figures
from hearth.communities.views import community_view
from hearth.core.spreadsheets import spreadsheet_safe
from hearth.customers import csv_upload, display, selectors, services
from hearth.customers.forms import FIELD_LABELS, MappingForm, UploadForm
from hearth.customers.models import CustomerImport, StagedUpload
from hearth.customers.validation import FIELDS

PER_PAGE = 30
SHOWN_ERRORS = 200


def business_view(view):
    @wraps(view)
    @community_view
    def wrapper(request, *args, **kwargs):
        ensure_view_business_figures(request.actor)
        return view(request, *args, **kwargs)

    return wrapper


@business_view
def customers(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # One byte past the cap is enough to refuse an oversized file.
            data = upload.read(csv_upload.max_bytes() + 1)
            staged = services.upload_stage(
                actor=request.actor, file_name=upload.name or "", data=data
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("customers:mapping", request.community.slug, staged.pk)
    return render(
        request,
        "customers/customers.html",
        {
            "form": form,
            "section": display.section(request.community),
            "latest": selectors.latest_import(request.community),
            "list_import": selectors.list_import(request.community),
        },
        status=400 if form.errors else 200,
    )


def _staged(request, staged_id: int) -> StagedUpload:
    staged = StagedUpload.objects.filter(
        community=request.community, pk=staged_id, created_at__gte=services.staged_cutoff()
    ).first()
    if staged is None:
        raise Http404
    return staged


@business_view
def mapping(request, staged_id: int):
    staged = _staged(request, staged_id)
    initial = {**csv_upload.guess_mapping(staged.headers), "as_of": services.utc_today()}
    form = MappingForm(request.POST or None, initial=initial, headers=staged.headers)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.customers_import_staged(
                actor=request.actor,
                staged=staged,
                mapping={f: form.cleaned_data[f] for f in FIELDS},
                as_of=form.cleaned_data["as_of"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("customers:import", request.community.slug, record.pk)
    chosen = {
        form[f].value(): FIELD_LABELS[f]
        for f in FIELDS
        if form[f].value() not in (None, csv_upload.NOT_MAPPED)
    }
    columns = [
        {"name": name or _("Column %(n)s") % {"n": i + 1}, "field": chosen.get(str(i), "")}
        for i, name in enumerate(staged.headers)
    ]
    return render(
        request,
        "customers/mapping.html",
        {
            "staged": staged,
            "form": form,
            "columns": columns,
            # Each cell with its column, for the phone layout's labels.
            "preview": [
                [(columns[i]["name"], cell) for i, cell in enumerate(row) if i < len(columns)]
                for row in staged.preview
            ],
        },
        status=400 if form.errors else 200,
    )


@require_POST
@business_view
def cancel(request, staged_id: int):
    services.upload_cancel(actor=request.actor, staged=_staged(request, staged_id))
    messages.info(request, _("The upload was discarded."))
    return redirect("customers:customers", request.community.slug)


def _import(request, import_id: int) -> CustomerImport:
    record = CustomerImport.objects.filter(community=request.community, pk=import_id).first()
    if record is None:
        raise Http404
    return record


@business_view
def import_result(request, import_id: int):
    record = _import(request, import_id)
    return render(
        request,
        "customers/import.html",
        {
            "record": record,
            "errors": record.errors[:SHOWN_ERRORS],
            "more_errors": max(0, len(record.errors) - SHOWN_ERRORS),
            "field_labels": FIELD_LABELS,
        },
    )


@business_view
def import_errors_csv(request, import_id: int):
    """The rejected rows of an import: row, column, what is wrong (formulas neutralised:
    a column name comes from the uploaded file)."""
    record = _import(request, import_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="customers-errors-{record.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["row", "column", "problem"])
    for error in record.errors:
        writer.writerow(
            [error["row"], spreadsheet_safe(error["column"]), spreadsheet_safe(error["message"])]
        )
    return response


@require_POST
@business_view
def delete(request):
    count = services.customers_delete(actor=request.actor)
    messages.success(
        request,
        _("All customer data was deleted (%(n)s customers, their history and the uploads).")
        % {"n": f"{count:,}"},
    )
    return redirect("customers:customers", request.community.slug)


DRILLDOWN_TITLES = {
    "members": gettext_lazy("Customers who are members"),
    "converted": gettext_lazy("Members who became customers after joining"),
    "measured": gettext_lazy("Members whose revenue before and after joining is measured"),
}


@business_view
def drilldown(request, kind: str):
    campaign = request.GET.get("campaign")
    source = request.GET.get("source")
    ids = selectors.drilldown_user_ids(request.community, kind, campaign=campaign, source=source)
    if ids is None:
        raise Http404
    page = Paginator(ids, PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors.drilldown_rows(request.community, list(page.object_list))
    filters = {k: v for k, v in (("campaign", campaign), ("source", source)) if v is not None}
    return render(
        request,
        "customers/drilldown.html",
        {
            "kind": kind,
            "title": str(DRILLDOWN_TITLES[kind]),
            "page": page,
            "rows": rows,
            "filters": filters,
            "extra_query": display.query_string(**filters),
        },
    )


@business_view
def export_csv(request):
    """Every customer figure as rows: figure, tenure band, horizon, group, count, value and
    its interval (docs/community-health.md, "Benefits: customers")."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{request.community.slug}-customers.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(["figure", "band", "horizon_months", "group", "count", "value", "low", "high"])
    for row in export_rows(selectors.benefits_figures(request.community)):
        writer.writerow([spreadsheet_safe(str(cell)) for cell in row])
    return response


def _num(value) -> str:
    return "" if value is None else f"{value:.4f}".rstrip("0").rstrip(".")


def export_rows(data: dict):
    if not data["has_data"]:
        yield ["no customer data", "", "", "", "", "", "", ""]
        return
    for r in data["retention"]:
        for group in ("members", "others"):
            g = r[group]
            yield [
                "retention", r["band"], r["horizon"], group, g["n"],
                _num(g["value"]), _num(g["low"]), _num(g["high"]),
            ]  # fmt: skip
    for r in data["revenue"]:
        for group in ("members", "others"):
            g = r[group]
            yield [
                "revenue_per_customer", r["band"], "", group, g["n"],
                _num(g["value"]), _num(g["low"]), _num(g["high"]),
            ]  # fmt: skip
    change = data["before_after"]
    yield [
        "member_revenue_per_month_change", "", "", "members", change["measured"],
        _num(change["change"]), _num(change["low"]), _num(change["high"]),
    ]  # fmt: skip
    for row in data["conversion"]["campaigns"]:
        group = f"campaign={row['campaign']} source={row['source']}"
        yield ["leads_conversion_rate", "", "", group, row["leads"], _num(row["rate"]), "", ""]
        yield [
            "leads_median_days_to_convert", "", "", group, row["converted"],
            _num(row["median_days"]), "", "",
        ]  # fmt: skip
