"""Turning :func:`hearth.customers.selectors.benefits_figures` into what the partial
``customers/_benefits_section.html`` shows: cards, bar charts (server-drawn SVG, so no
script is needed) with the table behind each, and the drill-down links. Numbers are
rounded here and only here; ``None`` shows as "—"."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hearth.analytics.display import NONE, pct
from hearth.communities.models import Community
from hearth.customers import selectors

CHART_HORIZON = 12


def money(value: float | None) -> str:
    return NONE if value is None else f"{value:,.0f}"


def money_change(value: float | None) -> str:
    if value is None:
        return NONE
    return f"{'+' if value >= 0 else '−'}{abs(value):,.0f}"


def interval(low: float | None, high: float | None, fmt=pct) -> str:
    if low is None or high is None:
        return NONE
    return f"{fmt(low)} – {fmt(high)}"


def _bar(value: float | None, low: float | None, high: float | None, top: float) -> dict:
    """Widths in 0..100 of the chart's scale (``top``)."""

    def x(v):
        return 0 if v is None or top <= 0 else round(min(v / top, 1) * 100, 2)

    return {"width": x(value), "low": x(low), "high": x(high), "empty": value is None}


def _retention_chart(rows: list[dict]) -> dict:
    chosen = [r for r in rows if r["horizon"] == CHART_HORIZON]
    items = []
    for r in chosen:
        items.append(
            {
                "label": r["band_label"],
                "bars": [
                    {
                        "group": group,
                        "name": _("Members") if group == "members" else _("Other customers"),
                        "text": pct(r[group]["value"]),
                        "detail": _("%(k)s of %(n)s")
                        % {"k": r[group]["retained"], "n": r[group]["n"]},
                        **_bar(r[group]["value"], r[group]["low"], r[group]["high"], 1.0),
                    }
                    for group in ("members", "others")
                ],
            }
        )
    return {"items": items}


def _revenue_chart(rows: list[dict]) -> dict:
    top = max(
        [r[g]["high"] or r[g]["value"] or 0 for r in rows for g in ("members", "others")] or [0]
    )
    items = []
    for r in rows:
        items.append(
            {
                "label": r["band_label"],
                "bars": [
                    {
                        "group": group,
                        "name": _("Members") if group == "members" else _("Other customers"),
                        "text": money(r[group]["value"]),
                        "detail": _("%(n)s customers") % {"n": r[group]["n"]},
                        **_bar(r[group]["value"], r[group]["low"], r[group]["high"], top),
                    }
                    for group in ("members", "others")
                ],
            }
        )
    return {"items": items}


_l = gettext_lazy
RETENTION_COLUMNS = (
    _l("Tenure"), _l("After"), _l("Members (retained/eligible)"), _l("95% interval"),
    _l("Others (retained/eligible)"), _l("95% interval"),
)  # fmt: skip
REVENUE_COLUMNS = (
    _l("Tenure"),
    _l("Members"),
    _l("95% interval"),
    _l("Others"),
    _l("95% interval"),
)


def _labelled(columns, cells) -> list[tuple[str, str]]:
    return [(str(c), cell) for c, cell in zip(columns, cells, strict=True)]


def _retention_table(rows: list[dict]) -> list[list[tuple[str, str]]]:
    return [
        _labelled(
            RETENTION_COLUMNS,
            [
                r["band_label"],
                _("%(n)s months") % {"n": r["horizon"]},
                f"{pct(r['members']['value'])} ({r['members']['retained']}/{r['members']['n']})",
                interval(r["members"]["low"], r["members"]["high"]),
                f"{pct(r['others']['value'])} ({r['others']['retained']}/{r['others']['n']})",
                interval(r["others"]["low"], r["others"]["high"]),
            ],
        )
        for r in rows
    ]


def _revenue_table(rows: list[dict]) -> list[list[tuple[str, str]]]:
    return [
        _labelled(
            REVENUE_COLUMNS,
            [
                r["band_label"],
                f"{money(r['members']['value'])} (n={r['members']['n']})",
                interval(r["members"]["low"], r["members"]["high"], money),
                f"{money(r['others']['value'])} (n={r['others']['n']})",
                interval(r["others"]["low"], r["others"]["high"], money),
            ],
        )
        for r in rows
    ]


def _drill(community: Community, kind: str) -> str:
    return reverse("customers:drilldown", args=[community.slug, kind])


