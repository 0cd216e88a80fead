"""The deflection figures and the estimate against a week worked out by hand."""

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from hearth.analytics.dashboard import Window
from hearth.audience.models import TopicViewDay
from hearth.benefits import deflection
from hearth.benefits.models import BenefitSettings
from hearth.discussions.models import Topic
from hearth.testing.factories import community_factory

WEEK = Window(date(2026, 3, 1), date(2026, 3, 7))


def at(day: int, hour: int = 12, month: int = 3) -> datetime:
    return datetime.combine(date(2026, month, day), time(hour), tzinfo=UTC)


def d(day: int, month: int = 3) -> date:
    return date(2026, month, day)


@pytest.fixture
def week(ask, view, newcomer, member, moderator, admin, topic):
    """
    q1: asked by the newcomer, answered by the member, accepted 2 Mar 10:00.
        1 Mar: 4 views (before the answer: not counted); 2 Mar: 3 by others, 2 by the
        asker (not counted); 5 Mar: 5 signed out.                         -> 8 counted
    q2: asked by the member, answered by the moderator (staff), accepted 3 Mar.
        4 Mar: 2 by the admin.                                            -> 2 counted
    q3: solved on 20 Feb (before the window) by the member; 6 Mar: 10.   -> 10 counted
    q4: never solved; 3 Mar: 7 views.                                     -> 0
    q5: accepted 8 Mar 00:00 (after the window); 7 Mar: 1 view.          -> 0
    q6: solved 4 Mar by the member, then deleted; 4 Mar: 6 views.        -> not counted
    A discussion topic's views are never recorded.
    """
    q1 = ask(newcomer, member, at(2, 10), title="Roses")
    view(q1, d(1), member, n=4)
    view(q1, d(2), admin, n=3)
    view(q1, d(2), newcomer, n=2)
    view(q1, d(5), None, n=5)
    q2 = ask(member, moderator, at(3), title="Tulips")
    view(q2, d(4), admin, n=2)
    q3 = ask(newcomer, member, at(20, month=2), title="Soil")
    view(q3, d(6), None, n=10)
    q4 = ask(newcomer, title="Unsolved")
    view(q4, d(3), None, n=7)
    q5 = ask(newcomer, member, at(8, 0), title="Late")
    view(q5, d(7), None, n=1)
    q6 = ask(newcomer, member, at(4), title="Deleted")
    view(q6, d(4), None, n=6)
    Topic.objects.filter(pk=q6.pk).update(deleted_at=at(5))
    view(topic, d(4), None, n=9)
    return {"q1": q1, "q2": q2, "q3": q3}


def test_the_week_matches_the_hand_count(db, community, week):
    figures = deflection.deflection(community, WEEK)
    assert figures.solved == 2
    assert figures.solved_by_members == 1 and figures.solved_by_staff == 1
    assert figures.member_share == Decimal(1) / 2
    assert figures.answer_views == 8 + 2 + 10
    assert figures.viewed_questions == 3
    by_day = {row.day: row for row in figures.days}
    assert len(figures.days) == 7 and figures.days[0].day == d(1)
    assert (by_day[d(2)].solved, by_day[d(2)].solved_by_members, by_day[d(2)].answer_views) == (
        1,
        1,
        3,
    )
    assert (by_day[d(3)].solved, by_day[d(3)].solved_by_members) == (1, 0)
    assert [by_day[d(n)].answer_views for n in range(1, 8)] == [0, 3, 0, 2, 5, 10, 0]


def test_the_asker_and_other_questions_are_not_counted_at_the_source(db, community, week):
    q1 = week["q1"]
    rows = dict(TopicViewDay.objects.filter(topic=q1).values_list("day", "views"))
    # The asker's two views on 2 Mar were never written.
    assert rows == {d(1): 4, d(2): 3, d(5): 5}
    assert not TopicViewDay.objects.exclude(topic__question__isnull=False).exists()


def test_a_view_recorded_for_another_community_is_dropped(db, community, ask, view, newcomer):
    elsewhere = community_factory(slug="elsewhere")
    q = ask(newcomer)
    view(q, d(2), None, n=3, community_id=elsewhere.pk)
    assert not TopicViewDay.objects.exists()


def test_the_estimate_is_views_times_share_times_cost(db, community, week):
    figures = deflection.deflection(community, WEEK)
    default = deflection.estimate(figures, deflection.settings_for(community))
    assert default.share_percent == 5 and default.ticket_cost == 15
    assert default.currency == "USD"
    assert default.tickets_avoided == Decimal("1") and default.cost_saved == Decimal("15")
    BenefitSettings.objects.create(
        community=community,
        ticket_share_percent=Decimal("12.5"),
        ticket_cost=Decimal("40"),
        currency="EUR",
    )
    chosen = deflection.estimate(figures, deflection.settings_for(community))
    assert chosen.tickets_avoided == Decimal("2.5") and chosen.cost_saved == Decimal("100")


def test_an_unaccepted_answer_no_longer_counts(db, community, ask, view, newcomer, member):
    from hearth.qa.models import Question

    q = ask(newcomer, member, at(2))
    view(q, d(3), None, n=4)
    assert deflection.deflection(community, WEEK).answer_views == 4
    Question.objects.filter(topic=q).update(accepted_answer=None, accepted_at=None)
    figures = deflection.deflection(community, WEEK)
    assert (figures.solved, figures.answer_views) == (0, 0)


def test_an_empty_window_is_all_zeros(db, community):
    figures = deflection.deflection(community, WEEK)
    assert (figures.solved, figures.answer_views, figures.viewed_questions) == (0, 0, 0)
    assert figures.member_share is None
    assert all(row.solved == row.answer_views == 0 for row in figures.days)


def test_the_figures_take_three_queries_whatever_the_window(
    db, community, week, django_assert_num_queries
):
    with django_assert_num_queries(3):
        deflection.deflection(community, WEEK)
    with django_assert_num_queries(3):
        deflection.deflection(community, Window(date(2025, 3, 8), WEEK.end))
