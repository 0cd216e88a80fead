from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hearth.communities.models import Membership, MembershipStatus, Role, StaffAction
from hearth.core.models import InteractionEvent
from hearth.discussions import policy as discussion_policy
from hearth.discussions import services as discussion_services
from hearth.discussions.models import Post, ReviewState
from hearth.moderation import services
from hearth.moderation.models import (
    Appeal,
    Flag,
    FlagStatus,
    ModerationSettings,
    PostReview,
    ReviewSource,
    SanctionKind,
)
from hearth.search.models import PostDocument
from hearth.testing.factories import actor_for, membership_factory, user_factory


def flag(community, user, post, reason="spam", **fields):
    return services.flag_create(
        actor=actor_for(user, community), post=post, reason=reason, **fields
    )


def sanction(community, by, user, kind=SanctionKind.SUSPEND, days=3, reason="Rule 1", **extra):
    return services.sanction_create(
        actor=actor_for(by, community),
        membership=Membership.objects.get(community=community, user=user),
        kind=kind,
        reason=reason,
        ends_at=timezone.now() + timedelta(days=days),
        **extra,
    )


class TestFlags:
    def test_three_ordinary_members_hide_a_post_and_its_author_is_told_why(
        self, community, reply, flaggers, newcomer
    ):
        flag(community, flaggers[0], reply, reason="off_topic")
        flag(community, flaggers[1], reply, reason="rule", rule="Be kind.")
        reply.refresh_from_db()
        assert reply.review_state == ReviewState.PUBLISHED
        assert PostDocument.objects.filter(post_id=reply.pk).exists()
        flag(community, flaggers[2], reply)
        reply.refresh_from_db()
        assert reply.review_state == ReviewState.FLAGGED
        assert reply.review_note == "Off-topic; Breaks a rule: Be kind.; Spam"
        assert not PostDocument.objects.filter(post_id=reply.pk).exists()
        event = InteractionEvent.objects.get(verb="post.hidden")
        assert event.target_user == newcomer and "Off-topic" in event.data["reasons"]
        review = PostReview.objects.get(post=reply, status="pending")
        assert review.score == 3.0

    def test_a_level_3_members_spam_flag_hides_at_once(self, community, reply):
        regular = membership_factory(community, user=user_factory(), trust_level=3).user
        flag(community, regular, reply, reason="spam")
        reply.refresh_from_db()
        assert reply.review_state == ReviewState.FLAGGED

    def test_weights_and_threshold_are_the_communitys(self, community, reply, flaggers):
        ModerationSettings.objects.create(
            community=community, flag_threshold=2, flag_weights=[1, 2, 2, 2, 3]
        )
        flag(community, flaggers[0], reply, reason="inappropriate")
        reply.refresh_from_db()
        assert reply.review_state == ReviewState.FLAGGED

    def test_flagging_ones_own_post_is_refused(self, community, reply, newcomer):
        with pytest.raises(PermissionDenied, match="your own post"):
            flag(community, newcomer, reply)
        assert not Flag.objects.exists()

    def test_flagging_twice_is_refused(self, community, reply, member):
        flag(community, member, reply)
        with pytest.raises(PermissionDenied, match="already flagged"):
            flag(community, member, reply, reason="off_topic")
        assert Flag.objects.count() == 1

    def test_silenced_members_cannot_flag(self, community, reply, member, moderator):
        sanction(community, moderator, member, kind=SanctionKind.SILENCE)
        with pytest.raises(PermissionDenied, match="silenced"):
            flag(community, member, reply)

    def test_a_post_one_cannot_read_cannot_be_flagged(self, community, reply, outsider):
        with pytest.raises(PermissionDenied):
            flag(community, outsider, reply)

    @pytest.mark.parametrize(
        "reason, fields, field",
        [("rule", {}, "rule"), ("other", {}, "detail"), ("nonsense", {}, "reason")],
    )
    def test_incomplete_flags_name_what_is_missing(
        self, community, reply, member, reason, fields, field
    ):
        with pytest.raises(ValidationError) as exc:
            flag(community, member, reply, reason=reason, **fields)
        assert field in exc.value.message_dict
        assert not Flag.objects.exists()