def section(community: Community, data: dict | None = None) -> dict:
    """The partial's context: ``{% include "customers/_benefits_section.html" with
    customers=... %}``."""
    data = selectors.benefits_figures(community) if data is None else data
    links = {
        "page": reverse("customers:customers", args=[community.slug]),
        "export": reverse("customers:export", args=[community.slug]),
    }
    if not data["has_data"]:
        return {"has_data": False, "links": links, "warning": data["warning"]}
    retention_12 = data["retention_12_adjusted"]
    revenue_adj = data["revenue_adjusted"]
    change = data["before_after"]
    conversion = data["conversion"]
    cards = [
        {
            "key": "customers-matched",
            "label": _("Customers who are members"),
            "value": f"{data['members']:,}",
            "detail": _("of %(n)s customers in the list of %(day)s")
            % {"n": f"{data['customers']:,}", "day": data["as_of"]},
            "link": _drill(community, "members"),
        },
        {
            "key": "customers-retention",
            "label": _("Still a customer after 12 months"),
            "value": (
                f"{pct(retention_12['members'])} / {pct(retention_12['others'])}"
                if retention_12
                else NONE
            ),
            "detail": _("members / other customers, tenure-adjusted")
            if retention_12
            else _("No tenure band has both members and others who could reach 12 months."),
        },
        {
            "key": "customers-revenue",
            "label": _("Revenue per customer"),
            "value": (
                f"{money(revenue_adj['members'])} / {money(revenue_adj['others'])}"
                if revenue_adj
                else NONE
            ),
            "detail": _("members / other customers, tenure-adjusted")
            if revenue_adj
            else _("No tenure band has both members and others."),
        },
        {
            "key": "customers-before-after",
            "label": _("Members' revenue per month, after joining vs before"),
            "value": money_change(change["change"]),
            "detail": (
                _("%(before)s before → %(after)s after, %(n)s members measured")
                % {
                    "before": money(change["before"]),
                    "after": money(change["after"]),
                    "n": change["measured"],
                }
                if change["measured"]
                else _(
                    "Needs an upload from before members joined: upload an older export with "
                    "its date to measure this."
                )
            ),
            "link": _drill(community, "measured") if change["measured"] else "",
        },
        {
            "key": "customers-leads",
            "label": _("Leads converted"),
            "value": f"{conversion['converted']:,}",
            "detail": _("of %(n)s members who were not customers when they joined (%(rate)s)")
            % {"n": f"{conversion['leads']:,}", "rate": pct(conversion["rate"], 1)},
            "link": _drill(community, "converted") if conversion["converted"] else "",
        },
    ]
    campaigns = [
        {
            **row,
            "rate_text": pct(row["rate"], 1),
            "median_text": NONE
            if row["median_days"] is None
            else _("%(n)s days") % {"n": f"{row['median_days']:g}"},
            "link": _drill(community, "converted")
            + "?"
            + query_string(campaign=row["campaign"], source=row["source"]),
        }
        for row in conversion["campaigns"]
    ]
    return {
        "has_data": True,
        "data": data,
        "warning": data["warning"],
        "cards": cards,
        "retention_chart": _retention_chart(data["retention"]),
        "retention_table": _retention_table(data["retention"]),
        "revenue_chart": _revenue_chart(data["revenue"]),
        "revenue_table": _revenue_table(data["revenue"]),
        "before_after": change,
        "before_after_interval": interval(change["low"], change["high"], money_change),
        "before_after_text": {
            "before": money(change["before"]),
            "after": money(change["after"]),
            "change": money_change(change["change"]),
        },
        "campaigns": campaigns,
        "links": links,
    }


def query_string(**params: str) -> str:
    return urlencode(params)


def email_lines(data: dict) -> list[str]:
    """The weekly email's customer lines (plain text), or none without customer data:
    members among customers, tenure-adjusted 12-month retention and revenue per customer
    (members / others), the before/after change, leads converted, and the caveat."""
    if not data["has_data"]:
        return []
    lines = [
        _("Customers who are members: %(m)s of %(n)s (list as of %(day)s).")
        % {"m": f"{data['members']:,}", "n": f"{data['customers']:,}", "day": data["as_of"]}
    ]
    if data["retention_12_adjusted"]:
        adjusted = data["retention_12_adjusted"]
        lines.append(
            _("Still a customer after 12 months: members %(m)s, others %(o)s (same tenure).")
            % {"m": pct(adjusted["members"]), "o": pct(adjusted["others"])}
        )
    if data["revenue_adjusted"]:
        adjusted = data["revenue_adjusted"]
        lines.append(
            _("Revenue per customer: members %(m)s, others %(o)s (same tenure).")
            % {"m": money(adjusted["members"]), "o": money(adjusted["others"])}
        )
    change = data["before_after"]
    if change["measured"]:
        lines.append(
            _("Members' revenue per month after joining: %(c)s (%(n)s measured).")
            % {"c": money_change(change["change"]), "n": change["measured"]}
        )
    conversion = data["conversion"]
    lines.append(
        _("Leads converted: %(c)s of %(n)s members who were not customers when they joined.")
        % {"c": conversion["converted"], "n": conversion["leads"]}
    )
    lines.append(str(data["warning"]))
    return lines
