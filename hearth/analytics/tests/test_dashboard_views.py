"""The health dashboard's pages: who may open them, the window selector, empty states,
query counts, drill-downs and the CSV export."""

import csv
import io
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hearth.analytics import display, rollups
from hearth.analytics.dashboard import Window
from hearth.analytics.forms import MAX_DAYS, parse_window, utc_today
from hearth.analytics.models import DashboardSnapshot
from hearth.analytics.tests.test_dashboard_seed import seed_history
from hearth.communities.models import Community, Membership, Role
from hearth.core.models import InteractionEvent
from hearth.discussions.models import Post
from hearth.testing.factories import (
    community_factory,
    membership_factory,
    user_factory,
)


def url(community, name="health", *args, **params):
    path = reverse(f"analytics:{name}", args=[community.slug, *args])
    return f"{path}?{urlencode(params)}" if params else path


def signed_in(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def as_owner(client, owner):
    return signed_in(client, owner)


# Who may look --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, status",
    [
        ("owner", 200),
        ("admin", 200),
        ("moderator", 200),
        ("member", 404),
        ("newcomer", 404),
        ("banned", 404),
        ("outsider", 404),
        ("anonymous", 404),
    ],
)
@pytest.mark.parametrize("page", ["health", "health-export", "health-drilldown"])
def test_only_this_communitys_staff_may_look(client, community, personas, persona, status, page):
    args = ["newcomers"] if page == "health-drilldown" else []
    response = signed_in(client, personas[persona]).get(url(community, page, *args))
    assert response.status_code == status


def test_staff_of_another_community_and_platform_staff_get_404(client, community):
    elsewhere = community_factory(slug="elsewhere")
    moderator = membership_factory(elsewhere, role=Role.MODERATOR).user
    assert signed_in(client, moderator).get(url(community)).status_code == 404
    platform = user_factory(username="root", is_staff=True, is_superuser=True)
    assert signed_in(client, platform).get(url(community)).status_code == 404


def test_the_health_tab_shows_for_staff_only(client, community, moderator, member):
    home = reverse("communities:home", args=[community.slug])
    assert url(community) in signed_in(client, moderator).get(home).content.decode()
    client.logout()
    assert url(community) not in signed_in(client, member).get(home).content.decode()


# The window -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, message",
    [
        ({"start": "2025-03-10", "end": "2025-03-01"}, "The end date is before the start date."),
        ({"start": "2025-01-01", "end": "2099-01-01"}, "The range ends in the future"),
        ({"start": "2020-01-01", "end": "2025-01-01"}, f"at most {MAX_DAYS} days"),
        ({"start": "yesterday", "end": "2025-01-01"}, "Enter a valid date."),
        ({"start": "2025-02-30", "end": "2025-03-01"}, "Enter a valid date."),
        ({"start": "2025-01-01"}, "Choose both a start and an end date."),
        ({"days": "1000"}, "Select a valid choice."),
        ({"days": "<script>"}, "Select a valid choice."),
    ],
)
def test_a_bad_window_shows_a_message_and_the_default(as_owner, community, params, message):
    response = as_owner.get(url(community, **params))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Showing the last 28 days instead." in page
    assert response.context["window"].days == 28


def test_a_custom_window_and_its_previous_one(as_owner, community):
    today = utc_today()
    start, end = today - timedelta(days=9), today - timedelta(days=5)
    response = as_owner.get(url(community, start=start.isoformat(), end=end.isoformat()))
    d = response.context["d"]
    assert d.window == Window(start, end)
    assert d.previous_window == Window(start - timedelta(days=5), start - timedelta(days=1))
    assert response.context["custom"] is True


def test_the_custom_range_is_folded_and_writes_its_dates_as_the_page_does(as_owner, community):
    today = utc_today()
    start, end = today - timedelta(days=9), today - timedelta(days=5)
    preset = as_owner.get(url(community, days=7)).content.decode()
    # Folded under the presets, starting from the window shown.
    assert '<details class="window-custom">' in preset
    assert f'value="{(today - timedelta(days=6)).isoformat()}"' in preset
    assert f">{today.day} {today:%b} {today.year}</span>" in preset
    assert 'action=""' not in preset

    custom = as_owner.get(url(community, start=start.isoformat(), end=end.isoformat()))
    page = custom.content.decode()
    assert '<details class="window-custom" open>' in page
    assert "window-custom__toggle--active" in page
    assert f">{start.day} {start:%b} {start.year}</span>" in page
    assert f">{end.day} {end:%b} {end.year}</span>" in page

    bad = as_owner.get(url(community, start="2026-01-10", end="2026-01-01")).content.decode()
    assert '<details class="window-custom" open>' in bad
    assert 'value="2026-01-10"' in bad


