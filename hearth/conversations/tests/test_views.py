import re

import pytest
from django.urls import reverse

from hearth.communities.models import StaffAction
from hearth.conversations import policy, services
from hearth.conversations.models import Block, Conversation, ConversationReport, Message
from hearth.testing.factories import actor_for, membership_factory, user_factory


def url(name, *args):
    return reverse(f"conversations:{name}", args=["garden", *args])


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def chat(start, member, newcomer):
    return start(member, [newcomer], body="Do you want some **tomato** seeds?")


MEMBER_GETS = ["inbox", "new", "blocked"]
MEMBER_POSTS = ["preferences", "blocked"]


class TestWhoGetsIn:
    def test_anonymous_is_sent_to_sign_in_everywhere(self, client, chat):
        for name, args in [
            *((n, ()) for n in MEMBER_GETS),
            ("conversation", (chat.pk,)),
            ("reports", ()),
            ("review", (chat.pk,)),
        ]:
            response = client.get(url(name, *args))
            assert response.status_code == 302, name
            assert "/accounts/login/" in response["Location"]
        for name, args in [
            *((n, ()) for n in MEMBER_POSTS),
            ("leave", (chat.pk,)),
            ("report", (chat.pk,)),
            ("resolve", (chat.pk,)),
            ("unblock", (1,)),
        ]:
            assert client.post(url(name, *args)).status_code == 302, name
        assert Conversation.objects.count() == 1 and not ConversationReport.objects.exists()

    @pytest.mark.parametrize("persona", ["outsider", "banned"])
    def test_outsiders_and_banned_members_find_nothing(self, as_user, personas, chat, persona):
        c = as_user(personas[persona])
        for name in MEMBER_GETS:
            assert c.get(url(name)).status_code == 404, name
        assert c.get(url("new") + "?to=mel").status_code == 404
        assert c.get(url("conversation", chat.pk)).status_code == 404
        for name in MEMBER_POSTS:
            assert c.post(url(name), {"username": "mel"}).status_code == 404, name
        assert c.post(url("leave", chat.pk)).status_code == 404
        assert c.post(url("report", chat.pk), {"reason": "x"}).status_code == 404
        assert c.post(url("unblock", 1)).status_code == 404
        # Staff pages: not staff here.
        assert c.get(url("reports")).status_code in (403, 404)
        assert c.get(url("review", chat.pk)).status_code in (403, 404)
        assert c.post(url("resolve", chat.pk)).status_code in (403, 404)
        assert not Block.objects.exists() and not ConversationReport.objects.exists()

    def test_members_not_in_a_conversation_get_404(self, as_user, chat, owner, admin):
        for user in (owner, admin):
            c = as_user(user)
            assert c.get(url("conversation", chat.pk)).status_code == 404
            assert c.post(url("conversation", chat.pk), {"body": "hi"}).status_code == 404
            assert c.post(url("leave", chat.pk)).status_code == 404
            assert c.post(url("report", chat.pk), {"reason": "x"}).status_code == 404
        assert Message.objects.count() == 1

    def test_a_private_community_hides_messages_from_outsiders(self, as_user, outsider, community):
        community.visibility = "private"
        community.save()
        assert as_user(outsider).get(url("inbox")).status_code == 404


class TestStaffReview:
    def test_staff_cannot_open_an_unreported_conversation(self, as_user, chat, moderator):
        c = as_user(moderator)
        assert c.get(url("conversation", chat.pk)).status_code == 404
        assert c.get(url("review", chat.pk)).status_code == 404
        assert c.post(url("resolve", chat.pk)).status_code == 404
        assert not StaffAction.objects.filter(action="conversation.review").exists()

    def test_staff_open_a_reported_conversation_read_only_up_to_the_report_and_it_is_logged(
        self, as_user, community, chat, send, member, newcomer, moderator
    ):
        services.conversation_report(
            actor=actor_for(newcomer, community), conversation=chat, reason="Unwanted seeds"
        )
        send(member, chat, body="written after the report")
        c = as_user(moderator)
        # The old reports page now lands in the review queue, where the report is listed.
        queue = c.get(url("reports"), follow=True).content.decode()
        assert "Unwanted seeds" in queue
        page = c.get(url("review", chat.pk)).content.decode()
        assert "<strong>tomato</strong>" in page
        assert "written after the report" not in page
        assert 'name="body"' not in page
        # Still a stranger on the participants' page.
        assert c.get(url("conversation", chat.pk)).status_code == 404
        c.get(url("review", chat.pk))
        log = StaffAction.objects.filter(action="conversation.review", actor=moderator)
        assert log.count() == 2
        response = c.post(url("resolve", chat.pk), {"note": "Talked to Mel"})
        assert response.status_code == 302 and "/review/" in response["Location"]
        assert not ConversationReport.objects.filter(resolved_at__isnull=True).exists()
        assert "Unwanted seeds" not in c.get(url("reports"), follow=True).content.decode()

    def test_members_cannot_open_the_report_queue(self, as_user, member):
        assert as_user(member).get(url("reports")).status_code == 403


