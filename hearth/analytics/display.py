"""Turning a :class:`~hearth.analytics.dashboard.Dashboard` into what the page shows: headline
figures with their change and a plain-language status, tables behind every chart, and the
JSON the charts read. Exact fractions are rounded here and only here; ``None`` shows as
"—"."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import nh3
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

from hearth.analytics.dashboard import Dashboard
from hearth.analytics.funnel import STAGES
from hearth.analytics.ladder import Level
from hearth.analytics.metrics import RETENTION_WEEKS, HealthReport

NONE = "—"


def pct(value: Fraction | float | None, places: int = 0) -> str:
    if value is None:
        return NONE
    return f"{float(value) * 100:.{places}f}%"


def percent_number(value: Fraction | None, places: int = 1) -> str:
    """A value already in 0..100 (stickiness)."""
    return NONE if value is None else f"{float(value):.{places}f}%"


def hours(value: Fraction | None) -> str:
    if value is None:
        return NONE
    h = float(value)
    if h < 1:
        return _("%(n)d min") % {"n": round(h * 60)}
    if h < 48:
        return _("%(n).1f h") % {"n": h}
    return _("%(n).1f days") % {"n": h / 24}


def ratio(value: Fraction | None) -> float | None:
    """For JSON: a share as a percentage with one decimal."""
    return None if value is None else round(float(value) * 100, 1)


@dataclass(frozen=True)
class Figure:
    key: str  # slug: the section's id and the docs anchor
    label: str
    value: str
    detail: str  # the numbers behind it ("12 of 30 newcomers")
    meaning: str  # one line: what this means
    change: str = ""  # "+4 pts", "−2.5 h"; empty when either side is missing
    direction: str = "flat"  # up / down / flat (arrow)
    verdict: str = ""  # better / worse / "" (colour and words, never colour alone)
    status: str = ""  # plain-language state
    tone: str = ""  # good / fair / low
    drill: str = ""  # drill-down metric slug

    @property
    def change_label(self) -> str:
        if not self.change:
            return _("no comparison")
        if self.verdict == "better":
            return _("%(c)s, better than the previous window") % {"c": self.change}
        if self.verdict == "worse":
            return _("%(c)s, worse than the previous window") % {"c": self.change}
        return _("%(c)s against the previous window") % {"c": self.change}


def _change(
    now: float | None, before: float | None, *, unit: str, higher_is_better: bool = True
) -> dict:
    if now is None or before is None:
        return {}
    diff = now - before
    if abs(diff) < 0.05:
        return {"change": _("no change"), "direction": "flat"}
    sign = "+" if diff > 0 else "−"
    text = f"{sign}{abs(diff):.1f}".removesuffix(".0") + unit
    better = (diff > 0) == higher_is_better
    return {
        "change": text,
        "direction": "up" if diff > 0 else "down",
        "verdict": "better" if better else "worse",
    }


def _status(value: float | None, good: float, fair: float, words: tuple[str, str, str]) -> dict:
    """Tone and words for a value where higher is better (good ≥ ``good`` ≥ fair ≥ ``fair``)."""
    if value is None:
        return {}
    if value >= good:
        return {"status": words[0], "tone": "good"}
    if value >= fair:
        return {"status": words[1], "tone": "fair"}
    return {"status": words[2], "tone": "low"}


def _share_points(value: Fraction | None) -> float | None:
    return None if value is None else float(value) * 100


def _response(report: HealthReport):
    """The first-response figure to headline: questions when there are any, else topics."""
    q = report.first_response.questions
    return (q, True) if q.started else (report.first_response.topics, False)


MEANINGS = {
    "active-members": gettext_lazy(
        "People who did anything here: posted, replied, reacted, voted, joined."
    ),
    "stickiness": gettext_lazy(
        "How often members come back: today's active members as a share of the month's."
        " Above 20% is healthy."
    ),
    "member-to-member-share": gettext_lazy(
        "Of all replies, mentions, reactions and accepted answers, the share between two"
        " members with no staff involved. High means a community, not an audience."
    ),
    "reciprocity": gettext_lazy(
        "When someone reaches out to someone, how often the other reaches back."
    ),
    "relationships": gettext_lazy("Pairs of members with 3 or more interactions each way."),
    "newcomer-welcome-rate": gettext_lazy(
        "Of the people whose first post fell in the window, the share who got a reply"
        " within 24 hours."
    ),
    "time-to-first-response": gettext_lazy(
        "Typical wait (median) from a new question or topic to the first reply by someone else."
    ),
    "member-support-share": gettext_lazy(
        "Of the questions with an accepted answer, the share answered by a member rather"
        " than staff."
    ),
    "never-answered": gettext_lazy("Members who posted and got no reply or reaction from anyone."),
    "appreciation-reach": gettext_lazy(
        "Share of active members who received a reaction or an accepted answer."
    ),
    "retention": gettext_lazy(
        "Of each week's new members, the share still active 1, 2, 4, 8 and 12 weeks later."
    ),
    "ideas": gettext_lazy(
        "Ideas proposed, votes cast, and how many got an official response or shipped."
    ),
    "interaction-graph": gettext_lazy(
        "Members as dots, interactions as lines: a connected web means members know each"
        " other; isolated dots and a single hub mean they do not."
    ),
    "contributor-ladder": gettext_lazy(
        "Members by level of involvement each month, and how many moved up or down."
    ),
    "funnel-per-source": gettext_lazy(
        "From each invite source or campaign: how many visited, joined, posted, got a reply"
        " back and became regulars."
    ),
    "audience-figures": gettext_lazy(
        "Page views and visitors count reach, not relationships. Shown apart so the two are"
        " never confused."
    ),
}


def meanings() -> dict[str, str]:
    """The one-line explanations by section, for the template."""
    keys = {
        "stickiness": "stickiness",
        "member_to_member": "member-to-member-share",
        "reciprocity": "reciprocity",
        "relationships": "relationships",
        "newcomers": "newcomer-welcome-rate",
        "response": "time-to-first-response",
        "support": "member-support-share",
        "retention": "retention",
        "ladder": "contributor-ladder",
        "graph": "interaction-graph",
        "funnel": "funnel-per-source",
        "ideas": "ideas",
        "audience": "audience-figures",
    }
    return {name: str(MEANINGS[key]) for name, key in keys.items()}


def headlines(d: Dashboard) -> list[Figure]:
    """The 6 cards a manager reads first."""
    now, was = d.report, d.previous
    stick_now = None if now.active.stickiness is None else float(now.active.stickiness)
    m2m, m2m_was = now.member_to_member, was.member_to_member
    rec, rec_was = now.reciprocity, was.reciprocity
    new, new_was = now.newcomers, was.newcomers
    resp, questions = _response(now)
    resp_was = was.first_response.questions if questions else was.first_response.topics
    sup, sup_was = now.support, was.support

    def hrs(v):
        return None if v is None else float(v)

    return [
        Figure(
            key="active-members",
            label=_("Active members"),
            value=str(now.active.total),
            detail=_("stickiness %(s)s (DAU/MAU)") % {"s": percent_number(now.active.stickiness)},
            meaning=str(MEANINGS["stickiness"]),
            **_change(now.active.total, was.active.total, unit=""),
            **_status(stick_now, 20, 10, (_("Healthy"), _("Steady"), _("Quiet"))),
        ),
        Figure(
            key="member-to-member-share",
            label=_("Member to member"),
            value=pct(m2m.share),
            detail=_("%(m)s of %(n)s interactions without staff")
            % {"m": m2m.between_members, "n": m2m.interactions},
            meaning=str(MEANINGS["member-to-member-share"]),
            **_change(_share_points(m2m.share), _share_points(m2m_was.share), unit=" pts"),
            **_status(
                _share_points(m2m.share), 50, 25, (_("Members lead"), _("Growing"), _("Staff-led"))
            ),
        ),
        Figure(
            key="reciprocity",
            label=_("Reciprocity"),
            value=pct(rec.share),
            detail=_("%(r)s of %(n)s connections returned · %(k)s relationships")
            % {"r": rec.reciprocated, "n": rec.pairs, "k": len(rec.relationships)},
            meaning=str(MEANINGS["reciprocity"]),
            drill="relationships",
            **_change(_share_points(rec.share), _share_points(rec_was.share), unit=" pts"),
            **_status(
                _share_points(rec.share),
                50,
                25,
                (_("Two-way"), _("Some back and forth"), _("One-way")),
            ),
        ),
        Figure(
            key="newcomer-welcome-rate",
            label=_("Newcomers welcomed"),
            value=pct(new.rate),
            detail=_("%(w)s of %(n)s replied to within 24 h")
            % {"w": len(new.welcomed), "n": len(new.newcomers)},
            meaning=str(MEANINGS["newcomer-welcome-rate"]),
            drill="newcomers" if new.unwelcomed else "",
            **_change(_share_points(new.rate), _share_points(new_was.rate), unit=" pts"),
            **_status(
                _share_points(new.rate),
                80,
                50,
                (_("Welcoming"), _("Patchy"), _("Newcomers waiting")),
            ),
        ),
        Figure(
            key="time-to-first-response",
            label=_("First response (questions)") if questions else _("First response (topics)"),
            value=hours(resp.median_hours),
            detail=_("median · %(r)s of %(n)s answered") % {"r": resp.responded, "n": resp.started},
            meaning=str(MEANINGS["time-to-first-response"]),
            drill=("unanswered-questions" if questions else "unanswered-topics")
            if resp.unanswered
            else "",
            **_change(
                hrs(resp.median_hours),
                hrs(resp_was.median_hours),
                unit=" h",
                higher_is_better=False,
            ),
            **_status(
                None if resp.median_hours is None else -float(resp.median_hours),
                -4,
                -24,
                (_("Fast"), _("Within a day"), _("Slow")),
            ),
        ),
        Figure(
            key="member-support-share",
            label=_("Answered by members"),
            value=pct(sup.share),
            detail=_("%(m)s of %(n)s accepted answers")
            % {"m": sup.accepted_from_members, "n": sup.accepted},
            meaning=str(MEANINGS["member-support-share"]),
            **_change(_share_points(sup.share), _share_points(sup_was.share), unit=" pts"),
            **_status(
                _share_points(sup.share),
                50,
                20,
                (_("Members answer"), _("Mixed"), _("Staff answer")),
            ),
        ),
    ]


def moved(figures: list[Figure], limit: int = 3) -> list[Figure]:
    """ "What moved": the figures that changed, worse first (they need attention)."""
    changed = [f for f in figures if f.verdict]
    return sorted(changed, key=lambda f: f.verdict != "worse")[:limit]


@dataclass(frozen=True)
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]

    @property
    def labelled_rows(self) -> list[list[tuple[str, str]]]:
        """Each cell with its column's name (phones show tables as labelled lists)."""
        return [list(zip(self.columns, row, strict=True)) for row in self.rows]


