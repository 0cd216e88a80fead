"""The benefits section of the weekly health email (analytics.emails adds it for the
recipients who may see the business figures): the week's support deflection and its
estimate, with the assumptions beside it."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from hearth.analytics.dashboard import Window
from hearth.benefits import deflection, display
from hearth.communities.models import Community
from hearth.customers import display as customer_display
from hearth.customers import selectors as customer_selectors


@dataclass(frozen=True)
class WeeklyBenefits:
    solved: int
    solved_by_members: int
    answer_views: int
    estimate: display.EstimateView
    url: str
    customer_lines: list[str]


def weekly_benefits(community: Community, window: Window) -> WeeklyBenefits:
    figures = deflection.deflection(community, window)
    estimate = deflection.estimate(figures, deflection.settings_for(community))
    path = reverse("benefits:benefits", args=[community.slug])
    query = f"start={window.start.isoformat()}&end={window.end.isoformat()}"
    return WeeklyBenefits(
        solved=figures.solved,
        solved_by_members=figures.solved_by_members,
        answer_views=figures.answer_views,
        estimate=display.estimate_view(estimate),
        url=f"{settings.SITE_URL}{path}?{query}",
        customer_lines=customer_display.email_lines(customer_selectors.benefits_figures(community)),
    )