class TestHiddenPosts:
    @pytest.fixture
    def hidden(self, community, reply, flaggers):
        for user in flaggers:
            flag(community, user, reply)
        reply.refresh_from_db()
        return reply

    @pytest.mark.parametrize(
        "persona, sees",
        [
            ("newcomer", True),  # the author
            ("moderator", True),
            ("owner", True),
            ("member", False),
            ("outsider", False),
            ("anonymous", False),
        ],
    )
    def test_only_the_author_and_staff_see_it(self, hidden, actor_of, persona, sees):
        from hearth.discussions.selectors import topic_posts

        actor = actor_of(persona)
        assert discussion_policy.can_see_post(actor, hidden) is sees
        numbers = [p.number for p in topic_posts(actor, hidden.topic, 1).object_list]
        assert (hidden.number in numbers) is sees

    def test_a_hidden_first_post_hides_its_topic(self, community, topic, flaggers, actor_of):
        first = Post.objects.get(topic=topic, number=1)
        for user in flaggers:
            flag(community, user, first)
        topic.refresh_from_db()
        assert topic.review_state == ReviewState.FLAGGED
        from hearth.discussions.selectors import topic_list

        assert topic not in topic_list(actor_of("newcomer"), community)
        assert topic in topic_list(actor_of("member"), community)  # the author
        assert topic in topic_list(actor_of("moderator"), community)
        assert not PostDocument.objects.filter(topic_id=topic.pk).exists()

    def test_an_edit_by_the_author_keeps_it_hidden_until_a_moderator_looks_again(
        self, community, hidden, newcomer
    ):
        discussion_services.post_edit(
            actor=actor_for(newcomer, community), post=hidden, body="Seeds swap, no selling"
        )
        hidden.refresh_from_db()
        assert hidden.review_state == ReviewState.FLAGGED
        assert PostReview.objects.filter(post=hidden, status="pending").count() == 1
        assert InteractionEvent.objects.filter(verb="post.edited_in_review").exists()


class TestReviewDecisions:
    @pytest.fixture
    def review(self, community, reply, flaggers):
        for user in flaggers:
            flag(community, user, reply)
        return PostReview.objects.get(post=reply, status="pending")

    def test_reject_removes_the_post_upholds_flags_and_tells_each_flagger(
        self, community, review, moderator, flaggers, newcomer
    ):
        services.review_decide(
            actor=actor_for(moderator, community), review=review, action="reject", note="Spam"
        )
        post = Post.objects.get(pk=review.post_id)
        assert post.is_deleted
        assert set(Flag.objects.values_list("status", flat=True)) == {FlagStatus.UPHELD}
        resolved = InteractionEvent.objects.filter(verb="flag.resolved")
        assert {e.target_user_id for e in resolved} == {u.pk for u in flaggers}
        upheld = InteractionEvent.objects.filter(verb="flag.upheld")
        assert upheld.count() == 3 and {e.target_user_id for e in upheld} == {newcomer.pk}
        log = StaffAction.objects.get(action="review.reject")
        assert log.actor == moderator and log.reason == "Spam" and log.target_user == newcomer

    def test_approve_publishes_the_post_and_flags_are_not_upheld(
        self, community, review, moderator
    ):
        services.review_decide(
            actor=actor_for(moderator, community), review=review, action="approve", note="Fine"
        )
        post = Post.objects.get(pk=review.post_id)
        assert post.review_state == ReviewState.PUBLISHED and not post.is_deleted
        assert PostDocument.objects.filter(post_id=post.pk).exists()
        assert set(Flag.objects.values_list("status", flat=True)) == {FlagStatus.NOT_UPHELD}
        assert StaffAction.objects.filter(action="review.approve", reason="Fine").exists()
        assert not InteractionEvent.objects.filter(verb="flag.upheld").exists()

    def test_a_decision_needs_a_reason(self, community, review, moderator):
        with pytest.raises(ValidationError):
            services.review_decide(
                actor=actor_for(moderator, community), review=review, action="approve", note=" "
            )
        review.refresh_from_db()
        assert review.status == "pending"

    def test_leaders_act_on_flagged_posts_but_not_held_ones_nor_sanction(
        self, community, review, leader, newcomer, member
    ):
        actor = actor_for(leader, community)
        services.review_decide(actor=actor, review=review, action="dismiss", note="Not spam")
        review.refresh_from_db()
        assert review.status == "dismissed"
        held = discussion_services.post_reply(
            actor=actor_for(member, community), topic=review.post.topic, body="Another"
        )
        held_review = services.hold_post_for_review(
            post=held, reason="watched word", source=ReviewSource.WATCHED_WORD
        )
        with pytest.raises(PermissionDenied, match="held posts"):
            services.review_decide(actor=actor, review=held_review, action="approve", note="ok")
        with pytest.raises(PermissionDenied):
            sanction(community, leader, newcomer)

    def test_members_cannot_decide(self, community, review, member):
        with pytest.raises(PermissionDenied):
            services.review_decide(
                actor=actor_for(member, community), review=review, action="approve", note="ok"
            )