def activity_table(d: Dashboard) -> Table:
    return Table(
        _("Active members per day"),
        [_("Day"), _("DAU"), _("WAU"), _("MAU"), _("Stickiness")],
        [
            [
                r.day.isoformat(),
                str(r.active),
                str(r.active_7_days),
                str(r.active_28_days),
                percent_number(r.stickiness),
            ]
            for r in d.days
        ],
    )


def interactions_table(d: Dashboard) -> Table:
    return Table(
        _("Interactions per day"),
        [_("Day"), _("Interactions"), _("Member to member"), _("With staff"), _("Posts")],
        [
            [
                r.day.isoformat(),
                str(r.interactions),
                str(r.member_to_member),
                str(r.interactions - r.member_to_member),
                str(r.posts),
            ]
            for r in d.days
        ],
    )


def newcomers_table(d: Dashboard) -> Table:
    return Table(
        _("Newcomers per day"),
        [_("Day"), _("New members"), _("First posts"), _("Welcomed within 24 h")],
        [
            [r.day.isoformat(), str(r.new_members), str(r.newcomers), str(r.newcomers_welcomed)]
            for r in d.days
        ],
    )


def retention_table(d: Dashboard) -> Table:
    return Table(
        _("Share of each join-week cohort active in week n after joining"),
        [_("Join week"), _("Members")] + [_("Week %(n)s") % {"n": k} for k in RETENTION_WEEKS],
        [
            [c.week.isoformat(), str(len(c.members))]
            + [pct(c.retention[k]) for k in RETENTION_WEEKS]
            for c in d.report.retention
        ],
    )


