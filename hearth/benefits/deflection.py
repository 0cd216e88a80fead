"""Support deflection over a window: the figures, the owner's estimate built on them, and
the questions and members behind them. Definitions: docs/community-health.md, "Benefits:
support deflection".

- **Solved** questions: those whose accepted answer was accepted in the window (UTC days)
  and still stands; questions deleted since are left out.
- **Solved by members**: of those, the accepted answer's author is not staff (owner,
  admin or moderator) by their *current* role, as everywhere on the health dashboard; a
  deleted account counts as a member.
- **Answer views**: views in the window, by anyone but the asker (signed in or not; bots
  are never counted), of questions that stand solved now, on or after the UTC day their
  answer was accepted; whenever that was, so an answer from last year read today counts.
- The **estimate** is arithmetic on the owner's two assumptions, never a measurement:
  tickets avoided = answer views × share; cost saved = tickets avoided × cost of a ticket.

Every figure is a few aggregate queries on indexed columns, whatever the window's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate

from hearth.analytics.dashboard import Window
from hearth.audience.models import TopicViewDay
from hearth.benefits.models import BenefitSettings
from hearth.communities.models import STAFF_ROLES, Community, Membership
from hearth.core.actor import Actor
from hearth.discussions import policy as discussion_policy
from hearth.qa.models import Question

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class DeflectionDay:
    day: date
    solved: int
    solved_by_members: int
    answer_views: int


@dataclass(frozen=True)
class Deflection:
    window: Window
    solved: int
    solved_by_members: int
    answer_views: int
    viewed_questions: int  # solved questions with at least one answer view in the window
    days: tuple[DeflectionDay, ...]  # every day of the window, oldest first, zeros included

    @property
    def solved_by_staff(self) -> int:
        return self.solved - self.solved_by_members

    @property
    def member_share(self) -> Fraction | None:
        return Fraction(self.solved_by_members, self.solved) if self.solved else None


@dataclass(frozen=True)
class Estimate:
    """The owner's assumptions applied to the answer views: exact decimals, rounded only
    where shown."""

    answer_views: int
    share_percent: Decimal
    ticket_cost: Decimal
    currency: str

    @property
    def tickets_avoided(self) -> Decimal:
        return Decimal(self.answer_views) * self.share_percent / HUNDRED

    @property
    def cost_saved(self) -> Decimal:
        return self.tickets_avoided * self.ticket_cost


def staff_ids(community: Community) -> QuerySet:
    """The community's staff by current role (a subquery, never evaluated on its own)."""
    return Membership.objects.filter(community=community, role__in=STAFF_ROLES).values("user_id")


def solved_in(community: Community, window: Window) -> QuerySet[Question]:
    """Questions whose standing accepted answer was accepted in the window."""
    return Question.objects.filter(
        community=community,
        accepted_answer__isnull=False,
        accepted_at__gte=window.start_at,
        accepted_at__lt=window.end_at,
        topic__deleted_at__isnull=True,
    )


def _views_from_acceptance(queryset: QuerySet[TopicViewDay]) -> QuerySet[TopicViewDay]:
    """Only the days on or after the one the question's standing answer was accepted."""
    return queryset.filter(day__gte=TruncDate("topic__question__accepted_at", tzinfo=UTC))


def deflection(community: Community, window: Window) -> Deflection:
    """The window's deflection figures: three queries."""
    solved_days = {
        row["day"]: row
        for row in solved_in(community, window)
        .annotate(day=TruncDate("accepted_at", tzinfo=UTC))
        .values("day")
        .annotate(
            solved=Count("pk"),
            by_staff=Count("pk", filter=Q(accepted_answer__author_id__in=staff_ids(community))),
        )
        .order_by("day")
    }
    views = _views_from_acceptance(
        TopicViewDay.objects.filter(
            community=community,
            day__gte=window.start,
            day__lte=window.end,
            topic__question__accepted_answer__isnull=False,
            topic__deleted_at__isnull=True,
        )
    )
    view_days = dict(views.values("day").annotate(n=Sum("views")).values_list("day", "n"))
    viewed_questions = views.aggregate(n=Count("topic", distinct=True))["n"] or 0
    days = []
    for day in window.dates():
        row = solved_days.get(day, {"solved": 0, "by_staff": 0})
        days.append(
            DeflectionDay(
                day=day,
                solved=row["solved"],
                solved_by_members=row["solved"] - row["by_staff"],
                answer_views=view_days.get(day) or 0,
            )
        )
    return Deflection(
        window=window,
        solved=sum(d.solved for d in days),
        solved_by_members=sum(d.solved_by_members for d in days),
        answer_views=sum(d.answer_views for d in days),
        viewed_questions=viewed_questions,
        days=tuple(days),
    )