class TestHolds:
    def test_hold_post_for_review_hides_it_and_queues_it(self, community, reply, newcomer):
        review = services.hold_post_for_review(
            post=reply, reason="contains “seeds”", source=ReviewSource.WATCHED_WORD
        )
        reply.refresh_from_db()
        assert reply.review_state == ReviewState.HELD
        assert reply.review_note == "contains “seeds”"
        assert review.status == "pending" and review.source == "watched_word"
        assert InteractionEvent.objects.filter(verb="post.held", target_user=newcomer).exists()

    def test_flag_post_automatically_queues_a_visible_post(self, community, reply):
        review = services.flag_post_automatically(post=reply, reason="watched word: seeds")
        reply.refresh_from_db()
        assert reply.review_state == ReviewState.PUBLISHED
        assert review.source == ReviewSource.FLAGS
        assert Flag.objects.get(post=reply).flagger is None

    def test_new_members_first_posts_wait_when_the_community_asks(self, community, topic, general):
        ModerationSettings.objects.create(community=community, approve_first_posts=True)
        fresh = membership_factory(community, user=user_factory(), trust_level=0).user
        new_topic = discussion_services.topic_create(
            actor=actor_for(fresh, community), category=general, title="Hi all", body="Hello!"
        )
        assert new_topic.review_state == ReviewState.HELD
        review = PostReview.objects.get(post__topic=new_topic)
        assert review.source == ReviewSource.FIRST_POST
        # Their second post is not held.
        second = discussion_services.post_reply(
            actor=actor_for(fresh, community), topic=topic, body="Nice garden"
        )
        assert second.review_state == ReviewState.PUBLISHED

    def test_first_posts_are_not_held_by_default(self, community, general):
        fresh = membership_factory(community, user=user_factory(), trust_level=0).user
        new_topic = discussion_services.topic_create(
            actor=actor_for(fresh, community), category=general, title="Hi all", body="Hello!"
        )
        assert new_topic.review_state == ReviewState.PUBLISHED