def response_table(d: Dashboard) -> Table:
    rows = []
    for label, r in (
        (_("Topics"), d.report.first_response.topics),
        (_("Questions"), d.report.first_response.questions),
    ):
        rows.append(
            [
                str(label),
                str(r.started),
                str(r.responded),
                hours(r.median_hours),
                hours(r.mean_hours),
            ]
        )
    return Table(
        _("Time to first response"),
        [_("Kind"), _("Started"), _("Answered"), _("Median"), _("Mean")],
        rows,
    )


def ladder_table(d: Dashboard) -> Table:
    return Table(
        _("Members at each level"),
        [_("On"), *[str(LEVEL_LABELS[level]) for level in Level], _("Gravity")],
        [
            [_boundary(s.at), *[str(s.counts[level]) for level in Level], _fraction(s.gravity)]
            for s in d.ladder.snapshots
        ],
    )


def flows_table(d: Dashboard) -> Table:
    moves = d.window_moves
    return Table(
        _("Moves between levels during the window"),
        [_("From"), _("To"), _("Members")],
        [
            [
                str(LEVEL_LABELS[f.source]) if f.source else _("(joined)"),
                str(LEVEL_LABELS[f.target]),
                str(f.members),
            ]
            for f in moves.flows
        ],
    )


def funnel_table(d: Dashboard) -> Table:
    rows = []
    for row in (*d.funnel.rows, d.funnel.total):
        cells = [_("All sources") if row.source == "total" else row.source]
        for stage in row.stages:
            cell = NONE if stage.count is None else str(stage.count)
            if stage.count is not None and stage.from_previous is not None:
                cell += f" ({pct(stage.from_previous)})"
            cells.append(cell)
        rows.append(cells)
    return Table(
        _("People who joined in the window, by where they came from"),
        [_("Source"), *[str(STAGE_LABELS[name]) for name in STAGES]],
        rows,
    )


