"""The rollups give exactly the figures the raw event log gives, however they were built:
in one rebuild or batch by batch, on the hand-computed town and on random logs."""

import dataclasses
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from hearth.analytics import metrics, rollups
from hearth.analytics.member_days import MemberDays
from hearth.analytics.models import MemberDay, PairDay, RollupState, ThreadFact
from hearth.analytics.tests.test_metrics import AS_OF, END, START, town  # noqa: F401
from hearth.analytics.tests.test_metrics_properties import (
    BASE,
    PEOPLE,
    conversation_st,
    event_st,
)
from hearth.communities.models import Membership, Role
from hearth.core.models import InteractionEvent
from hearth.testing.factories import community_factory, membership_factory, user_factory

DAY = timedelta(days=1)


def test_town_figures_from_rollups_equal_the_event_log(town):  # noqa: F811
    community, _ids = town
    rollups.rebuild(community)
    expected = metrics.health_report(community, START, END, as_of=AS_OF)
    assert rollups.health_report(community, START, END, as_of=AS_OF) == expected


def rollup_rows(community) -> dict[str, list[tuple]]:
    """Every row of every rollup table of the community, ids left out, sorted."""
    return {
        model.__name__: sorted(
            model.objects.filter(community=community).values_list(
                *(f.attname for f in model._meta.concrete_fields if not f.primary_key)
            )
        )
        for model in rollups.ROLLUP_MODELS
    }


def replay(community, batch: int) -> None:
    """The rollups from nothing by replaying the log in batches, as ``update`` does (a
    rebuild on PostgreSQL is computed in the database instead)."""
    RollupState.objects.filter(community=community).delete()
    for model in rollups.ROLLUP_MODELS:
        model.objects.filter(community=community).delete()
    rollups.BATCH, saved = batch, rollups.BATCH
    try:
        rollups.update(community, lag=timedelta(0))
    finally:
        rollups.BATCH = saved


def test_replaying_in_batches_equals_one_rebuild(town):  # noqa: F811
    community, _ids = town
    replay(community, 3)
    batched = rollups.health_report(community, START, END, as_of=AS_OF)
    rows = rollup_rows(community)
    assert rows["PairDay"] and rows["MemberFact"] and rows["ThreadFact"]
    replay(community, 5000)
    assert rollup_rows(community) == rows
    assert (
        rollups.rebuild(community) == InteractionEvent.objects.filter(community=community).count()
    )
    assert rollups.health_report(community, START, END, as_of=AS_OF) == batched
    assert rollup_rows(community) == rows
    assert RollupState.objects.get(community=community).last_event_id == (
        InteractionEvent.objects.filter(community=community).latest("id").pk
    )


def test_update_is_idempotent_and_waits_for_young_events(town):  # noqa: F811
    community, ids = town
    assert rollups.update(community, lag=timedelta(0)) > 0
    pairs = PairDay.objects.filter(community=community).count()
    assert rollups.update(community, lag=timedelta(0)) == 0
    assert PairDay.objects.filter(community=community).count() == pairs
    # An event recorded just now waits for the lag to pass before it is applied.
    InteractionEvent.objects.create(
        community=community, actor_id=ids["ann"], verb="post.react", target_user_id=ids["ben"],
        data={"topic": 3}, created_at=timezone.now(),
    )  # fmt: skip
    assert rollups.update(community, lag=timedelta(minutes=2)) == 0
    assert rollups.update(community, lag=timedelta(0)) == 1
    state = RollupState.objects.get(community=community)
    assert state.last_event_id == InteractionEvent.objects.latest("id").pk


def test_windows_must_be_whole_days(town):  # noqa: F811
    community, _ids = town
    with pytest.raises(ValueError):
        rollups.health_report(community, START + timedelta(hours=1), END)
    with pytest.raises(ValueError):
        rollups.health_report(community, END, START)


def test_reading_costs_the_same_whatever_the_event_count(town, django_assert_num_queries):  # noqa: F811
    community, ids = town
    rollups.rebuild(community)
    with django_assert_num_queries(9):
        rollups.health_report(community, START, END, as_of=AS_OF)
    InteractionEvent.objects.bulk_create(
        InteractionEvent(
            community=community,
            actor_id=ids["ann"],
            target_user_id=ids["ben"],
            verb="post.react",
            data={"topic": 3},
            created_at=START + timedelta(minutes=i),
        )  # fmt: skip
        for i in range(500)
    )
    rollups.update(community, lag=timedelta(0))
    with django_assert_num_queries(9):
        rollups.health_report(community, START, END, as_of=AS_OF)


