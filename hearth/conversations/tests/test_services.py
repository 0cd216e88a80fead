from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hearth.communities.models import MembershipStatus, Role, StaffAction
from hearth.conversations import policy, selectors, services
from hearth.conversations.models import (
    Block,
    Conversation,
    ConversationReport,
    Message,
    Participant,
)
from hearth.core.models import InteractionEvent
from hearth.testing.factories import (
    actor_for,
    community_factory,
    membership_factory,
    user_factory,
)


def _member(community, username, trust_level=1, **fields):
    return membership_factory(
        community, user=user_factory(username=username), trust_level=trust_level, **fields
    ).user


def _moderator(community):
    return membership_factory(community, user=user_factory(), role=Role.MODERATOR).user


def _nothing_written():
    return not Conversation.objects.exists() and not Message.objects.exists()


class TestStarting:
    def test_one_to_one_renders_markdown_and_sanitises(self, start, member, newcomer):
        conversation = start(member, [newcomer], body="**hi** <script>alert(1)</script>")
        message = Message.objects.get(conversation=conversation)
        assert "<strong>hi</strong>" in message.body_html
        assert "<script" not in message.body_html
        assert set(conversation.participants.values_list("user__username", flat=True)) == {
            "mel",
            "nico",
        }
        assert Participant.objects.get(conversation=conversation, user=newcomer).unread_count == 1
        assert Participant.objects.get(conversation=conversation, user=member).unread_count == 0

    def test_every_message_records_one_event_per_other_participant_without_content(
        self, start, send, community, member, newcomer, owner
    ):
        conversation = start(member, [newcomer, owner], body="secret plans")
        send(newcomer, conversation, body="more secrets")
        events = InteractionEvent.objects.filter(verb="message.send").order_by("id")
        assert [(e.actor.username, e.target_user.username) for e in events] == [
            ("mel", "nico"),
            ("mel", "olivia"),
            ("nico", "mel"),
            ("nico", "olivia"),
        ]
        for event in events:
            assert event.data == {"conversation": conversation.pk}
            assert event.object_type == "conversations.conversation"
            assert event.object_id == conversation.pk
            assert "secret" not in str(event.data)

    def test_an_untitled_one_to_one_continues_the_existing_conversation(
        self, start, member, newcomer
    ):
        first = start(member, [newcomer], body="one")
        again = start(newcomer, [member], body="two")
        titled = start(member, [newcomer], body="three", subject="Plant swap")
        assert again.pk == first.pk
        assert titled.pk != first.pk
        assert Conversation.objects.get(pk=first.pk).message_count == 2

    def test_to_an_outsider_is_denied(self, start, member, outsider):
        with pytest.raises(PermissionDenied, match="not a member"):
            start(member, [outsider])
        assert _nothing_written()

    @pytest.mark.parametrize(
        "status", [MembershipStatus.BANNED, MembershipStatus.PENDING, MembershipStatus.LEFT]
    )
    def test_to_a_member_who_is_not_active_is_denied(self, start, community, member, status):
        other = _member(community, "gone", status=status)
        with pytest.raises(PermissionDenied, match="not a member"):
            start(member, [other])
        assert _nothing_written()

    def test_to_the_banned_persona_is_denied(self, start, member, banned):
        with pytest.raises(PermissionDenied):
            start(member, [banned])

    def test_banned_outsider_and_anonymous_cannot_start(self, community, member, banned, outsider):
        for user in (banned, outsider, None):
            with pytest.raises(PermissionDenied):
                services.start_conversation(
                    actor=actor_for(user, community), recipients=[member], body="hi"
                )
        assert _nothing_written()

    def test_to_yourself_is_denied(self, start, member):
        with pytest.raises(PermissionDenied, match="yourself"):
            start(member, [member])

    def test_with_nobody_is_denied(self, start, member):
        with pytest.raises(PermissionDenied, match="at least one"):
            start(member, [])

    def test_to_someone_who_blocked_you_is_denied(self, start, community, member, newcomer):
        services.member_block(actor=actor_for(newcomer, community), user=member)
        with pytest.raises(PermissionDenied, match="not accepting messages from you"):
            start(member, [newcomer])
        assert _nothing_written()

    def test_to_someone_you_blocked_asks_you_to_unblock(self, start, community, member, newcomer):
        services.member_block(actor=actor_for(member, community), user=newcomer)
        with pytest.raises(PermissionDenied, match="Unblock"):
            start(member, [newcomer])

    def test_to_someone_with_messages_off_is_denied(self, start, community, member, newcomer):
        services.messaging_preference_set(
            actor=actor_for(newcomer, community), accepts_messages=False
        )
        with pytest.raises(PermissionDenied, match="turned off direct messages"):
            start(member, [newcomer])
        # Staff too: "off" means nobody starts a new conversation with them.
        with pytest.raises(PermissionDenied):
            start(_moderator(community), [newcomer])
        assert _nothing_written()

    def test_a_group_of_ten_is_allowed_and_eleven_is_not(self, start, community, member):
        others = [_member(community, f"g{i}") for i in range(10)]
        with pytest.raises(PermissionDenied, match="at most 10 people"):
            start(member, others)
        assert _nothing_written()
        conversation = start(member, others[:9], subject="Seed library volunteers")
        assert conversation.participants.count() == policy.MAX_PARTICIPANTS

    @pytest.mark.parametrize("body", ["", "   \n ", "\u200b\u200b"])
    def test_an_empty_body_is_refused(self, start, member, newcomer, body):
        with pytest.raises(ValidationError, match="Write a message"):
            start(member, [newcomer], body=body)
        assert _nothing_written()

    def test_an_oversized_body_is_refused(self, start, member, newcomer, settings):
        settings.HEARTH_MAX_POST_CHARS = 100
        with pytest.raises(ValidationError, match="up to 100 characters"):
            start(member, [newcomer], body="x" * 101)
        assert _nothing_written()

    def test_an_oversized_subject_is_refused(self, start, member, newcomer):
        with pytest.raises(ValidationError, match="subject"):
            start(member, [newcomer], subject="s" * 121)