class TestSanctions:
    def test_silence_stops_posting_reacting_messaging_and_flagging_but_not_reading(
        self, community, moderator, member, topic, reply, actor_of
    ):
        sanction(community, moderator, member, kind=SanctionKind.SILENCE)
        actor = actor_of("member")
        assert actor.is_silenced and actor.is_member
        assert not discussion_policy.can_reply(actor, topic)
        assert not discussion_policy.can_react(actor, reply)
        assert discussion_policy.can_read_topic(actor, topic)
        from hearth.conversations import policy as dm_policy

        assert dm_policy.start_conversation_denial(actor, [reply.author]) is not None
        log = StaffAction.objects.get(action="member.silence")
        assert log.target_user == member and log.reason == "Rule 1"

    def test_suspension_stops_taking_part(self, community, moderator, member, topic, actor_of):
        sanction(community, moderator, member)
        actor = actor_of("member")
        assert actor.is_suspended and not actor.is_member
        with pytest.raises(PermissionDenied, match="suspended"):
            discussion_services.post_reply(actor=actor, topic=topic, body="hi")

    def test_a_sanction_ends_by_itself_when_its_time_passes(
        self, community, moderator, member, topic, actor_of
    ):
        import time_machine

        sanction(community, moderator, member, kind=SanctionKind.SILENCE, days=1)
        assert not discussion_policy.can_reply(actor_of("member"), topic)
        with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
            assert discussion_policy.can_reply(actor_of("member"), topic)

    def test_a_moderator_cannot_sanction_an_admin(self, community, moderator, admin):
        with pytest.raises(PermissionDenied, match="cannot sanction an admin"):
            sanction(community, moderator, admin)
        assert not StaffAction.objects.filter(action="member.suspend").exists()

    def test_a_sanction_needs_a_reason(self, community, moderator, member):
        with pytest.raises(ValidationError) as exc:
            sanction(community, moderator, member, reason="  ")
        assert "reason" in exc.value.message_dict
        assert Membership.objects.get(user=member).suspended_until is None

    def test_an_end_in_the_past_is_refused(self, community, moderator, member):
        with pytest.raises(ValidationError) as exc:
            sanction(community, moderator, member, days=-1)
        assert exc.value.message_dict["ends_at"] == ["Choose an end in the future."]

    def test_lifting_a_suspension_restores_the_member(self, community, moderator, member, actor_of):
        suspension = sanction(community, moderator, member)
        services.sanction_lift(
            actor=actor_for(moderator, community), sanction=suspension, reason="Apologised"
        )
        assert actor_of("member").is_member
        assert StaffAction.objects.filter(action="sanction.lift", reason="Apologised").exists()

    def test_lifting_a_ban_returns_the_member_to_their_role(self, community, owner, moderator):
        ban = sanction(community, owner, moderator, kind=SanctionKind.BAN)
        membership = Membership.objects.get(user=moderator)
        assert membership.status == MembershipStatus.BANNED and membership.role == Role.MEMBER
        count = community.__class__.objects.get(pk=community.pk).member_count
        services.sanction_lift(actor=actor_for(owner, community), sanction=ban, reason="Mistake")
        membership.refresh_from_db()
        assert membership.status == MembershipStatus.ACTIVE
        assert membership.role == Role.MODERATOR
        assert community.__class__.objects.get(pk=community.pk).member_count == count + 1

    def test_suspending_from_the_queue_removes_the_post(
        self, community, reply, flaggers, moderator, newcomer
    ):
        for user in flaggers:
            flag(community, user, reply)
        review = PostReview.objects.get(post=reply)
        sanction(community, moderator, newcomer, review=review)
        assert Post.objects.get(pk=reply.pk).is_deleted
        assert actor_for(newcomer, community).is_suspended


class TestAppeals:
    def test_one_appeal_per_sanction_and_the_decision_comes_back(
        self, community, moderator, member, owner
    ):
        suspension = sanction(community, moderator, member)
        actor = actor_for(member, community)
        appeal = services.appeal_create(actor=actor, sanction=suspension, text="I misread rule 1")
        with pytest.raises(PermissionDenied, match="already appealed"):
            services.appeal_create(actor=actor, sanction=suspension, text="Again")
        assert Appeal.objects.count() == 1
        services.appeal_decide(
            actor=actor_for(owner, community), appeal=appeal, decision="lifted", reason="Fair"
        )
        assert actor_for(member, community).is_member
        event = InteractionEvent.objects.get(verb="appeal.decide")
        assert event.target_user == member and event.data["decision"] == "lifted"
        assert StaffAction.objects.filter(action="appeal.lift", reason="Fair").exists()

    def test_only_the_sanctioned_member_appeals(self, community, moderator, member, newcomer):
        suspension = sanction(community, moderator, member)
        with pytest.raises(PermissionDenied):
            services.appeal_create(
                actor=actor_for(newcomer, community), sanction=suspension, text="Let them back"
            )

    def test_upholding_keeps_the_sanction(self, community, moderator, member, owner):
        suspension = sanction(community, moderator, member)
        appeal = services.appeal_create(
            actor=actor_for(member, community), sanction=suspension, text="Please"
        )
        services.appeal_decide(
            actor=actor_for(owner, community), appeal=appeal, decision="upheld", reason="No"
        )
        assert actor_for(member, community).is_suspended
        assert StaffAction.objects.filter(action="appeal.uphold").exists()