def test_a_question_topic_start_is_not_a_topic(town):  # noqa: F811
    community, _ids = town
    rollups.rebuild(community)
    kinds = dict(ThreadFact.objects.filter(community=community).values_list("topic_id", "kind"))
    assert kinds[2] == "question" and kinds[3] == "topic"


class RollupsMatchTheEventLog(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = [user_factory() for _ in range(PEOPLE)]
        cls.community = community_factory(owner=cls.users[0])
        for user in cls.users[1:]:
            membership_factory(cls.community, user=user)
        cls.elsewhere = community_factory(owner=cls.users[1])

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        events=st.lists(event_st, min_size=15, max_size=80),
        conversations=st.lists(conversation_st(), max_size=6),
        messages=st.lists(
            st.tuples(
                st.integers(0, PEOPLE - 1), st.integers(0, PEOPLE - 1), st.integers(0, 9 * 24 * 60)
            ),
            max_size=6,
        ),
        staff=st.lists(st.booleans(), min_size=PEOPLE, max_size=PEOPLE),
        joins=st.lists(
            st.one_of(st.none(), st.integers(-5 * 24, 6 * 24)), min_size=PEOPLE, max_size=PEOPLE
        ),
        start_day=st.integers(-1, 2),
        length_days=st.integers(1, 9),
        as_of_minutes=st.integers(0, 130 * 24 * 60),
        batch=st.sampled_from([2, 7, 5000]),
    )
    def test_every_figure_matches(
        self,
        events,
        conversations,
        messages,
        staff,
        joins,
        start_day,
        length_days,
        as_of_minutes,
        batch,
    ):
        events = events + [e for conversation in conversations for e in conversation]
        ids = [u.pk for u in self.users]
        for user_id, is_staff, join in zip(ids, staff, joins, strict=True):
            Membership.objects.filter(community=self.community, user_id=user_id).update(
                role=Role.MODERATOR if is_staff else Role.MEMBER,
                joined_at=None if join is None else BASE + join * timedelta(hours=1),
            )
        rows = []
        for i, e in enumerate(events):
            data = {"topic": e["topic"]}
            if e["verb"] == "topic.create":
                data["kind"] = e["kind"]
            if e["verb"] in ("question.ask", "idea.propose", "idea.vote", "idea.status"):
                data = {"to": e["to"], "responded": e["responded"]}
            rows.append(
                InteractionEvent(
                    community=self.community,
                    created_at=BASE + timedelta(minutes=e["minute"], microseconds=i),
                    verb=e["verb"],
                    actor_id=None if e["actor"] is None else ids[e["actor"]],
                    target_user_id=None if e["target"] is None else ids[e["target"]],
                    object_id=e["topic"] if "topic" not in data else None,
                    data=data,
                )
            )
        for a, b, minute in messages:
            rows.append(
                InteractionEvent(
                    community=self.community,
                    created_at=BASE + timedelta(minutes=minute),
                    verb="message.send",
                    actor_id=ids[a],
                    target_user_id=ids[b],
                    data={"conversation": 1},
                )  # fmt: skip
            )
        # Services write in time order, so ids follow time: insert sorted.
        InteractionEvent.objects.bulk_create(sorted(rows, key=lambda r: r.created_at))
        InteractionEvent.objects.create(
            community=self.elsewhere, created_at=BASE, verb="post.reply",
            actor_id=ids[1], target_user_id=ids[2], data={"topic": 1},
        )  # fmt: skip
        replay(self.community, batch)
        batched = rollup_rows(self.community)
        rollups.rebuild(self.community)
        assert rollup_rows(self.community) == batched
        start = BASE + start_day * DAY
        end = start + length_days * DAY
        as_of = end + timedelta(minutes=as_of_minutes)
        expected = dataclasses.asdict(
            metrics.health_report(self.community, start, end, as_of=as_of)
        )
        actual = dataclasses.asdict(rollups.health_report(self.community, start, end, as_of=as_of))
        for key, value in expected.items():
            assert actual[key] == value, key