class TestDailyCaps:
    def test_a_new_member_sends_at_most_ten_messages_a_day(
        self, start, send, community, newcomer, member
    ):
        conversation = start(newcomer, [member])
        for _ in range(policy.DM_DAILY_CAP_NEW_MEMBER - 1):
            send(newcomer, conversation)
        with pytest.raises(ValidationError, match="New members can send 10 direct messages"):
            send(newcomer, conversation, body="one too many")
        assert Message.objects.filter(author=newcomer).count() == 10
        assert not Message.objects.filter(body="one too many").exists()
        assert Conversation.objects.get(pk=conversation.pk).message_count == 10

    def test_the_window_is_rolling(self, start, send, community, newcomer, member):
        conversation = start(newcomer, [member])
        for _ in range(policy.DM_DAILY_CAP_NEW_MEMBER - 1):
            send(newcomer, conversation)
        Message.objects.filter(author=newcomer).update(
            created_at=timezone.now() - timedelta(hours=25)
        )
        send(newcomer, conversation, body="a new day")

    def test_a_new_member_starts_at_most_three_conversations_a_day(
        self, start, community, newcomer
    ):
        people = [_member(community, f"p{i}") for i in range(4)]
        for person in people[:3]:
            start(newcomer, [person])
        with pytest.raises(ValidationError, match="start 3 new conversations a day"):
            start(newcomer, [people[3]])
        assert Conversation.objects.count() == 3

    def test_trust_level_one_has_the_higher_caps(self, start, send, community, member):
        people = [_member(community, f"p{i}") for i in range(4)]
        conversation = start(member, [people[0]])
        for person in people[1:]:
            start(member, [person])
        for _ in range(12):
            send(member, conversation)
        assert Message.objects.filter(author=member).count() == 16
        assert policy.DM_DAILY_CAP > policy.DM_DAILY_CAP_NEW_MEMBER

    def test_staff_are_exempt_so_welcome_messages_always_go_out(self, community, start):
        staff = membership_factory(
            community, user=user_factory(), role=Role.MODERATOR, trust_level=0
        ).user
        for i in range(policy.DM_NEW_CONVERSATIONS_CAP_NEW_MEMBER + 2):
            start(staff, [_member(community, f"n{i}", trust_level=0)], body="Welcome!")
        assert Conversation.objects.count() == 5