def graph_table(d: Dashboard) -> Table:
    names = _graph_names(d)
    return Table(
        _("Most connected members (interaction weight)"),
        [_("Member"), _("Weight"), _("Group"), _("Staff")],
        [
            [
                names.get(n.key, n.key),
                f"{float(n.weight):.0f}",
                str(n.cluster) if n.cluster else NONE,
                _("yes") if n.staff else "",
            ]
            for n in d.graph.picture.nodes[:GRAPH_TABLE_ROWS]
        ],
    )


def audience_table(d: Dashboard) -> Table:
    return Table(
        _("Page views and visitors per day"),
        [_("Day"), _("Page views"), _("Unique visitors")],
        [[a.day.isoformat(), str(a.page_views), str(a.visitors)] for a in d.audience.days],
    )


def referrers_table(d: Dashboard) -> Table:
    return Table(
        _("Top referring sites"),
        [_("Site"), _("Page views")],
        [[r.host, str(r.views)] for r in d.audience.referrers],
    )


def tables(d: Dashboard) -> dict[str, Table]:
    return {
        "activity": activity_table(d),
        "interactions": interactions_table(d),
        "newcomers": newcomers_table(d),
        "response": response_table(d),
        "retention": retention_table(d),
        "ladder": ladder_table(d),
        "flows": flows_table(d),
        "funnel": funnel_table(d),
        "graph": graph_table(d),
        "audience": audience_table(d),
        "referrers": referrers_table(d),
    }