odd_data_st = st.fixed_dictionaries(
    {},
    optional={
        "topic": st.one_of(st.none(), st.integers(1, 5)),
        "kind": st.sampled_from(["questions", "discussion", 3, None]),
        "responded": st.sampled_from([True, False, None, 0, 1, 0.0, "", "yes", [], {}]),
        "to": st.sampled_from(["shipped", "planned", None, 1]),
    },
)


class RebuildWritesWhatTheReplayWrites(TestCase):
    """Whatever order the ids are in (PostgreSQL hands them out before commit, so they can
    disagree with time) and whatever ``data`` holds, a rebuild writes every row a replay
    in batches writes."""

    @classmethod
    def setUpTestData(cls):
        cls.users = [user_factory() for _ in range(PEOPLE)]
        cls.community = community_factory(owner=cls.users[0])

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        events=st.lists(event_st, min_size=5, max_size=60),
        conversations=st.lists(conversation_st(), max_size=5),
        odd=st.lists(st.tuples(event_st, odd_data_st, st.one_of(st.none(), st.integers(1, 5)))),
        order=st.randoms(use_true_random=False),
        batch=st.sampled_from([2, 7, 5000]),
    )
    def test_every_row_matches(self, events, conversations, odd, order, batch):
        ids = [u.pk for u in self.users]
        events = events + [e for conversation in conversations for e in conversation]
        shaped = []
        for e in events:
            data = {"topic": e["topic"]}
            if e["verb"] == "topic.create":
                data["kind"] = e["kind"]
            if e["verb"] in ("question.ask", "idea.propose", "idea.vote", "idea.status"):
                data = {"to": e["to"], "responded": e["responded"], "topic": e["topic"]}
            shaped.append((e, data, None))
        rows = [
            InteractionEvent(
                community=self.community,
                created_at=BASE + timedelta(minutes=e["minute"], microseconds=i),
                verb=e["verb"],
                actor_id=None if e["actor"] is None else ids[e["actor"]],
                target_user_id=None if e["target"] is None else ids[e["target"]],
                object_id=object_id,
                data=data,
            )
            for i, (e, data, object_id) in enumerate(shaped + odd)
        ]
        order.shuffle(rows)  # ids in any order
        InteractionEvent.objects.bulk_create(rows)
        replay(self.community, batch)
        replayed = rollup_rows(self.community)
        rollups.rebuild(self.community)
        assert rollup_rows(self.community) == replayed


