"""The promotion task on synthetic activity: events recorded at chosen times, then the
cursor (``levels.update``) and the daily sweep."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from hearth.communities.models import Membership, MembershipStatus
from hearth.core.events import record_event
from hearth.core.models import InteractionEvent
from hearth.testing.factories import membership_factory, user_factory
from hearth.trust import levels, tasks
from hearth.trust.models import ActivityDay, MemberTrust, TopicEntered, TrustState

DAY = timedelta(days=1)


@pytest.fixture
def person(community):
    return membership_factory(community, user=user_factory(username="pat"), trust_level=0).user


@pytest.fixture
def other(community):
    return membership_factory(community, user=user_factory(username="oz"), trust_level=1).user


def level(community, user) -> int:
    return Membership.objects.get(community=community, user=user).trust_level


def event(community, user, verb, at, *, target=None, **data):
    with time_machine.travel(at, tick=False):
        record_event(community=community, actor=user, verb=verb, target_user=target, data=data)


def activity(community, user, other, *, days=1, topics=0, posts=0, replies=0, given=0,
             received=0, start=None):  # fmt: skip
    """Spread the activity over ``days`` consecutive days ending now (or from ``start``)."""
    start = start or timezone.now() - (days - 1) * DAY - timedelta(hours=1)
    at = [start + i * DAY for i in range(days)]
    for i in range(days):
        event(community, user, "profile.update", at[i])
    for i in range(topics):
        share = posts // topics + (1 if i < posts % topics else 0)
        event(community, user, "topic.read", at[i % days], topic=10_000 + i, posts=share)
    for i in range(replies):
        event(community, user, "post.reply", at[i % days], target=other, topic=1)
    for i in range(given):
        event(community, user, "post.react", at[i % days], target=other, topic=1)
    for i in range(received):
        event(community, other, "post.react", at[i % days], target=user, topic=1)


def changes(community, user):
    return [
        e.data
        for e in InteractionEvent.objects.filter(
            community=community, verb="trust.level_changed", target_user=user
        ).order_by("id")
    ]


TL2 = {"days": 15, "topics": 20, "posts": 100, "replies": 3, "given": 1, "received": 1}
TL3 = {"days": 50, "topics": 20, "posts": 100, "replies": 10, "given": 30, "received": 20}


class TestPromotion:
    def test_a_new_member_with_too_little_activity_stays_new(self, community, person, other):
        activity(community, person, other, topics=4, posts=40)
        levels.update(community)
        assert level(community, person) == 0
        assert changes(community, person) == []

    def test_reading_five_topics_and_thirty_posts_makes_a_basic_member(
        self, community, person, other
    ):
        activity(community, person, other, topics=5, posts=30)
        levels.update(community)
        assert level(community, person) == 1
        assert changes(community, person) == [{"from": 0, "to": 1, "reason": "auto"}]

    def test_meeting_level_2_at_once_moves_up_two_levels(self, community, person, other):
        activity(community, person, other, **TL2)
        levels.update(community)
        assert level(community, person) == 2
        assert changes(community, person) == [{"from": 0, "to": 2, "reason": "auto"}]

    def test_one_reaction_short_holds_at_level_1(self, community, person, other):
        activity(community, person, other, **{**TL2, "received": 0})
        levels.update(community)
        assert level(community, person) == 1

    def test_a_regular_over_the_window(self, community, person, other):
        activity(community, person, other, **TL3)
        levels.update(community)
        assert level(community, person) == 3

    def test_flags_upheld_against_them_keep_a_member_from_level_3(
        self, community, person, other, owner
    ):
        activity(community, person, other, **TL3)
        for _ in range(6):
            event(community, owner, "flag.upheld", timezone.now() - DAY, target=person)
        levels.update(community)
        assert level(community, person) == 2

    def test_activity_older_than_the_window_does_not_count_for_level_3(
        self, community, person, other
    ):
        activity(community, person, other, **TL3, start=timezone.now() - 170 * DAY)
        levels.update(community)
        assert level(community, person) == 2

    def test_level_3_needs_a_share_of_the_topics_created_in_the_window(
        self, community, person, other, topic
    ):
        """One topic exists: 25% of 1 rounds up to one topic entered."""
        Membership.objects.filter(user=person, community=community).update(trust_level=2)
        activity(community, person, other, **{**TL3, "topics": 0, "posts": 0})
        levels.update(community)
        assert level(community, person) == 2
        event(community, person, "topic.read", timezone.now() - DAY, topic=topic.pk, posts=1)
        levels.update(community)
        assert level(community, person) == 3


class TestDemotionAndLocks:
    def test_a_regular_who_stops_coming_returns_to_level_2(self, community, person, other):
        activity(community, person, other, **TL3)
        levels.update(community)
        with time_machine.travel(timezone.now() + 60 * DAY, tick=False):
            levels.sweep(community)
        assert level(community, person) == 2
        assert changes(community, person)[-1] == {"from": 3, "to": 2, "reason": "auto"}

    def test_a_new_regular_keeps_the_level_through_the_grace_period(self, community, person, other):
        activity(community, person, other, **TL3, start=timezone.now() - 60 * DAY)
        levels.update(community)
        assert level(community, person) == 3
        with time_machine.travel(timezone.now() + 50 * DAY, tick=False):
            levels.sweep(community)  # below the thresholds, but promoted 50 days ago…
        assert level(community, person) == 2
        MemberTrust.objects.filter(user=person).update(changed_at=timezone.now())
        Membership.objects.filter(user=person, community=community).update(trust_level=3)
        with time_machine.travel(timezone.now() + 5 * DAY, tick=False):
            levels.sweep(community, force=True)  # …and here only 5 days ago
        assert level(community, person) == 3

    def test_a_locked_member_is_never_changed(self, community, person, other):
        MemberTrust.objects.create(community=community, user=person, is_locked=True)
        activity(community, person, other, **TL2)
        levels.update(community)
        levels.sweep(community, force=True)
        assert level(community, person) == 0
        assert changes(community, person) == []

    def test_a_locked_regular_is_not_demoted(self, community, person, other):
        Membership.objects.filter(user=person, community=community).update(trust_level=3)
        MemberTrust.objects.create(community=community, user=person, is_locked=True)
        levels.sweep(community, force=True)
        assert level(community, person) == 3

    def test_level_4_is_never_given_or_taken_automatically(self, community, person, other):
        activity(community, person, other, **TL3)
        levels.update(community)
        assert level(community, person) == 3  # as high as automatic goes
        Membership.objects.filter(user=other, community=community).update(trust_level=4)
        levels.sweep(community, force=True)
        assert level(community, other) == 4  # a leader with no activity stays a leader

    def test_members_who_left_are_not_evaluated(self, community, person, other):
        Membership.objects.filter(user=person).update(status=MembershipStatus.LEFT)
        activity(community, person, other, **TL2)
        levels.update(community)
        assert level(community, person) == 0


class TestCursor:
    def test_running_twice_changes_nothing(self, community, person, other):
        activity(community, person, other, **TL2)
        assert levels.update(community) > 0
        rows = list(ActivityDay.objects.order_by("pk").values())
        entered = TopicEntered.objects.count()
        events = InteractionEvent.objects.count()
        cursor = TrustState.objects.get(community=community).last_event_id
        assert levels.update(community) == 1  # only its own trust.level_changed event
        assert levels.update(community) == 0
        levels.sweep(community, force=True)
        assert [r["posts_read"] for r in ActivityDay.objects.order_by("pk").values()] == [
            r["posts_read"] for r in rows
        ]
        assert TopicEntered.objects.count() == entered == 20
        assert InteractionEvent.objects.count() == events
        assert TrustState.objects.get(community=community).last_event_id > cursor
        assert level(community, person) == 2

    def test_young_events_wait_for_the_lag(self, community, person, other):
        activity(community, person, other, topics=5, posts=30)
        assert levels.update(community, lag=timedelta(hours=2)) == 0
        assert level(community, person) == 0
        assert levels.update(community, lag=timedelta(0)) > 0
        assert level(community, person) == 1

    def test_the_sweep_runs_once_a_day(self, community):
        assert levels.sweep(community) == 0
        assert levels.sweep(community) is None
        with time_machine.travel(timezone.now() + DAY + timedelta(minutes=1), tick=False):
            assert levels.sweep(community) == 0

    def test_the_task_applies_events_and_leaves_the_sweep_to_the_scheduler(
        self, community, person, other
    ):
        activity(community, person, other, topics=5, posts=30)
        tasks.update_trust_levels.call(community.pk)
        assert level(community, person) == 1
        assert TrustState.objects.get(community=community).swept_at is None

    def test_committed_events_schedule_the_task(self, community, person, other):
        """The consumer gets each committed transaction's events (the immediate test
        backend runs the task at once)."""
        activity(community, person, other, topics=5, posts=30)
        tasks.schedule_trust(list(InteractionEvent.objects.filter(actor=person)))
        assert level(community, person) == 1

    def test_its_own_events_schedule_nothing(self, community):
        """(The immediate test backend would run the task, creating the cursor.)"""
        tasks.schedule_trust(
            [InteractionEvent(community=community, verb="trust.level_changed", data={})]
        )
        assert not TrustState.objects.filter(community=community).exists()
        tasks.schedule_trust([InteractionEvent(community=community, verb="post.reply", data={})])
        assert TrustState.objects.filter(community=community).exists()