class TestWriting:
    def test_reply_counts_unread_for_the_others_only(
        self, start, send, community, member, newcomer, owner
    ):
        conversation = start(member, [newcomer, owner])
        send(newcomer, conversation)
        send(newcomer, conversation)
        unread = dict(conversation.participants.values_list("user__username", "unread_count"))
        assert unread == {"mel": 2, "nico": 0, "olivia": 3}
        assert selectors.unread_total(actor_for(owner, community)) == 3

    def test_reading_marks_read(self, start, community, member, newcomer):
        conversation = start(member, [newcomer])
        actor = actor_for(newcomer, community)
        services.conversation_mark_read(actor=actor, conversation=conversation)
        assert selectors.unread_total(actor) == 0

    def test_a_blocked_member_cannot_write_but_the_conversation_stays_readable(
        self, start, send, community, member, newcomer
    ):
        conversation = start(member, [newcomer])
        services.member_block(actor=actor_for(newcomer, community), user=member)
        with pytest.raises(PermissionDenied, match="no longer send"):
            send(member, conversation, body="are you there?")
        assert not Message.objects.filter(body="are you there?").exists()
        assert selectors.conversation_for(actor_for(member, community), conversation.pk)
        # The blocker can still write, and unblocking restores the other side.
        send(newcomer, conversation, body="please stop")
        services.member_unblock(actor=actor_for(newcomer, community), user=member)
        send(member, conversation, body="sorry")

    def test_messages_off_does_not_close_existing_conversations(
        self, start, send, community, member, newcomer
    ):
        conversation = start(member, [newcomer])
        services.messaging_preference_set(
            actor=actor_for(newcomer, community), accepts_messages=False
        )
        send(member, conversation, body="still here")

    def test_a_banned_participant_cannot_write_or_see(
        self, start, send, community, member, newcomer
    ):
        conversation = start(member, [newcomer])
        newcomer.memberships.update(status=MembershipStatus.BANNED)
        with pytest.raises(PermissionDenied):
            send(newcomer, conversation)
        assert not policy.can_view_conversation(actor_for(newcomer, community), conversation)

    def test_non_participants_cannot_write(self, start, send, member, newcomer, owner):
        conversation = start(member, [newcomer])
        with pytest.raises(PermissionDenied):
            send(owner, conversation, body="staff butting in")

    def test_leaving_hides_it_and_ends_a_one_to_one(self, start, send, community, member, newcomer):
        conversation = start(member, [newcomer])
        services.conversation_leave(actor=actor_for(newcomer, community), conversation=conversation)
        assert not selectors.inbox(actor_for(newcomer, community)).exists()
        assert not policy.can_view_conversation(actor_for(newcomer, community), conversation)
        with pytest.raises(PermissionDenied, match="Everyone else has left"):
            send(member, conversation)
        # A new message starts a new conversation rather than reopening the left one.
        assert start(member, [newcomer]).pk != conversation.pk

    def test_a_member_who_left_the_community_ends_a_one_to_one(self, start, send, member, newcomer):
        conversation = start(member, [newcomer])
        newcomer.memberships.update(status=MembershipStatus.LEFT)
        with pytest.raises(PermissionDenied, match="any more"):
            send(member, conversation)

    def test_a_conversation_of_another_community_is_not_visible(self, start, member, newcomer):
        from hearth.testing.factories import community_factory

        conversation = start(member, [newcomer])
        elsewhere = community_factory(owner=member)
        assert not policy.can_view_conversation(actor_for(member, elsewhere), conversation)


class TestBlocking:
    def test_a_block_records_an_event_once(self, community, member, newcomer):
        actor = actor_for(newcomer, community)
        services.member_block(actor=actor, user=member)
        services.member_block(actor=actor, user=member)
        assert Block.objects.count() == 1
        events = InteractionEvent.objects.filter(verb="member.block")
        assert [(e.actor, e.target_user) for e in events] == [(newcomer, member)]

    def test_you_cannot_block_yourself_staff_or_strangers(
        self, community, member, moderator, outsider
    ):
        actor = actor_for(member, community)
        for user, reason in ((member, "yourself"), (moderator, "staff"), (outsider, "no member")):
            with pytest.raises(PermissionDenied, match=reason):
                services.member_block(actor=actor, user=user)
        assert not Block.objects.exists()


