"""What the benefits tab, its export, its API and the weekly email show of the deflection
figures: cards, the table behind the chart, the chart's JSON and the CSV columns. Exact
numbers are rounded here and only here; an estimate is always labelled as one."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from hearth.analytics.display import NONE, Table, pct
from hearth.benefits.currencies import money
from hearth.benefits.deflection import Deflection, Estimate


def whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share(value: Decimal) -> str:
    """A percentage the owner typed: "5%", "2.5%"."""
    text = f"{value.normalize():f}"
    return f"{text}%"


@dataclass(frozen=True)
class Card:
    key: str  # drill-down slug, "" for none
    label: str
    value: str
    detail: str


def cards(d: Deflection) -> list[Card]:
    return [
        Card(
            "solved",
            _("Questions solved"),
            f"{d.solved:,}",
            _("%(members)s by members, %(staff)s by staff")
            % {"members": f"{d.solved_by_members:,}", "staff": f"{d.solved_by_staff:,}"},
        ),
        Card(
            "members",
            _("Solved by members"),
            pct(d.member_share) if d.member_share is not None else NONE,
            _("%(n)s of %(total)s accepted answers were written by members, not staff")
            % {"n": f"{d.solved_by_members:,}", "total": f"{d.solved:,}"},
        ),
        Card(
            "viewed",
            _("Answer views"),
            f"{d.answer_views:,}",
            _("views of %(n)s solved questions by people other than the asker")
            % {"n": f"{d.viewed_questions:,}"},
        ),
    ]


@dataclass(frozen=True)
class EstimateView:
    tickets: str
    tickets_n: int  # the same, for plurals
    cost: str
    share: str
    ticket_cost: str
    views: str
    sentence: str  # the assumptions, printed beside the figure


def estimate_view(e: Estimate) -> EstimateView:
    ticket_cost = money(e.ticket_cost, e.currency, places=0 if e.ticket_cost % 1 == 0 else 2)
    views = f"{e.answer_views:,}"
    return EstimateView(
        tickets=f"{whole(e.tickets_avoided):,}",
        tickets_n=whole(e.tickets_avoided),
        cost=money(e.cost_saved, e.currency),
        share=share(e.share_percent),
        ticket_cost=ticket_cost,
        views=views,
        sentence=_(
            "Assumes %(share)s of the %(views)s answer views would otherwise have been a "
            "support ticket, at %(cost)s a ticket."
        )
        % {"share": share(e.share_percent), "views": views, "cost": ticket_cost},
    )


def table(d: Deflection, e: Estimate) -> Table:
    return Table(
        _("Solved questions and answer views per day"),
        [
            _("Day"),
            _("Solved"),
            _("By members"),
            _("By staff"),
            _("Answer views"),
            _("Estimated tickets avoided"),
        ],
        [
            [
                row.day.isoformat(),
                str(row.solved),
                str(row.solved_by_members),
                str(row.solved - row.solved_by_members),
                str(row.answer_views),
                _tickets(row.answer_views, e),
            ]
            for row in d.days
        ],
    )


def _tickets(views: int, e: Estimate) -> str:
    return f"{Decimal(views) * e.share_percent / 100:.1f}"


def chart_data(d: Deflection) -> dict:
    return {
        "deflection": {
            "days": [row.day.isoformat() for row in d.days],
            "members": [row.solved_by_members for row in d.days],
            "staff": [row.solved - row.solved_by_members for row in d.days],
            "views": [row.answer_views for row in d.days],
        }
    }


CSV_HEADER = [
    "day",
    "questions_solved",
    "solved_by_members",
    "solved_by_staff",
    "answer_views",
    "estimated_tickets_avoided",
    "estimated_cost_saved",
    "currency",
    "assumed_ticket_share_percent",
    "assumed_ticket_cost",
]


def csv_rows(d: Deflection, e: Estimate) -> list[list[str]]:
    rows = []
    for row in d.days:
        tickets = Decimal(row.answer_views) * e.share_percent / 100
        rows.append(
            [
                row.day.isoformat(),
                str(row.solved),
                str(row.solved_by_members),
                str(row.solved - row.solved_by_members),
                str(row.answer_views),
                f"{tickets:.2f}",
                f"{tickets * e.ticket_cost:.2f}",
                e.currency,
                f"{e.share_percent:.2f}",
                f"{e.ticket_cost:.2f}",
            ]
        )
    return rows


def api_payload(d: Deflection, e: Estimate) -> dict:
    return {
        "start": d.window.start,
        "end": d.window.end,
        "questions_solved": d.solved,
        "solved_by_members": d.solved_by_members,
        "solved_by_staff": d.solved_by_staff,
        "member_share": None if d.member_share is None else round(float(d.member_share), 4),
        "answer_views": d.answer_views,
        "viewed_questions": d.viewed_questions,
        "estimate": {
            "is_estimate": True,
            "tickets_avoided": round(float(e.tickets_avoided), 2),
            "cost_saved": round(float(e.cost_saved), 2),
            "currency": e.currency,
            "ticket_share_percent": float(e.share_percent),
            "ticket_cost": float(e.ticket_cost),
        },
        "days": [
            {
                "day": row.day,
                "solved": row.solved,
                "solved_by_members": row.solved_by_members,
                "answer_views": row.answer_views,
            }
            for row in d.days
        ],
    }
