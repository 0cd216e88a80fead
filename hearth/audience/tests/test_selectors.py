from datetime import date, timedelta

import pytest

from hearth.audience.recording import PageView
from hearth.audience.selectors import (
    Audience,
    DayAudience,
    Referrer,
    audience_figures,
    visitors_by_campaign,
    visitors_by_source,
)
from hearth.audience.services import page_views_save
from hearth.testing.factories import community_factory

MON, TUE, WED, THU = (date(2025, 3, 3) + timedelta(days=n) for n in range(4))


@pytest.fixture
def traffic(community, owner):
    """Hand-counted: visitor 1 on Monday and Wednesday, 2 on Monday, 3 on Wednesday.

    Monday: 4 views (1, 1, 2, 2), 2 visitors; Tuesday: nothing; Wednesday: 3 views (1, 3, 3),
    2 visitors; Thursday (outside most ranges): 5 views by visitor 4.
    """
    g = community.pk
    page_views_save(
        [
            PageView(g, MON, 1, "google.com", "newsletter", "march"),
            PageView(g, MON, 1, "", "", ""),
            PageView(g, MON, 2, "news.ycombinator.com", "instagram", ""),
            PageView(g, MON, 2, "google.com", "", ""),
            PageView(g, WED, 1, "", "newsletter", "april"),
            PageView(g, WED, 3, "google.com", "newsletter", "march"),
            PageView(g, WED, 3, "", "", ""),
            *[PageView(g, THU, 4, "bing.com", "youtube", "") for _ in range(5)],
        ]
    )
    # Another community's traffic never shows up in the garden's figures.
    other = community_factory(owner=owner, slug="other")
    page_views_save([PageView(other.pk, MON, 1, "google.com", "newsletter", "march")] * 3)


def test_audience_figures_exact_values(community, traffic):
    assert audience_figures(community, MON, THU) == Audience(
        start=MON,
        end=THU,
        page_views=7,
        unique_visitors=3,  # 1, 2 and 3: visitor 1 counts once over the range
        days=(DayAudience(MON, 4, 2), DayAudience(TUE, 0, 0), DayAudience(WED, 3, 2)),
        referrers=(Referrer("google.com", 3), Referrer("news.ycombinator.com", 1)),
    )


def test_a_one_day_range(community, traffic):
    figures = audience_figures(community, THU, THU + timedelta(days=1))
    assert (figures.page_views, figures.unique_visitors) == (5, 1)
    assert figures.days == (DayAudience(THU, 5, 1),)
    assert figures.referrers == (Referrer("bing.com", 5),)


def test_a_range_without_traffic_is_all_zeros(community, traffic):
    start = date(2020, 1, 1)
    figures = audience_figures(community, start, start + timedelta(days=28))
    assert (figures.page_views, figures.unique_visitors, figures.referrers) == (0, 0, ())
    assert len(figures.days) == 28
    assert {(d.page_views, d.visitors) for d in figures.days} == {(0, 0)}


def test_the_top_referrers_are_ten_most_viewed_first(community):
    page_views_save(
        [
            PageView(community.pk, MON, n, f"site{n:02}.example", "", "")
            for n in range(15)
            for _ in range(n + 1)
        ]
    )
    referrers = audience_figures(community, MON, TUE).referrers
    assert [r.host for r in referrers] == [f"site{n:02}.example" for n in range(14, 4, -1)]
    assert referrers[0].views == 15


@pytest.mark.parametrize("start, end", [(WED, MON), (MON, MON)])
def test_a_range_must_end_after_it_starts(community, start, end):
    for selector in (audience_figures, visitors_by_source, visitors_by_campaign):
        with pytest.raises(ValueError, match="end after"):
            selector(community, start, end)


def test_visitors_by_source_exact_values(community, traffic):
    # newsletter: visitor 1 (Mon, Wed) and 3; instagram: visitor 2.
    assert visitors_by_source(community, MON, THU) == {"newsletter": 2, "instagram": 1}
    assert visitors_by_source(community, MON, date(2025, 4, 1)) == {
        "youtube": 1,
        "newsletter": 2,
        "instagram": 1,
    }
    assert visitors_by_source(community, TUE, WED) == {}


def test_visitors_by_campaign_exact_values(community, traffic):
    assert visitors_by_campaign(community, MON, THU) == {
        ("newsletter", "march"): 2,
        ("instagram", ""): 1,
        ("newsletter", "april"): 1,
    }


def _busy(community, days: int, visitors_per_day: int):
    page_views_save(
        [
            PageView(
                community.pk, MON + timedelta(days=d), v, f"r{v % 30}.example", f"s{v % 7}", ""
            )
            for d in range(days)
            for v in range(visitors_per_day)
        ]
    )


@pytest.mark.parametrize("days, visitors", [(1, 1), (30, 60)])
def test_query_counts_stay_the_same_whatever_the_traffic(
    community, django_assert_num_queries, days, visitors
):
    _busy(community, days, visitors)
    end = MON + timedelta(days=30)
    with django_assert_num_queries(3):
        audience_figures(community, MON, end)
    with django_assert_num_queries(1):
        visitors_by_source(community, MON, end)
    with django_assert_num_queries(1):
        visitors_by_campaign(community, MON, end)