def sections(d: Dashboard) -> dict[str, list[tuple[str, str]]]:
    """The figures printed at the top of each section, as (label, value)."""
    r = d.report
    new, sup, ideas, g = r.newcomers, r.support, r.ideas, d.graph
    last = d.ladder.snapshots[-1]
    return {
        "activity": [
            (_("Active members"), str(r.active.total)),
            (_("Stickiness (DAU/MAU)"), percent_number(r.active.stickiness)),
            (_("Active per week"), ", ".join(str(n) for n in r.active.weeks) or NONE),
        ],
        "conversation": [
            (_("Member-to-member share"), pct(r.member_to_member.share)),
            (_("Interactions"), str(r.member_to_member.interactions)),
            (_("Appreciation reach"), pct(r.appreciation.share)),
            (
                _("Posted, nobody answered"),
                f"{len(r.never_answered.members)} / {r.never_answered.posted}",
            ),
        ],
        "reciprocity": [
            (_("Reciprocity"), pct(r.reciprocity.share)),
            (_("Connections (a → b)"), str(r.reciprocity.pairs)),
            (_("Returned"), str(r.reciprocity.reciprocated)),
            (_("Relationships (3+ each way)"), str(len(r.reciprocity.relationships))),
        ],
        "newcomers": [
            (_("Welcome rate (24 h)"), pct(new.rate)),
            (_("Newcomers (first post)"), str(len(new.newcomers))),
            (_("Median time to reply"), hours(new.median_hours_to_reply)),
            (_("Posted again, welcomed"), pct(new.welcomed_returned)),
            (_("Posted again, not welcomed"), pct(new.unwelcomed_returned)),
        ],
        "support": [
            (_("Answered by members"), pct(sup.share)),
            (_("Questions"), str(sup.questions)),
            (_("Accepted answers"), str(sup.accepted)),
            (_("Median time to accepted answer"), hours(sup.median_hours_to_accept)),
            (_("Unanswered questions"), str(len(sup.unanswered))),
        ],
        "ladder": [
            (_("Gravity"), _fraction(last.gravity)),
            (_("Change since last month"), _signed(last.gravity_change)),
            (_("Moved up"), str(d.window_moves.up)),
            (_("Held"), str(d.window_moves.held)),
            (_("Moved down"), str(d.window_moves.down)),
        ],
        "ideas": [
            (_("Ideas proposed"), str(ideas.proposed)),
            (_("By members"), str(ideas.proposed_by_members)),
            (_("Votes"), str(ideas.votes)),
            (_("With an official response"), pct(ideas.response_share)),
            (_("Shipped"), str(ideas.shipped)),
        ],
        "graph": [
            (_("Members in the graph"), str(g.nodes)),
            (_("Connections"), str(g.edges)),
            (_("In the largest group"), pct(g.largest_share)),
            (_("Density"), pct(g.density, 1)),
            (_("Average connections"), _fraction(g.average_degree)),
            (_("Clustering"), _fraction(g.clustering, 2)),
            (_("Bridges"), str(g.bridges)),
            (_("Isolated"), str(len(g.isolated))),
        ],
        "audience": [
            (_("Page views"), str(d.audience.page_views)),
            (_("Unique visitors"), str(d.audience.unique_visitors)),
        ],
    }


def _fraction(value: Fraction | None, places: int = 1) -> str:
    return NONE if value is None else f"{float(value):.{places}f}"


def _signed(value: Fraction | None) -> str:
    if value is None:
        return NONE
    return f"{'+' if value >= 0 else '−'}{abs(float(value)):.1f}"


def _boundary(at) -> str:
    return at.date().isoformat()


GRAPH_TABLE_ROWS = 20
LEVEL_LABELS = {
    Level.EXPLORING: gettext_lazy("Exploring"),
    Level.PARTICIPATING: gettext_lazy("Participating"),
    Level.CONTRIBUTING: gettext_lazy("Contributing"),
    Level.LEADING: gettext_lazy("Leading"),
}
STAGE_LABELS = {
    "visited": gettext_lazy("Visited"),
    "signed_up": gettext_lazy("Signed up"),
    "joined": gettext_lazy("Joined"),
    "first_post": gettext_lazy("First post"),
    "reciprocated": gettext_lazy("Got a reply back"),
    "returned_week_2": gettext_lazy("Back in week 2"),
    "regular": gettext_lazy("Regular"),
}


def _graph_names(d: Dashboard) -> dict[str, str]:
    names = {}
    for n in d.graph.picture.nodes:
        person = d.people.get(n.user) if n.user is not None else None
        names[n.key] = person.name if person else _("Anonymous member")
    return names


def _graph_data(d: Dashboard, community) -> dict:
    names = _graph_names(d)
    nodes = []
    for n in d.graph.picture.nodes:
        person = d.people.get(n.user) if n.user is not None else None
        nodes.append(
            {
                "id": n.key,
                "name": names[n.key],
                "x": n.x,
                "y": n.y,
                "weight": round(float(n.weight), 1),
                "cluster": n.cluster or 0,
                "staff": n.staff,
                "url": reverse("communities:profile", args=[community.slug, person.username])
                if person
                else None,
            }
        )
    edges = [
        {"source": e.source, "target": e.target, "weight": round(float(e.weight), 1)}
        for e in d.graph.picture.edges
    ]
    return {"nodes": nodes, "edges": edges}


def _funnel_data(d: Dashboard) -> dict:
    rows = sorted(d.funnel.rows, key=lambda r: -(r.count("joined") or 0))[:FUNNEL_SOURCES]
    return {
        "stages": [str(STAGE_LABELS[name]) for name in STAGES],
        "sources": [{"name": r.source, "counts": [s.count for s in r.stages]} for r in rows],
    }


FUNNEL_SOURCES = 6


