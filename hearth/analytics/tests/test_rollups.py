"""The rollups give exactly the figures the raw event log gives, however they were built:
in one rebuild or batch by batch, on the hand-computed town and on random logs."""

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from hearth.analytics import metrics, rollups
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


def test_replaying_in_batches_equals_one_rebuild(town, monkeypatch):  # noqa: F811
    community, _ids = town
    monkeypatch.setattr(rollups, "BATCH", 3)
    rollups.update(community, lag=timedelta(0))
    batched = rollups.health_report(community, START, END, as_of=AS_OF)
    rows = rollup_rows(community)
    assert rows["PairDay"] and rows["MemberFact"] and rows["ThreadFact"]
    monkeypatch.setattr(rollups, "BATCH", 5000)
    rollups.rebuild(community)
    assert rollups.health_report(community, START, END, as_of=AS_OF) == batched
    assert rollup_rows(community) == rows


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
    with django_assert_num_queries(10):
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
    with django_assert_num_queries(10):
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
        rollups.rebuild(self.community)
        whole = rollup_rows(self.community)
        rollups.BATCH, saved = batch, rollups.BATCH
        try:
            rollups.rebuild(self.community)
        finally:
            rollups.BATCH = saved
        assert rollup_rows(self.community) == whole
        start = BASE + start_day * DAY
        end = start + length_days * DAY
        as_of = end + timedelta(minutes=as_of_minutes)
        expected = dataclasses.asdict(
            metrics.health_report(self.community, start, end, as_of=as_of)
        )
        actual = dataclasses.asdict(rollups.health_report(self.community, start, end, as_of=as_of))
        for key, value in expected.items():
            assert actual[key] == value, key


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
def test_rolling_distinct_equals_a_union_per_day(days, span):
    lead = [set()] * (span - 1)
    sets = lead + days
    expected = [len(set().union(*sets[i - span + 1 : i + 1])) for i in range(span - 1, len(sets))]
    assert rollups.rolling_distinct(sets, span) == expected


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


def test_graph_pairs_weighed_in_the_database_give_the_same_graph(town):  # noqa: F811
    from hearth.analytics.dashboard import relationship_rows
    from hearth.analytics.graph import interaction_graph

    community, ids = town
    rollups.rebuild(community)
    first, last = (START - 30 * DAY).date(), END.date()
    co_topic = rollups.co_topic_presence(community, first, last)
    members, staff = set(ids.values()), frozenset({ids["mona"]})
    by_kind = rollups.pair_activity(community, first, last)
    expected = interaction_graph(by_kind, co_topic, members, staff, frozenset(), AS_OF)
    weighed = rollups.graph_pairs(community, first, last)
    assert len(weighed) < len(by_kind)  # both directions of a pair in one row
    assert interaction_graph(weighed, co_topic, members, staff, frozenset(), AS_OF) == expected
    together = rollups.co_topic_pairs(community, first, last)
    assert together and len(together) <= len(co_topic)
    assert interaction_graph(weighed + together, (), members, staff, frozenset(), AS_OF) == expected
    totals = {
        (p.actor, p.target): p.replies + p.mentions + p.reactions + p.accepts + p.messages
        for p in by_kind
    }
    counts = rollups.report_pairs(community, first, last).counts
    assert counts == totals
    assert relationship_rows(counts)
