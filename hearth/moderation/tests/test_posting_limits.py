"""Posting limits and spam signals (switched on here: the test settings turn them off)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hearth.communities.models import Membership
from hearth.core.ratelimit import RateLimited
from hearth.discussions import services as discussion_services
from hearth.discussions.forms import ReplyForm
from hearth.discussions.models import Post, ReviewState
from hearth.moderation import services
from hearth.moderation.models import FilterSettings, PostReview, ReviewSource
from hearth.testing.factories import actor_for, membership_factory, user_factory


@pytest.fixture(autouse=True)
def limits_on(settings):
    settings.HEARTH_POSTING_LIMITS = True


@pytest.fixture
def limits(community):
    def set_limits(**fields):
        FilterSettings.objects.update_or_create(community=community, defaults=fields)

    return set_limits


def reply(community, user, topic, body="A reply", **extra):
    return discussion_services.post_reply(
        actor=actor_for(user, community), topic=topic, body=body, **extra
    )


def start(community, user, general, n=0, body=None):
    return discussion_services.topic_create(
        actor=actor_for(user, community), category=general, title=f"Topic {n}",
        body=body or f"Body {n}",
    )  # fmt: skip


class TestIntervals:
    def test_a_new_member_waits_30_seconds_between_replies_and_is_told_how_long(
        self, community, topic, newcomer
    ):
        reply(community, newcomer, topic, "first")
        with pytest.raises(RateLimited) as caught:
            reply(community, newcomer, topic, "second")
        assert caught.value.retry_after in (29, 30)
        assert "You can post again in 30 seconds." in caught.value.messages[0] or (
            "You can post again in 29 seconds." in caught.value.messages[0]
        )
        assert Post.objects.filter(author=newcomer).count() == 1

    def test_established_members_wait_15_seconds_between_topics(self, community, general, member):
        start(community, member, general, 1)
        with pytest.raises(RateLimited) as caught:
            start(community, member, general, 2)
        assert 14 <= caught.value.retry_after <= 15

    def test_the_same_form_sent_again_after_a_failure_is_not_refused(
        self, community, topic, newcomer
    ):
        reply(community, newcomer, topic, "first", client_token="form-1")
        reply(community, newcomer, topic, "first", client_token="form-1")  # idempotent
        assert Post.objects.filter(author=newcomer).count() == 1

    def test_staff_are_exempt(self, community, general, moderator):
        for n in range(3):
            start(community, moderator, general, n)

    def test_limits_are_per_community_settings(self, community, topic, newcomer, limits):
        limits(new_reply_seconds=0, duplicate_seconds=0)
        for n in range(3):
            reply(community, newcomer, topic, f"reply {n}")


class TestFirstDay:
    def test_three_topics_on_the_first_day(self, community, general, newcomer, limits):
        limits(new_topic_seconds=0)
        for n in range(3):
            start(community, newcomer, general, n)
        with pytest.raises(RateLimited) as caught:
            start(community, newcomer, general, 4)
        assert "first day" in caught.value.messages[0]
        assert "hours" in caught.value.messages[0]

    def test_ten_replies_on_the_first_day(self, community, topic, newcomer, limits):
        limits(new_reply_seconds=0)
        for n in range(10):
            reply(community, newcomer, topic, f"reply {n}")
        with pytest.raises(RateLimited):
            reply(community, newcomer, topic, "eleven")

    def test_not_after_the_first_day(self, community, general, limits):
        limits(new_topic_seconds=0)
        user = user_factory(username="ned")
        membership_factory(community, user=user, trust_level=0)
        Membership.objects.filter(user=user).update(joined_at=timezone.now() - timedelta(days=2))
        for n in range(4):
            start(community, user, general, n)


class TestContent:
    def test_the_same_body_twice_within_five_minutes_is_refused(
        self, community, topic, member, limits
    ):
        limits(reply_seconds=0)
        reply(community, member, topic, "Same  words")
        with pytest.raises(RateLimited) as caught:
            reply(community, member, topic, "same words")
        assert "exactly this" in caught.value.messages[0]
        reply(community, member, topic, "different words")

    def test_at_most_ten_mentions(self, community, topic, member):
        body = " ".join(f"@person{n}" for n in range(11))
        with pytest.raises(ValidationError) as caught:
            reply(community, member, topic, body)
        assert "at most 10" in caught.value.message_dict["body"][0]


class TestFlagsPerDay:
    def test_flags_are_limited_per_day(self, community, general, member, newcomer, limits):
        limits(flags_per_day=1, new_topic_seconds=0)
        posts = [
            Post.objects.get(topic=start(community, newcomer, general, n), number=1)
            for n in range(2)
        ]
        actor = actor_for(member, community)
        services.flag_create(actor=actor, post=posts[0], reason="spam")
        with pytest.raises(RateLimited) as caught:
            services.flag_create(actor=actor, post=posts[1], reason="spam")
        assert "You can flag again in" in caught.value.messages[0]


class TestSpamSignals:
    LONG = "Great deals on garden tools, best prices, fast shipping worldwide. " * 3

    def test_a_long_post_sent_within_seconds_of_opening_the_form_is_held(
        self, community, topic, newcomer
    ):
        post = reply(community, newcomer, topic, self.LONG, composed_in=2.0)
        post.refresh_from_db()
        assert post.review_state == ReviewState.HELD
        review = PostReview.objects.get(post=post)
        assert review.source == ReviewSource.SPAM_SIGNAL and "faster" in review.reason

    def test_typed_at_human_speed_it_is_published(self, community, topic, newcomer):
        post = reply(community, newcomer, topic, self.LONG, composed_in=60.0)
        post.refresh_from_db()
        assert post.review_state == ReviewState.PUBLISHED

    def test_only_new_members_are_watched(self, community, topic, member):
        post = reply(community, member, topic, self.LONG, composed_in=1.0)
        post.refresh_from_db()
        assert post.review_state == ReviewState.PUBLISHED

    def test_many_links_are_held(self, community, topic, newcomer):
        body = " ".join(f"https://shop{n}.example/" for n in range(4))
        post = reply(community, newcomer, topic, body)
        post.refresh_from_db()
        assert post.review_state == ReviewState.HELD
        assert "4 links" in PostReview.objects.get(post=post).reason

    def test_the_same_post_in_three_topics_is_held(
        self, community, general, member, newcomer, limits
    ):
        limits(new_reply_seconds=0, duplicate_seconds=0, topic_seconds=0)
        topics = [start(community, member, general, n) for n in range(3)]
        posts = [reply(community, newcomer, t, "Visit my shop") for t in topics]
        for post in posts:
            post.refresh_from_db()
        assert [p.review_state for p in posts] == ["", "", ReviewState.HELD]
        assert "3 topics" in PostReview.objects.get(post=posts[2]).reason

    def test_the_form_signs_when_it_was_opened(self):
        form = ReplyForm()
        stamp = form.initial["opened"]
        bound = ReplyForm({"body": "x", "opened": stamp})
        assert bound.is_valid()
        assert 0 <= bound.composed_in() < 5
        tampered = ReplyForm({"body": "x", "opened": stamp[:-2] + "xx"})
        assert tampered.is_valid() and tampered.composed_in() == 0.0
        missing = ReplyForm({"body": "x"})
        assert missing.is_valid() and missing.composed_in() is None
