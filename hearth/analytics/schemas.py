"""The health endpoint's body, declared field by field for the OpenAPI schema.

Counts are integers, shares 0..1, times in hours; ``None`` where a figure cannot be computed
(its denominator is empty). The meaning of every figure is in docs/community-health.md."""

from __future__ import annotations

import datetime
from enum import IntEnum

from ninja import Field, Schema


class WindowDays(IntEnum):
    """The preset windows (hearth.analytics.forms.PRESETS)."""

    WEEK = 7
    FOUR_WEEKS = 28
    QUARTER = 90


class WindowQuery(Schema):
    """A range (both days, UTC) or a preset; neither gives the last 28 days."""

    start: datetime.date | None = Field(None, description="First UTC day of the window.")
    end: datetime.date | None = Field(None, description="Last UTC day of the window.")
    days: WindowDays | None = Field(None, description="The last 7, 28 or 90 days.")


class ReportFigures(Schema):
    active_members: int
    stickiness_percent: float | None
    interactions: int
    member_to_member_interactions: int
    member_to_member_share: float | None
    reciprocity_pairs: int
    reciprocity_reciprocated: int
    reciprocity_share: float | None
    relationships: int
    posted: int
    never_answered: int
    appreciation_share: float | None
    newcomers: int
    newcomers_welcomed: int
    newcomer_welcome_rate: float | None
    newcomer_median_hours_to_reply: float | None
    newcomers_welcomed_returned: float | None
    newcomers_unwelcomed_returned: float | None
    topics_started: int
    topics_responded: int
    topics_median_hours_to_first_response: float | None
    topics_mean_hours_to_first_response: float | None
    questions_asked: int
    questions_responded: int
    questions_median_hours_to_first_response: float | None
    questions_mean_hours_to_first_response: float | None
    questions_accepted: int
    questions_accepted_from_members: int
    member_support_share: float | None
    median_hours_to_accepted_answer: float | None
    unanswered_questions: int
    ideas_proposed: int
    ideas_proposed_by_members: int
    idea_votes: int
    ideas_responded: int
    idea_response_share: float | None
    ideas_shipped: int


class HealthFigures(ReportFigures):
    graph_members: int
    graph_connections: int
    graph_largest_share: float | None
    graph_density: float | None
    graph_average_degree: float | None
    graph_clustering: float | None
    graph_bridges: int
    graph_isolated: int
    gravity: float | None
    ladder_moved_up: int
    ladder_moved_down: int
    ladder_held: int
    page_views: int
    unique_visitors: int


class RetentionCohort(Schema):
    week: datetime.date  # the Monday of the join week
    members: int
    weeks: dict[str, float | None]  # weeks after joining ("1", "2", "4", "8", "12") -> share


class HealthDay(Schema):
    """One UTC day: the CSV export's columns, as numbers."""

    date: datetime.date
    active_members: int
    active_members_7_days: int
    active_members_28_days: int
    stickiness_percent: float | None
    interactions: int
    member_to_member_interactions: int
    posts: int
    new_members: int
    newcomers_first_post: int
    newcomers_welcomed_24h: int
    questions_asked: int
    answers_accepted: int
    answers_accepted_from_members: int
    ideas_proposed: int
    idea_votes: int
    page_views: int | None  # None: audience figures not recorded
    unique_visitors: int | None


class HealthOut(Schema):
    start: datetime.date
    end: datetime.date
    previous_start: datetime.date
    previous_end: datetime.date
    figures: HealthFigures
    previous_figures: ReportFigures
    retention: list[RetentionCohort]
    days: list[HealthDay]