def test_the_charts_script_is_the_small_build_loaded_when_needed(as_owner, community):
    page = as_owner.get(url(community)).content.decode()
    assert "echarts.min.js" not in page
    assert 'data-charts-src="/static/hearth/charts/echarts-health.js"' in page
    assert page.count("<script") == page.count('<script src="') + 1  # + the data block


@pytest.mark.parametrize("days", [7, 28, 90])
def test_presets_end_today(days):
    today = utc_today()
    window, form, custom = parse_window({"days": str(days)}, today)
    assert window == Window(today - timedelta(days=days - 1), today) and not custom


def test_a_window_of_366_days_is_allowed():
    today = utc_today()
    window, form, _custom = parse_window(
        {"start": (today - timedelta(days=365)).isoformat(), "end": today.isoformat()}, today
    )
    assert not form.errors and window.days == 366


# Empty states -----------------------------------------------------------------------------


def test_a_brand_new_community_renders_without_figures(client, db):
    owner = user_factory(username="fresh_owner")
    fresh = community_factory(owner=owner, slug="fresh")
    InteractionEvent.objects.filter(community=fresh).delete()
    response = signed_in(client, owner).get(url(fresh, days=90))
    page = response.content.decode()
    assert response.status_code == 200
    assert "This community has no recorded activity yet." in page
    assert "—" in page  # shares with an empty denominator


def test_a_quiet_window_and_a_window_longer_than_the_data(as_owner, community):
    today = utc_today()
    quiet = as_owner.get(url(community, start="2025-01-01", end="2025-01-31")).content.decode()
    assert "Nothing happened in this window." in quiet
    assert "first recorded activity is on" in quiet
    long = as_owner.get(
        url(community, start=(today - timedelta(days=300)).isoformat(), end=today.isoformat())
    )
    assert "starts before the community's first recorded activity" in long.content.decode()


# The seeded story -----------------------------------------------------------------------


@pytest.fixture
def history(community, owner):
    return seed_history(community, owner)


def test_the_dashboard_tells_the_seeded_story(as_owner, history):
    response = as_owner.get(url(history.community))
    page = response.content.decode()
    cards = {f.key: f for f in response.context["figures"]}
    assert cards["newcomer-welcome-rate"].value == "50%"
    assert cards["member-support-share"].value == "100%"
    assert "2</strong> newcomers got no reply within 24 h" in page
    assert 'id="health-data"' in page
    # Every chart has its numbers in a table rendered on the server.
    assert page.count('data-chart="') <= page.count('class="chart-table"') + 1


def _queries(client, path) -> int:
    # What computing the page costs, once the worker has folded the events into the rollups.
    community = Community.objects.get(slug=path.split("/")[2])
    rollups.update(community)
    client.get(path)  # the bell's count kept (hearth.notifications.bell), as on any visit
    DashboardSnapshot.objects.filter(community=community).delete()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _more_activity(history, n: int) -> None:
    """n more reactions and replies from the existing people, today."""
    people = list(history.people.values())
    topic = history.topics["ben_t"]
    InteractionEvent.objects.bulk_create(
        InteractionEvent(
            community=history.community,
            actor=people[i % len(people)],
            target_user=people[(i + 1) % len(people)],
            verb="post.react" if i % 2 else "post.reply",
            data={"topic": topic.pk},
            created_at=topic.created_at + timedelta(days=30, minutes=i),
        )
        for i in range(n)
    )


@pytest.mark.parametrize(
    "name, args",
    [
        ("health", []),
        ("health-export", []),
        ("health-drilldown", ["newcomers"]),
        ("health-drilldown", ["relationships"]),
        ("health-drilldown", ["slipping"]),
        ("health-drilldown", ["unanswered-questions"]),
    ],
)
def test_query_count_does_not_grow_with_events(
    as_owner, history, django_assert_num_queries, name, args
):
    path = url(history.community, name, *args)
    small = _queries(as_owner, path)
    _more_activity(history, 300)
    rollups.update(history.community)
    DashboardSnapshot.objects.all().delete()
    with django_assert_num_queries(small):
        as_owner.get(path)


# Drill-downs ------------------------------------------------------------------------------


def test_newcomers_without_a_reply_link_to_their_first_post(as_owner, history):
    response = as_owner.get(url(history.community, "health-drilldown", "newcomers"))
    page = response.content.decode()
    assert [row.user.username for row in response.context["rows"]] == ["dan", "finn"]
    dan = history.topics["dan_t"]
    link = reverse("discussions:topic", args=[history.community.slug, dan.slug, dan.pk])
    assert f'href="{link}#post-1"' in page
    assert "Welcome them" in page