def chart_data(d: Dashboard, community) -> dict:
    """What health.js draws; every number here is also in a server-rendered table."""
    report = d.report
    first = report.first_response
    levels = list(Level)
    return {
        "days": [r.day.isoformat() for r in d.days],
        "activity": {
            "dau": [r.active for r in d.days],
            "wau": [r.active_7_days for r in d.days],
            "mau": [r.active_28_days for r in d.days],
            "stickiness": [
                None if r.stickiness is None else round(float(r.stickiness), 1) for r in d.days
            ],
        },
        "interactions": {
            "members": [r.member_to_member for r in d.days],
            "staff": [r.interactions - r.member_to_member for r in d.days],
        },
        "newcomers": {
            "welcomed": [r.newcomers_welcomed for r in d.days],
            "waiting": [r.newcomers - r.newcomers_welcomed for r in d.days],
        },
        "response": {
            "labels": [_("Topics"), _("Questions")],
            "median": [
                _hours_json(first.topics.median_hours),
                _hours_json(first.questions.median_hours),
            ],
            "mean": [_hours_json(first.topics.mean_hours), _hours_json(first.questions.mean_hours)],
        },
        "retention": {
            "weeks": [_("Week %(n)s") % {"n": k} for k in RETENTION_WEEKS],
            "cohorts": [c.week.isoformat() for c in report.retention],
            "sizes": [len(c.members) for c in report.retention],
            "cells": [
                [x, y, ratio(c.retention[k])]
                for y, c in enumerate(report.retention)
                for x, k in enumerate(RETENTION_WEEKS)
            ],
        },
        "ladder": {
            "levels": [str(LEVEL_LABELS[level]) for level in levels],
            "boundaries": [_boundary(s.at) for s in d.ladder.snapshots],
            "counts": [[s.counts[level] for s in d.ladder.snapshots] for level in levels],
            "flows": [
                {
                    "source": str(LEVEL_LABELS[f.source]) if f.source else str(_("Joined")),
                    "target": str(LEVEL_LABELS[f.target]),
                    "value": f.members,
                }
                for f in d.window_moves.flows
            ],
        },
        "funnel": _funnel_data(d),
        "graph": _graph_data(d, community),
        "audience": {
            "days": [a.day.isoformat() for a in d.audience.days],
            "views": [a.page_views for a in d.audience.days],
            "visitors": [a.visitors for a in d.audience.days],
        },
    }


def _hours_json(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 1)


def _csv_number(value: Fraction | None) -> str:
    return "" if value is None else f"{float(value):.2f}"


# (column, value of a DayRow): the CSV export's columns, documented in
# docs/community-health.md ("CSV export").
CSV_COLUMNS = (
    ("date", lambda r: r.day.isoformat()),
    ("active_members", lambda r: r.active),
    ("active_members_7_days", lambda r: r.active_7_days),
    ("active_members_28_days", lambda r: r.active_28_days),
    ("stickiness_percent", lambda r: _csv_number(r.stickiness)),
    ("interactions", lambda r: r.interactions),
    ("member_to_member_interactions", lambda r: r.member_to_member),
    ("posts", lambda r: r.posts),
    ("new_members", lambda r: r.new_members),
    ("newcomers_first_post", lambda r: r.newcomers),
    ("newcomers_welcomed_24h", lambda r: r.newcomers_welcomed),
    ("questions_asked", lambda r: r.questions_asked),
    ("answers_accepted", lambda r: r.answers_accepted),
    ("answers_accepted_from_members", lambda r: r.answers_accepted_from_members),
    ("ideas_proposed", lambda r: r.ideas_proposed),
    ("idea_votes", lambda r: r.idea_votes),
    ("page_views", lambda r: "" if r.page_views is None else r.page_views),
    ("unique_visitors", lambda r: "" if r.unique_visitors is None else r.unique_visitors),
)