def settings_for(community: Community) -> BenefitSettings:
    """The community's saved assumptions, or the defaults (an unsaved row)."""
    return BenefitSettings.objects.filter(community=community).first() or BenefitSettings(
        community=community
    )


def estimate(figures: Deflection, assumptions: BenefitSettings) -> Estimate:
    return Estimate(
        answer_views=figures.answer_views,
        share_percent=Decimal(assumptions.ticket_share_percent),
        ticket_cost=Decimal(assumptions.ticket_cost),
        currency=assumptions.currency,
    )


# Drill-downs: the questions and members behind a figure ---------------------------------


def _readable(actor: Actor, community: Community, questions: QuerySet[Question]):
    """Only questions the viewer may open are named (a moderator never sees an admins-only
    title); the figures count them all."""
    return questions.filter(topic__in=discussion_policy.visible_topics(actor, community))


def _with_people(community: Community, questions: QuerySet[Question]) -> QuerySet[Question]:
    """With whoever asked and answered, and whether the answer came from staff."""
    return questions.select_related("topic__category", "asker", "accepted_answer__author").annotate(
        by_staff=Exists(staff_ids(community).filter(user_id=OuterRef("accepted_answer__author_id")))
    )


def solved_questions(actor: Actor, community: Community, window: Window) -> QuerySet[Question]:
    """The window's solved questions the viewer may open, latest first."""
    return _with_people(
        community, _readable(actor, community, solved_in(community, window))
    ).order_by("-accepted_at", "-topic_id")


def viewed_questions(actor: Actor, community: Community, window: Window) -> QuerySet[Question]:
    """Solved questions the viewer may open by their answer views in the window, most read
    first (``window_views``)."""
    views = _views_from_acceptance(
        TopicViewDay.objects.filter(community=community, day__gte=window.start, day__lte=window.end)
    )
    questions = Question.objects.filter(
        community=community,
        accepted_answer__isnull=False,
        topic__deleted_at__isnull=True,
        topic__in=views.values("topic"),
    )
    return (
        _with_people(community, _readable(actor, community, questions))
        .annotate(window_views=_window_views(community, window))
        .order_by("-window_views", "-topic_id")
    )


def _window_views(community: Community, window: Window):
    rows = (
        _views_from_acceptance(
            TopicViewDay.objects.filter(
                community=community,
                day__gte=window.start,
                day__lte=window.end,
                topic_id=OuterRef("topic_id"),
            )
        )
        .order_by()
        .values("topic_id")
        .annotate(n=Sum("views"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def views_of(community: Community, window: Window, topic_ids: list[int]) -> dict[int, int]:
    """Answer views in the window of these questions (one query, for a page of them)."""
    if not topic_ids:
        return {}
    rows = (
        _views_from_acceptance(
            TopicViewDay.objects.filter(
                community=community,
                day__gte=window.start,
                day__lte=window.end,
                topic_id__in=topic_ids,
            )
        )
        .values("topic_id")
        .annotate(n=Sum("views"))
        .values_list("topic_id", "n")
    )
    return dict(rows)


def member_answerers(community: Community, window: Window) -> QuerySet:
    """Members (not staff) whose answers were accepted in the window, most first: rows of
    ``author`` (a user id) and ``solved``."""
    return (
        solved_in(community, window)
        .exclude(accepted_answer__author_id__in=staff_ids(community))
        .exclude(accepted_answer__author_id=None)
        .values(author=F("accepted_answer__author_id"))
        .annotate(solved=Count("pk"))
        .order_by("-solved", "author")
    )