def test_drilldowns_list_their_members_and_topics(as_owner, history):
    def rows(metric, **params):
        response = as_owner.get(url(history.community, "health-drilldown", metric, **params))
        assert response.status_code == 200
        return response.context["rows"]

    assert [r.topic.pk for r in rows("unanswered-questions")] == [history.topics["finn_q"].pk]
    # Topics include ideas: ann's idea got votes and a status, but no reply.
    assert {r.topic.pk for r in rows("unanswered-topics")} == {
        history.topics["dan_t"].pk,
        history.topics["ann_idea"].pk,
    }
    assert sorted(r.user.username for r in rows("never-answered")) == ["dan", "finn"]
    pairs = rows("relationships")
    assert {pairs[0].user.username, pairs[0].other.username} == {"ben", "cat"}
    assert pairs[0].is_relationship
    cohort = Membership.objects.get(user=history.people["finn"]).joined_at.date()
    week = cohort - timedelta(days=cohort.weekday())
    assert "finn" in [r.user.username for r in rows("cohort", week=week.isoformat())]


@pytest.mark.parametrize(
    "metric, params",
    [
        ("nonsense", {}),
        ("cohort", {}),
        ("cohort", {"week": "garbage"}),
        ("cohort", {"week": "2001-01-01"}),
    ],
)
def test_unknown_drilldowns_are_404(as_owner, community, metric, params):
    assert as_owner.get(url(community, "health-drilldown", metric, **params)).status_code == 404


def test_drilldowns_paginate(as_owner, history, monkeypatch):
    monkeypatch.setattr("hearth.analytics.views.PER_PAGE", 1)
    first = as_owner.get(url(history.community, "health-drilldown", "newcomers"))
    second = as_owner.get(url(history.community, "health-drilldown", "newcomers", page=2))
    assert [r.user.username for r in first.context["rows"]] == ["dan"]
    assert [r.user.username for r in second.context["rows"]] == ["finn"]
    assert "page=2" in first.content.decode()


# CSV --------------------------------------------------------------------------------------


def test_the_csv_has_one_row_per_day_with_the_documented_columns(as_owner, history):
    response = as_owner.get(url(history.community, "health-export", days=7))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [column for column, _value in display.CSV_COLUMNS]
    assert len(rows) == 1 + 7
    assert rows[-1][0] == utc_today().isoformat()
    d = as_owner.get(url(history.community, days=7)).context["d"]
    assert [int(r[1]) for r in rows[1:]] == [day.active for day in d.days]


def test_csv_cells_cannot_start_a_formula(as_owner, history, monkeypatch):
    columns = (*display.CSV_COLUMNS, ("note", lambda row: '=HYPERLINK("http://evil")'))
    monkeypatch.setattr(display, "CSV_COLUMNS", columns)
    rows = list(
        csv.reader(
            io.StringIO(as_owner.get(url(history.community, "health-export")).content.decode())
        )
    )
    assert all(row[-1] == '\'=HYPERLINK("http://evil")' for row in rows[1:])


def test_contributions_are_answers_and_ideas(history):
    from datetime import UTC, datetime

    rollups.update(history.community)
    since = datetime(2000, 1, 1, tzinfo=UTC).date()
    days = rollups.active_days(
        history.community, since, datetime.now(UTC).date() + timedelta(days=1), contributions=True
    )
    people = history.people
    topics = history.topics
    answer = Post.objects.get(topic=topics["cat_q"], author=people["ben"])
    assert days[people["ben"].pk] == {answer.created_at.date()}
    assert days[people["ann"].pk] == {topics["ann_idea"].created_at.date()}
    assert people["cat"].pk not in days  # replies in a discussion are not answers


def test_page_export_and_drilldowns_share_one_computation_until_events_arrive(
    as_owner, history, monkeypatch
):
    from hearth.analytics import dashboard, snapshots

    builds = []
    real = dashboard.build_dashboard
    monkeypatch.setattr(
        dashboard, "build_dashboard", lambda *a, **k: builds.append(1) or real(*a, **k)
    )
    for name, args in (("health", []), ("health-export", []), ("health-drilldown", ["newcomers"])):
        assert as_owner.get(url(history.community, name, *args)).status_code == 200
    assert len(builds) == 1
    # New events show once the snapshot is refreshed: by the worker, or when it is too old.
    _more_activity(history, 3)
    as_owner.get(url(history.community))
    assert len(builds) == 1
    DashboardSnapshot.objects.update(made_at=timezone.now() - snapshots.SNAPSHOT_MAX_AGE)
    as_owner.get(url(history.community))
    assert len(builds) == 2