def test_utc_midnight():
    assert rollups.utc_midnight(datetime(2024, 3, 4).date()) == datetime(2024, 3, 4, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_committed_events_reach_the_rollups_through_the_task(community, member, topic):
    from hearth.core.actor import Actor
    from hearth.discussions import services

    services.post_reply(actor=Actor.for_user(member, community), topic=topic, body="Hello!")
    today = timezone.now().date()
    assert MemberDay.objects.filter(community=community, day=today, user_id=member.pk).exists()
    assert RollupState.objects.get(community=community).last_event_id == (
        InteractionEvent.objects.filter(community=community).latest("id").pk
    )


def test_rebuild_command(town, capsys):  # noqa: F811
    from django.core.management import call_command
    from django.core.management.base import CommandError

    community, _ids = town
    call_command("analytics", "rebuild", "--community", community.slug)
    assert f"{community.slug}: " in capsys.readouterr().out
    assert rollups.health_report(community, START, END, as_of=AS_OF) == metrics.health_report(
        community, START, END, as_of=AS_OF
    )
    with pytest.raises(CommandError):
        call_command("analytics", "update", "--community", "nowhere")


@given(
    days=st.lists(st.sets(st.integers(0, 9), max_size=6), min_size=1, max_size=40),
    span=st.integers(1, 10),
)
def test_distinct_members_over_a_span_equal_a_union_per_day(days, span):
    assume(len(days) >= span)
    origin = date(2024, 1, 1)
    rows = [(origin.toordinal() + i, user) for i, users in enumerate(days) for user in users]
    member_days = MemberDays.__new__(MemberDays)  # the arrays without the query
    member_days.first, member_days.last = origin, origin + len(days) * DAY
    member_days.days = np.array([d for d, _ in rows], dtype=np.int64)
    member_days.users = np.array([u for _, u in rows], dtype=np.int64)
    member_days._distinct = {}
    expected = [len(set().union(*days[i - span + 1 : i + 1])) for i in range(span - 1, len(days))]
    first = origin + (span - 1) * DAY
    assert member_days.distinct(first, len(expected), span) == expected


def test_a_reply_in_ones_own_question_is_not_an_answer(db):
    """The contributor ladder's "answered someone else's question" (PRODUCT.md): the asker
    replying in their own question topic contributes nothing; another member's reply does."""
    asker, helper = user_factory(), user_factory()
    community = community_factory(owner=user_factory())
    for user in (asker, helper):
        membership_factory(community, user=user)
    day = datetime(2024, 3, 4, 9, tzinfo=UTC)

    def event(minutes, verb, actor, target=None, **data):
        InteractionEvent.objects.create(
            community=community, created_at=day + timedelta(minutes=minutes), verb=verb,
            actor=actor, target_user=target, object_id=data.pop("obj", None), data=data,
        )  # fmt: skip

    event(0, "topic.create", asker, topic=7, kind="questions")
    event(0, "question.ask", asker, obj=7)
    event(5, "post.reply", asker, asker, topic=7)  # the asker adds details
    event(60 * 24 + 5, "post.reply", helper, asker, topic=7)  # the next day: an answer
    event(60 * 24 + 9, "post.reply", asker, helper, topic=7)  # the asker thanks them
    rollups.rebuild(community)
    contributed = rollups.active_days(
        community, day.date(), day.date() + 3 * DAY, contributions=True
    )
    assert contributed == {helper.pk: {day.date() + DAY}}


def test_graph_edges_and_window_pairs_give_what_the_pairs_merged_in_python_give(town):  # noqa: F811
    from hearth.analytics.dashboard import RelationshipRow, relationship_rows
    from hearth.analytics.graph import _merged, interaction_graph
    from hearth.analytics.graph_edges import graph_edges, window_pairs

    community, ids = town
    rollups.rebuild(community)
    first, last = (START - 30 * DAY).date(), END.date()
    co_topic = rollups.co_topic_presence(community, first, last)
    members, staff = set(ids.values()), frozenset({ids["mona"]})
    by_kind = rollups.pair_activity(community, first, last)
    expected = interaction_graph(by_kind, co_topic, members, staff, frozenset(), AS_OF)
    edges = graph_edges(community, first, last)
    pairs = list(zip(edges.low.tolist(), edges.high.tolist(), strict=True))
    assert len(pairs) < len(by_kind) + len(co_topic)  # one row per unordered pair
    assert len(set(pairs)) == len(pairs) and all(a < b for a, b in pairs)
    assert interaction_graph(edges, (), members, staff, frozenset(), AS_OF) == expected
    assert _by_pair(edges) == _by_pair(_merged(by_kind, co_topic))  # every edge, not only members'
    assert len(co_topic) > len({(a, b) for a, b, _ in co_topic})  # pairs met in several topics
    totals = {
        (p.actor, p.target): p.replies + p.mentions + p.reactions + p.accepts + p.messages
        for p in by_kind
    }
    pairs = rollups.report_pairs(community, first, last)
    assert pairs.counts == totals
    read_once = window_pairs(community, first, last).report  # the dashboard's single read
    assert (read_once.counts, read_once.answered, read_once.appreciated) == (
        totals,
        pairs.answered,
        pairs.appreciated,
    )
    expected_rows = sorted(
        (
            RelationshipRow(a, b, n, totals[b, a])
            for (a, b), n in totals.items()
            if a < b and (b, a) in totals
        ),
        key=lambda r: (-r.total, r.a, r.b),
    )
    assert relationship_rows(pairs) == expected_rows
    assert expected_rows


def _by_pair(edges) -> dict[tuple[int, int], tuple[int, int]]:
    columns = (edges.low, edges.high, edges.weight, edges.last)
    return {(a, b): (w, t) for a, b, w, t in zip(*(c.tolist() for c in columns), strict=True)}


def test_graph_edges_of_days_without_activity_are_none(town):  # noqa: F811
    from hearth.analytics.graph import interaction_graph
    from hearth.analytics.graph_edges import graph_edges

    community, ids = town
    rollups.rebuild(community)
    quiet = (START - 200 * DAY).date()
    edges = graph_edges(community, quiet, quiet + 7 * DAY)
    assert _by_pair(edges) == {}
    graph = interaction_graph(edges, (), set(ids.values()), frozenset(), frozenset(), AS_OF)
    assert graph.edges == 0 and len(graph.isolated) == len(ids)


def test_member_days_read_once_give_what_each_span_reads(town):  # noqa: F811
    community, ids = town
    rollups.rebuild(community)
    first, last = (START - 120 * DAY).date(), (AS_OF + DAY).date()
    days = MemberDays(community.pk, first, last)
    for start, end in [(START, END), (START - (END - START), START), (START, START + 7 * DAY)]:
        alone = rollups.health_report(community, start, end, as_of=AS_OF)
        assert rollups.health_report(community, start, end, as_of=AS_OF, member_days=days) == alone
    staff = frozenset({ids["mona"]})
    assert rollups.day_figures(
        community, START.date(), END.date(), staff=staff, as_of=AS_OF, member_days=days
    ) == rollups.day_figures(community, START.date(), END.date(), staff=staff, as_of=AS_OF)
    for contributions in (False, True):
        alone = rollups.active_days(community, first, last, contributions=contributions)
        shared = rollups.active_days(
            community, first, last, contributions=contributions, member_days=days
        )
        assert shared == alone
    with pytest.raises(ValueError, match="not all read"):
        days.active_between(first - DAY, last)


@pytest.mark.parametrize("staff", [frozenset(), frozenset({"mona"}), frozenset({"mona", "ann"})])
def test_daily_interactions_between_members_leave_out_staff_on_either_side(town, staff):  # noqa: F811
    community, ids = town
    rollups.rebuild(community)
    staff_ids = frozenset(ids[name] for name in staff)
    expected, between = {}, {}
    for day, actor, target, *counts in PairDay.objects.filter(community=community).values_list(
        "day", "actor_id", "target_id", "replies", "mentions", "reactions", "accepts", "messages"
    ):
        expected[day] = expected.get(day, 0) + sum(counts)
        if actor not in staff_ids and target not in staff_ids:
            between[day] = between.get(day, 0) + sum(counts)
    assert expected
    rows = rollups.day_figures(
        community, (START - 60 * DAY).date(), END.date(), staff=staff_ids, as_of=AS_OF
    )
    for row in rows:
        assert row["interactions"] == expected.get(row["day"], 0)
        assert row["member_to_member"] == between.get(row["day"], 0)


def test_first_reciprocated_is_the_later_first_of_both_directions(town):  # noqa: F811
    community, ids = town
    rollups.rebuild(community)
    first = {}
    for actor, target, day in PairDay.objects.filter(community=community).values_list(
        "actor_id", "target_id", "day"
    ):
        first[actor, target] = min(day, first.get((actor, target), day))
    some = [ids["ann"], ids["ben"], ids["mona"]]
    expected = {}
    for (a, b), day in first.items():
        if a in some and (b, a) in first:
            both = max(day, first[b, a])
            expected[a] = min(both, expected.get(a, both))
    assert expected
    users = Membership.objects.filter(community=community, user_id__in=some).values("user_id")
    found = rollups.first_reciprocated(community, users)
    assert found == {user: rollups.utc_midnight(day) for user, day in expected.items()}


@pytest.mark.django_db
def test_graph_edges_keep_the_latest_moment_to_the_microsecond():
    from hearth.analytics.graph import micros
    from hearth.analytics.graph_edges import graph_edges
    from hearth.analytics.models import TopicMemberDay

    community = community_factory()
    day = date(2026, 3, 2)
    at = datetime(2026, 3, 2, 9, 15, 30, 123456, tzinfo=UTC)
    whole = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # kept without a fraction
    PairDay.objects.create(
        community=community, day=day, actor_id=1, target_id=2, replies=1, last_at=at
    )
    PairDay.objects.create(
        community=community, day=day, actor_id=3, target_id=4, reactions=1, last_at=whole
    )
    for user, last_at in ((5, at), (6, at - timedelta(microseconds=7))):
        TopicMemberDay.objects.create(
            community=community, day=day, topic_id=9, user_id=user, last_at=last_at
        )
    edges = graph_edges(community, day, day + DAY)
    assert _by_pair(edges) == {
        (1, 2): (10, micros(at)),
        (3, 4): (3, micros(whole)),
        (5, 6): (1, micros(at)),
    }
