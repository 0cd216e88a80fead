import threading
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from hearth.audience.models import AudienceDay, ReferrerDay, SourceVisitDay, VisitorDay
from hearth.audience.recording import PageView, buffer
from hearth.audience.services import page_views_save, visitor_hashes_prune
from hearth.testing.factories import community_factory

DAY = date(2025, 3, 3)


def view(community, visitor, *, day=DAY, referrer="", source="", campaign=""):
    return PageView(community.pk, day, visitor, referrer, source, campaign)


def test_a_flush_writes_the_day_aggregates(community, django_assert_num_queries):
    for v in [
        view(community, 1, referrer="google.com"),
        view(community, 1),
        view(community, 2, source="newsletter", campaign="march"),
        view(community, 2, source="newsletter", campaign="march"),
        view(community, 3, referrer="google.com"),
        view(community, 3, referrer="news.ycombinator.com"),
    ]:
        buffer.add(v)

    # communities still there, visitors, sources, day totals, referrers (+ the flush's
    # savepoint, and best_effort's, as the test runs inside a transaction)
    with django_assert_num_queries(9):
        assert buffer.flush() == 6

    day = AudienceDay.objects.get(community=community, day=DAY)
    assert (day.page_views, day.visitors) == (6, 3)
    assert VisitorDay.objects.filter(community=community, day=DAY).count() == 3
    assert dict(ReferrerDay.objects.values_list("host", "views")) == {
        "google.com": 2,
        "news.ycombinator.com": 1,
    }
    assert list(SourceVisitDay.objects.values_list("source", "campaign", "visitor_hash")) == [
        ("newsletter", "march", 2)
    ]


def test_an_empty_flush_writes_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert buffer.flush() == 0


def test_repeated_flushes_add_views_but_count_each_visitor_once(community):
    batch = [view(community, 1, source="ig"), view(community, 2, referrer="google.com")]

    page_views_save(batch)
    page_views_save(batch)  # the same visitors again, e.g. from another process
    page_views_save([view(community, 3)])

    day = AudienceDay.objects.get(community=community, day=DAY)
    assert (day.page_views, day.visitors) == (5, 3)
    assert VisitorDay.objects.count() == 3
    assert SourceVisitDay.objects.count() == 1
    assert ReferrerDay.objects.get().views == 2


def test_days_and_communities_are_kept_apart(community, owner):
    other = community_factory(owner=owner, slug="other")
    page_views_save(
        [
            view(community, 1),
            view(community, 1, day=DAY + timedelta(days=1)),
            view(other, 1),
        ]
    )

    assert sorted(AudienceDay.objects.values_list("community__slug", "day", "visitors")) == [
        ("garden", DAY, 1),
        ("garden", DAY + timedelta(days=1), 1),
        ("other", DAY, 1),
    ]


def test_a_big_batch_is_written_in_chunks(community):
    page_views_save([view(community, n, referrer=f"site{n % 700}.example") for n in range(1200)])

    day = AudienceDay.objects.get()
    assert (day.page_views, day.visitors) == (1200, 1200)
    assert ReferrerDay.objects.count() == 700


def test_views_of_a_deleted_community_are_dropped(community, owner):
    doomed = community_factory(owner=owner, slug="doomed")
    views = [view(community, 1), view(doomed, 1)]
    doomed.delete()

    page_views_save(views)

    assert list(AudienceDay.objects.values_list("community__slug", "page_views")) == [("garden", 1)]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers; PG runs them at once"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_flushes_count_each_visitor_once(owner):
    community = community_factory(owner=owner, slug="busy")
    flushes = 6
    start = threading.Barrier(flushes)
    errors = []

    def flush(n):
        # Every flush sees visitors 0..99 and 20 of its own, in its own order.
        visitors = list(range(100)) + [1000 + n * 100 + i for i in range(20)]
        visitors = visitors[n:] + visitors[:n]
        try:
            start.wait()
            page_views_save([view(community, v, referrer="google.com") for v in visitors])
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=flush, args=(n,)) for n in range(flushes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    day = AudienceDay.objects.get(community=community)
    assert day.page_views == flushes * 120
    assert day.visitors == 100 + flushes * 20 == VisitorDay.objects.count()
    assert ReferrerDay.objects.get().views == flushes * 120


def test_prune_deletes_old_hashes_and_keeps_the_totals(community):
    today = timezone.now().date()
    old, recent = today - timedelta(days=401), today - timedelta(days=399)
    page_views_save(
        [
            view(community, 1, day=old, source="ig", referrer="google.com"),
            view(community, 2, day=recent, source="ig"),
        ]
    )

    call_command("audience", "prune", "--days", "400")

    assert list(VisitorDay.objects.values_list("day", flat=True)) == [recent]
    assert list(SourceVisitDay.objects.values_list("day", flat=True)) == [recent]
    assert AudienceDay.objects.count() == 2
    assert ReferrerDay.objects.get().day == old


def test_prune_returns_how_many_rows_went(community):
    page_views_save([view(community, 1, source="ig"), view(community, 2)])
    assert visitor_hashes_prune(before=DAY + timedelta(days=1)) == 3
    assert visitor_hashes_prune(before=DAY + timedelta(days=1)) == 0


@pytest.mark.parametrize("days", ["0", "-5"])
def test_prune_refuses_a_retention_under_a_day(db, days):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("audience", "prune", "--days", days)