def guide_html(path) -> str | None:
    """The metric guide rendered with ids on its headings; None when it is not installed.
    The file ships with Hearth (trusted), and is sanitised all the same."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    md = MarkdownIt("commonmark").enable("table").use(anchors_plugin, min_level=2, max_level=4)
    tags = {"h1", "h2", "h3", "h4", "p", "a", "ul", "ol", "li", "strong", "em", "code", "pre",
            "blockquote", "table", "thead", "tbody", "tr", "th", "td", "hr", "br"}  # fmt: skip
    attributes = {"a": {"href"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}}
    return nh3.clean(md.render(text), tags=tags, attributes=attributes)


def _num(value: Fraction | None, places: int = 4) -> float | None:
    return None if value is None else round(float(value), places)


def report_figures(r: HealthReport) -> dict[str, int | float | None]:
    """The report's headline numbers for the API: counts as integers, shares as 0..1,
    times in hours, rounded to 4 decimals; ``None`` where the denominator is empty."""
    topics, questions = r.first_response.topics, r.first_response.questions
    return {
        "active_members": r.active.total,
        "stickiness_percent": _num(r.active.stickiness),
        "interactions": r.member_to_member.interactions,
        "member_to_member_interactions": r.member_to_member.between_members,
        "member_to_member_share": _num(r.member_to_member.share),
        "reciprocity_pairs": r.reciprocity.pairs,
        "reciprocity_reciprocated": r.reciprocity.reciprocated,
        "reciprocity_share": _num(r.reciprocity.share),
        "relationships": len(r.reciprocity.relationships),
        "posted": r.never_answered.posted,
        "never_answered": len(r.never_answered.members),
        "appreciation_share": _num(r.appreciation.share),
        "newcomers": len(r.newcomers.newcomers),
        "newcomers_welcomed": len(r.newcomers.welcomed),
        "newcomer_welcome_rate": _num(r.newcomers.rate),
        "newcomer_median_hours_to_reply": _num(r.newcomers.median_hours_to_reply),
        "newcomers_welcomed_returned": _num(r.newcomers.welcomed_returned),
        "newcomers_unwelcomed_returned": _num(r.newcomers.unwelcomed_returned),
        "topics_started": topics.started,
        "topics_responded": topics.responded,
        "topics_median_hours_to_first_response": _num(topics.median_hours),
        "topics_mean_hours_to_first_response": _num(topics.mean_hours),
        "questions_asked": questions.started,
        "questions_responded": questions.responded,
        "questions_median_hours_to_first_response": _num(questions.median_hours),
        "questions_mean_hours_to_first_response": _num(questions.mean_hours),
        "questions_accepted": r.support.accepted,
        "questions_accepted_from_members": r.support.accepted_from_members,
        "member_support_share": _num(r.support.share),
        "median_hours_to_accepted_answer": _num(r.support.median_hours_to_accept),
        "unanswered_questions": len(r.support.unanswered),
        "ideas_proposed": r.ideas.proposed,
        "ideas_proposed_by_members": r.ideas.proposed_by_members,
        "idea_votes": r.ideas.votes,
        "ideas_responded": r.ideas.responded,
        "idea_response_share": _num(r.ideas.response_share),
        "ideas_shipped": r.ideas.shipped,
    }


def api_payload(d: Dashboard) -> dict:
    """The JSON API's body: the same figures as the page and one row per day as the CSV."""
    g, last = d.graph, d.ladder.snapshots[-1]
    return {
        "start": d.window.start,
        "end": d.window.end,
        "previous_start": d.previous_window.start,
        "previous_end": d.previous_window.end,
        "figures": {
            **report_figures(d.report),
            "graph_members": g.nodes,
            "graph_connections": g.edges,
            "graph_largest_share": _num(g.largest_share),
            "graph_density": _num(g.density),
            "graph_average_degree": _num(g.average_degree),
            "graph_clustering": _num(g.clustering),
            "graph_bridges": g.bridges,
            "graph_isolated": len(g.isolated),
            "gravity": _num(last.gravity),
            "ladder_moved_up": d.window_moves.up,
            "ladder_held": d.window_moves.held,
            "ladder_moved_down": d.window_moves.down,
            "page_views": d.audience.page_views,
            "unique_visitors": d.audience.unique_visitors,
        },
        "previous_figures": report_figures(d.previous),
        "retention": [
            {
                "week": c.week,
                "members": len(c.members),
                "weeks": {str(k): _num(c.retention[k]) for k in RETENTION_WEEKS},
            }
            for c in d.report.retention
        ],
        "days": [
            {column: API_DAY_VALUES.get(column, value)(row) for column, value in CSV_COLUMNS}
            for row in d.days
        ],
    }


# The API's day rows are the CSV's columns, as JSON numbers and null rather than text.
API_DAY_VALUES = {
    "stickiness_percent": lambda r: _num(r.stickiness),
    "page_views": lambda r: r.page_views,
    "unique_visitors": lambda r: r.unique_visitors,
}
