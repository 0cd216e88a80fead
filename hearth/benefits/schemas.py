"""The benefits endpoints' bodies. Counts are integers, shares 0..1; the estimate is
labelled ``is_estimate`` and carries the assumptions it was computed from."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Schema


class EstimateOut(Schema):
    is_estimate: bool = Field(True, description="Always true: an estimate, not a measurement.")
    tickets_avoided: float = Field(..., description="answer_views × ticket_share_percent / 100")
    cost_saved: float = Field(..., description="tickets_avoided × ticket_cost")
    currency: str
    ticket_share_percent: float
    ticket_cost: float


class DeflectionDayOut(Schema):
    day: datetime.date
    solved: int
    solved_by_members: int
    answer_views: int


class DeflectionOut(Schema):
    start: datetime.date
    end: datetime.date
    questions_solved: int
    solved_by_members: int
    solved_by_staff: int
    member_share: float | None = Field(..., description="0..1; null when nothing was solved")
    answer_views: int
    viewed_questions: int
    estimate: EstimateOut
    days: list[DeflectionDayOut]


class BenefitSettingsOut(Schema):
    ticket_share_percent: float
    ticket_cost: float
    currency: str
    is_default: bool = Field(..., description="True until someone saves the settings.")


class BenefitSettingsIn(Schema):
    ticket_share_percent: Decimal = Field(
        ..., description="Of the answer views, the percentage that would have been a ticket."
    )
    ticket_cost: Decimal = Field(..., description="The cost of one support ticket.")
    currency: str = Field(..., max_length=20, description="ISO 4217 code: EUR, USD, GBP…")