class TestConversationPage:
    def test_reading_marks_read_and_the_nav_shows_the_unread_badge(
        self, as_user, chat, send, member, newcomer
    ):
        send(member, chat, body="and some basil")
        c = as_user(newcomer)
        home = c.get(reverse("communities:home", args=["garden"])).content.decode()
        assert re.search(r'class="count dm-tab-count" data-unread="2"', home)
        inbox = c.get(url("inbox")).content.decode()
        assert "dm-row--unread" in inbox and "and some basil" in inbox
        page = c.get(url("conversation", chat.pk)).content.decode()
        assert "<strong>tomato</strong>" in page and "unread-divider" in page
        home = c.get(reverse("communities:home", args=["garden"])).content.decode()
        assert "dm-tab-count" not in home and ">Messages<" in home

    def test_the_messages_tab_is_only_for_members(self, client, as_user, outsider, chat):
        home = reverse("communities:home", args=["garden"])
        assert ">Messages<" not in client.get(home).content.decode()
        assert ">Messages<" not in as_user(outsider).get(home).content.decode()

    def test_reply(self, as_user, chat, newcomer, member):
        c = as_user(newcomer)
        response = c.post(url("conversation", chat.pk), {"body": "Yes please!"})
        message = Message.objects.get(body="Yes please!")
        assert response["Location"].endswith(f"#m-{message.pk}")
        assert Conversation.objects.get(pk=chat.pk).last_message == message

    def test_an_empty_reply_shows_an_error(self, as_user, chat, newcomer):
        response = as_user(newcomer).post(url("conversation", chat.pk), {"body": "  "})
        assert response.status_code == 200
        assert Message.objects.count() == 1

    def test_over_the_cap_the_reply_is_refused_with_a_clear_message(
        self, as_user, chat, send, newcomer
    ):
        for _ in range(policy.DM_DAILY_CAP_NEW_MEMBER):
            send(newcomer, chat)
        response = as_user(newcomer).post(url("conversation", chat.pk), {"body": "eleven"})
        assert response.status_code == 200
        assert "New members can send 10 direct messages a day" in response.content.decode()
        assert not Message.objects.filter(body="eleven").exists()

    def test_blocked_members_see_why_they_cannot_write(
        self, as_user, community, chat, member, newcomer
    ):
        services.member_block(actor=actor_for(newcomer, community), user=member)
        page = as_user(member).get(url("conversation", chat.pk)).content.decode()
        assert "You can no longer send messages" in page
        assert 'name="body"' not in page

    def test_block_and_unblock_from_the_conversation(self, as_user, chat, newcomer, member):
        c = as_user(newcomer)
        back = url("conversation", chat.pk)
        response = c.post(url("blocked"), {"username": "mel", "next": back})
        assert response["Location"] == back
        assert Block.objects.filter(blocker=newcomer, blocked=member).exists()
        assert "Mel" in c.get(url("blocked")).content.decode()
        c.post(url("unblock", member.pk), {"next": back})
        assert not Block.objects.exists()

    def test_blocking_an_unknown_name_says_so(self, as_user, newcomer):
        c = as_user(newcomer)
        response = c.post(url("blocked"), {"username": "nobody"}, follow=True)
        assert "There is no member of that name here." in response.content.decode()

    def test_leave(self, as_user, chat, newcomer):
        c = as_user(newcomer)
        assert c.post(url("leave", chat.pk)).status_code == 302
        assert c.get(url("conversation", chat.pk)).status_code == 404
        assert "No conversations yet" in c.get(url("inbox")).content.decode()

    def test_report_from_the_page(self, as_user, chat, newcomer):
        c = as_user(newcomer)
        c.post(url("report", chat.pk), {"reason": "Pushy"})
        assert ConversationReport.objects.get().reason == "Pushy"
        assert "already reported" in c.get(url("conversation", chat.pk)).content.decode()
        response = c.post(url("report", chat.pk), {"reason": ""}, follow=True)
        assert "Tell the moderators" in response.content.decode()