def test_a_fresh_snapshot_is_one_read(as_owner, history, django_assert_max_num_queries):
    as_owner.get(url(history.community))
    # session, user, community, actor, rollup state… (+ the rollup catch-up's savepoint,
    # which only a test's transaction brings: see hearth.core.db.best_effort), and the
    # notification bell's count
    with django_assert_max_num_queries(15):
        assert as_owner.get(url(history.community)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_worker_refreshes_snapshots_that_someone_opened_today(community, owner, member, topic):
    from hearth.analytics import snapshots
    from hearth.analytics.forms import preset_window, utc_today
    from hearth.core.actor import Actor
    from hearth.discussions import services as discussion_services

    window = preset_window(28, utc_today())
    before = snapshots.dashboard_for(community, window)
    DashboardSnapshot.objects.update(made_at=timezone.now() - timedelta(hours=1))
    discussion_services.post_reply(actor=Actor.for_user(member, community), topic=topic, body="Hi")
    after = snapshots.dashboard_for(community, window)
    assert after.days[-1].posts == before.days[-1].posts + 1
    assert DashboardSnapshot.objects.get().made_at > timezone.now() - timedelta(minutes=1)


# The page never computes: the worker does ------------------------------------------------


class Queue(list):
    """Snapshot computations queued for the worker, which runs them only when told."""

    def __init__(self, task):
        super().__init__()
        self.task = task

    def enqueue(self, *args):
        self.append(args)

    def run(self):
        for args in self:
            self.task.call(*args)
        self.clear()


@pytest.fixture
def queued(monkeypatch):
    from hearth.analytics import tasks

    queue = Queue(tasks.compute_snapshot)
    monkeypatch.setattr(tasks, "compute_snapshot", queue)
    return queue


def test_without_a_snapshot_the_pages_say_it_is_being_computed(
    as_owner, history, queued, monkeypatch
):
    from hearth.analytics import dashboard

    builds = []
    real = dashboard.build_dashboard
    monkeypatch.setattr(
        dashboard, "build_dashboard", lambda *a, **k: builds.append(1) or real(*a, **k)
    )
    community = history.community
    response = as_owner.get(url(community))
    assert response.status_code == 200
    page = response.content.decode()
    assert "being computed" in page
    assert '<noscript><meta http-equiv="refresh"' in page  # htmx asks again, else this
    assert 'data-hx-trigger="every 5s"' in page
    assert response["Cache-Control"] == "no-store"
    assert builds == []  # nothing computed on the request
    assert len(queued) == 1
    asked = as_owner.get(url(community), HTTP_HX_REQUEST="true")
    assert asked.status_code == 204 and "HX-Refresh" not in asked
    # Opening it again, its export and a drill-down queue nothing more.
    export = as_owner.get(url(community, "health-export"))
    assert export.status_code == 503 and export["Retry-After"]
    drill = as_owner.get(url(community, "health-drilldown", "slipping"))
    assert drill.status_code == 200 and "being computed" in drill.content.decode()
    as_owner.get(url(community))
    assert len(queued) == 1 and builds == []
    # The worker computes it; the page then shows the figures.
    queued.run()
    assert builds == [1]
    asked = as_owner.get(url(community), HTTP_HX_REQUEST="true")
    assert asked["HX-Refresh"] == "true"
    response = as_owner.get(url(community))
    assert "being computed" not in response.content.decode()
    assert response.context["figures"]
    assert queued == []


def test_an_old_snapshot_is_shown_while_the_worker_computes_a_new_one(as_owner, history, queued):
    from hearth.analytics import snapshots

    community = history.community
    as_owner.get(url(community))
    queued.run()
    before = as_owner.get(url(community)).context["d"]
    _more_activity(history, 4)
    DashboardSnapshot.objects.update(made_at=timezone.now() - snapshots.SNAPSHOT_MAX_AGE)
    shown = as_owner.get(url(community)).context["d"]
    assert shown.as_of == before.as_of  # the old figures, at once
    assert len(queued) == 1
    queued.run()
    after = as_owner.get(url(community)).context["d"]
    assert after.as_of > before.as_of
    assert sum(r.posts for r in after.days) > sum(r.posts for r in before.days)


def test_the_api_answers_503_while_the_figures_are_computed(client, history, owner, queued):
    from hearth.api import services
    from hearth.core.actor import Actor

    _key, full = services.api_key_create(actor=Actor.for_user(owner, history.community), name="k")
    path = f"/api/v1/communities/{history.community.slug}/health"
    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {full}")
    assert response.status_code == 503 and response["Retry-After"]
    assert response.json()["error"]["code"] == "computing"
    assert "being computed" in response.json()["error"]["message"]
    queued.run()
    assert client.get(path, HTTP_AUTHORIZATION=f"Bearer {full}").status_code == 200