class TestReports:
    def test_a_report_needs_a_reason_and_records_an_event_without_content(
        self, start, community, member, newcomer
    ):
        conversation = start(member, [newcomer], body="something nasty")
        actor = actor_for(newcomer, community)
        with pytest.raises(ValidationError, match="what is wrong"):
            services.conversation_report(actor=actor, conversation=conversation, reason="  ")
        report = services.conversation_report(
            actor=actor, conversation=conversation, reason="Harassment"
        )
        event = InteractionEvent.objects.get(verb="conversation.report")
        assert event.actor == newcomer and event.object_id == conversation.pk
        assert event.data == {"conversation": conversation.pk, "report": report.pk}
        with pytest.raises(PermissionDenied, match="already reported"):
            services.conversation_report(actor=actor, conversation=conversation, reason="again")

    def test_outsiders_to_the_conversation_cannot_report_it(
        self, start, community, member, newcomer, owner
    ):
        conversation = start(member, [newcomer])
        with pytest.raises(PermissionDenied):
            services.conversation_report(
                actor=actor_for(owner, community), conversation=conversation, reason="curious"
            )
        assert not ConversationReport.objects.exists()

    def test_staff_review_only_reported_conversations_and_every_reading_is_logged(
        self, start, community, member, newcomer, moderator
    ):
        conversation = start(member, [newcomer])
        staff = actor_for(moderator, community)
        assert not policy.can_review_conversation(staff, conversation)
        with pytest.raises(PermissionDenied):
            services.conversation_review_record(actor=staff, conversation=conversation)
        services.conversation_report(
            actor=actor_for(newcomer, community), conversation=conversation, reason="Spam"
        )
        assert policy.can_review_conversation(staff, conversation)
        assert not policy.can_review_conversation(actor_for(member, community), conversation)
        services.conversation_review_record(actor=staff, conversation=conversation)
        entry = StaffAction.objects.get(action="conversation.review")
        assert entry.actor == moderator and entry.details == {"conversation": conversation.pk}

    def test_resolving_closes_open_reports_once(
        self, start, community, member, newcomer, moderator
    ):
        conversation = start(member, [newcomer])
        services.conversation_report(
            actor=actor_for(newcomer, community), conversation=conversation, reason="Spam"
        )
        staff = actor_for(moderator, community)
        assert services.reports_resolve(actor=staff, conversation=conversation, note="Warned") == 1
        assert not ConversationReport.objects.filter(resolved_at__isnull=True).exists()
        assert StaffAction.objects.filter(action="conversation.report_resolve").count() == 1
        with pytest.raises(ValidationError, match="already resolved"):
            services.reports_resolve(actor=staff, conversation=conversation)
        assert selectors.open_report_count(community) == 0


class TestKeptUnreadTotal:
    """The Messages tab's total is kept in the cache: it must follow every change of the
    member's conversation rows, and a kept total costs no query."""

    @staticmethod
    def _uncached(user, community) -> int:
        rows = Participant.objects.filter(community=community, user=user, left_at__isnull=True)
        return sum(rows.values_list("unread_count", flat=True))

    def test_follows_sends_reads_leaves_and_new_conversations(
        self, start, send, community, member, newcomer, owner, django_assert_num_queries
    ):
        reader = actor_for(owner, community)
        assert selectors.unread_total(reader) == 0
        conversation = start(member, [newcomer, owner])
        assert selectors.unread_total(reader) == 1 == self._uncached(owner, community)
        send(newcomer, conversation)
        assert selectors.unread_total(reader) == 2
        with django_assert_num_queries(0):
            assert selectors.unread_total(reader) == 2
        other = start(newcomer, [owner], body="Just us")
        assert selectors.unread_total(reader) == 3
        services.conversation_mark_read(actor=reader, conversation=conversation)
        assert selectors.unread_total(reader) == 1 == self._uncached(owner, community)
        send(newcomer, other)
        assert selectors.unread_total(reader) == 2
        services.conversation_leave(actor=reader, conversation=other)
        assert selectors.unread_total(reader) == 0 == self._uncached(owner, community)
        # The sender's own total is not moved by their message; the others' are.
        assert selectors.unread_total(actor_for(newcomer, community)) == self._uncached(
            newcomer, community
        )

    def test_a_row_saved_or_deleted_directly_is_followed(self, start, community, member, owner):
        reader = actor_for(owner, community)
        conversation = start(member, [owner])
        assert selectors.unread_total(reader) == 1
        row = Participant.objects.get(conversation=conversation, user=owner)
        row.unread_count = 5
        row.save()
        assert selectors.unread_total(reader) == 5
        row.delete()
        assert selectors.unread_total(reader) == 0

    def test_kept_per_community(self, start, community, member, owner):
        conversation = start(member, [owner])
        assert selectors.unread_total(actor_for(owner, community)) == 1
        elsewhere = community_factory(slug="elsewhere")
        membership_factory(elsewhere, user=owner)
        assert selectors.unread_total(actor_for(owner, elsewhere)) == 0
        assert conversation.community_id == community.pk