class TestNewConversation:
    def test_to_prefills_and_introduces_the_recipient(self, as_user, member, newcomer, outsider):
        c = as_user(member)
        page = c.get(url("new") + "?to=nico").content.decode()
        assert 'value="nico"' in page and "Nico" in page
        assert "No member named @otto here." in c.get(url("new") + "?to=otto").content.decode()

    def test_start_from_the_form(self, as_user, member, newcomer, owner):
        c = as_user(member)
        response = c.post(
            url("new"), {"to": "@nico, OLIVIA", "subject": "Seeds", "body": "Hello *both*"}
        )
        conversation = Conversation.objects.get()
        assert response["Location"].startswith(url("conversation", conversation.pk))
        assert conversation.subject == "Seeds"
        assert conversation.participants.count() == 3

    @pytest.mark.parametrize("name", ["nobody", "otto", "bart"])
    def test_unknown_outsider_and_banned_names_look_alike(
        self, as_user, member, outsider, banned, name
    ):
        response = as_user(member).post(url("new"), {"to": name, "body": "hi"})
        assert f"No member named @{name} here." in response.content.decode()
        assert not Conversation.objects.exists()

    def test_denials_are_shown_on_the_form(self, as_user, community, member, newcomer):
        services.messaging_preference_set(
            actor=actor_for(newcomer, community), accepts_messages=False
        )
        c = as_user(member)
        assert "turned off direct messages" in c.get(url("new") + "?to=nico").content.decode()
        response = c.post(url("new"), {"to": "nico", "body": "hi"})
        assert "turned off direct messages" in response.content.decode()
        assert not Conversation.objects.exists()

    def test_too_many_names(self, as_user, member):
        names = ", ".join(f"user{i}" for i in range(10))
        response = as_user(member).post(url("new"), {"to": names, "body": "hi"})
        assert "at most 10 people" in response.content.decode()

    def test_preferences_toggle(self, as_user, member):
        c = as_user(member)
        c.post(url("preferences"), {})
        assert "Direct messages are off" in c.get(url("inbox")).content.decode()
        c.post(url("preferences"), {"accepts_messages": "on"})
        assert "Direct messages are on" in c.get(url("inbox")).content.decode()


class TestQueryCounts:
    def _conversations(self, community, start, user, n):
        """n conversations with ``user``: one-to-ones and, every other one, a group."""
        for i in range(n):
            others = [
                membership_factory(community, user=user_factory(), trust_level=1).user
                for _ in range(1 + i % 2)
            ]
            start(others[0], [user, *others[1:]], body=f"hello {i}", subject=f"Chat {i}")

    def test_the_inbox_costs_the_same_for_3_and_15_conversations(
        self, as_user, community, start, member, django_assert_max_num_queries
    ):
        c = as_user(member)
        self._conversations(community, start, member, 3)
        with django_assert_max_num_queries(12) as few:
            c.get(url("inbox"))
        self._conversations(community, start, member, 12)
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = c.get(url("inbox")).content.decode()
        assert page.count('class="row dm-row') == 15

    def test_the_conversation_page_costs_the_same_for_few_and_many_messages(
        self, as_user, start, send, member, newcomer, owner, django_assert_max_num_queries
    ):
        conversation = start(member, [newcomer, owner], body="first")
        c = as_user(newcomer)
        with django_assert_max_num_queries(21) as few:
            c.get(url("conversation", conversation.pk))
        for _ in range(40):
            send(owner, conversation)
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = c.get(url("conversation", conversation.pk)).content.decode()
        assert page.count('<li class="dm-message') == 30
