from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hearth.communities.models import Membership, MembershipStatus, StaffAction
from hearth.conversations import services as dm_services
from hearth.discussions import services as discussion_services
from hearth.moderation import services
from hearth.moderation.models import Flag, PostReview, ReviewSource, Sanction, SanctionKind
from hearth.testing.factories import actor_for, membership_factory, user_factory


def url(community, name, *args):
    return reverse(f"moderation:{name}", args=[community.slug, *args])


@pytest.fixture
def hidden(community, reply, flaggers):
    for user in flaggers:
        services.flag_create(actor=actor_for(user, community), post=reply, reason="spam")
    reply.refresh_from_db()
    return reply


def topic_url(post):
    return reverse("discussions:topic", args=[post.community.slug, post.topic.slug, post.topic_id])


class TestFlagPage:
    def test_member_flags_a_post_with_a_rule(self, client, community, reply, member):
        client.force_login(member)
        page = client.get(url(community, "flag-post", reply.pk)).content.decode()
        assert "Be kind." in page and "Stay on topic." in page
        response = client.post(
            url(community, "flag-post", reply.pk), {"reason": "rule", "rule": "Stay on topic."}
        )
        assert response.status_code == 302
        assert Flag.objects.get().rule == "Stay on topic."
        mine = client.get(url(community, "my-flags")).content.decode()
        assert "Waiting for review" in mine

    def test_the_flag_button_shows_only_where_flagging_is_allowed(
        self, client, community, reply, member, newcomer
    ):
        flag_url = url(community, "flag-post", reply.pk)
        client.force_login(member)
        assert flag_url in client.get(topic_url(reply), follow=True).content.decode()
        client.force_login(newcomer)  # the author
        assert flag_url not in client.get(topic_url(reply), follow=True).content.decode()

    def test_flagging_twice_shows_why_not(self, client, community, reply, member):
        client.force_login(member)
        client.post(url(community, "flag-post", reply.pk), {"reason": "spam"})
        response = client.post(url(community, "flag-post", reply.pk), {"reason": "spam"})
        assert response.status_code == 403
        assert "You already flagged this post" in response.content.decode()
        assert Flag.objects.count() == 1

    def test_missing_detail_is_shown_next_to_the_field(self, client, community, reply, member):
        client.force_login(member)
        response = client.post(url(community, "flag-post", reply.pk), {"reason": "other"})
        assert response.status_code == 200
        assert "Tell the moderators what is wrong." in response.content.decode()
        assert not Flag.objects.exists()

    def test_a_hidden_post_is_absent_for_others(self, client, community, hidden, member):
        client.force_login(member)
        assert client.get(url(community, "flag-post", hidden.pk)).status_code == 404


class TestHiddenPostEverywhere:
    def test_topic_page_hides_it_from_members_and_anonymous(
        self, client, community, hidden, member
    ):
        body = "Buy cheap seeds"
        assert body not in client.get(topic_url(hidden), follow=True).content.decode()
        client.force_login(member)
        assert body not in client.get(topic_url(hidden), follow=True).content.decode()

    def test_author_sees_it_with_why_and_staff_see_it(
        self, client, community, hidden, newcomer, moderator
    ):
        client.force_login(newcomer)
        page = client.get(topic_url(hidden), follow=True).content.decode()
        assert "Buy cheap seeds" in page
        assert "Hidden after flags from the community" in page and "Spam" in page
        client.force_login(moderator)
        assert "Buy cheap seeds" in client.get(topic_url(hidden), follow=True).content.decode()

    def test_search_does_not_find_it(self, client, community, hidden, member):
        client.force_login(member)
        search = reverse("search:community", args=[community.slug])
        assert "search-hit__title" not in client.get(search + "?q=cheap").content.decode()
        assert "search-hit__title" in client.get(search + "?q=first").content.decode()


class TestReviewQueue:
    @pytest.mark.parametrize("persona, status", [("member", 403), ("newcomer", 403)])
    def test_members_below_level_4_cannot_open_it(
        self, client, community, personas, persona, status
    ):
        client.force_login(personas[persona])
        assert client.get(url(community, "review")).status_code == status

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, community):
        response = client.get(url(community, "review"))
        assert response.status_code == 302 and "login" in response["Location"]

    def test_staff_see_every_kind_of_item(
        self, client, community, hidden, moderator, member, newcomer, owner
    ):
        applicant = user_factory(username="apply")
        membership_factory(community, user=applicant, status=MembershipStatus.PENDING)
        chat = dm_services.start_conversation(
            actor=actor_for(member, community), recipients=[newcomer], body="hi"
        )
        dm_services.conversation_report(
            actor=actor_for(newcomer, community), conversation=chat, reason="Creepy messages"
        )
        suspension = services.sanction_create(
            actor=actor_for(moderator, community),
            membership=Membership.objects.get(user=member),
            kind=SanctionKind.SUSPEND, reason="Rule 2", ends_at=timezone.now() + timedelta(days=2),
        )  # fmt: skip
        services.appeal_create(
            actor=actor_for(member, community), sanction=suspension, text="Please reconsider"
        )
        client.force_login(owner)
        page = client.get(url(community, "review")).content.decode()
        for text in ("Buy cheap seeds", "Creepy messages", "@apply", "Please reconsider"):
            assert text in page
        only_appeals = client.get(url(community, "review") + "?kind=appeals").content.decode()
        assert "Please reconsider" in only_appeals and "Creepy messages" not in only_appeals

    def test_leaders_see_flagged_posts_only(self, client, community, hidden, leader):
        membership_factory(community, user=user_factory(username="apply"), status="pending")
        client.force_login(leader)
        page = client.get(url(community, "review")).content.decode()
        assert "Buy cheap seeds" in page and "@apply" not in page
        assert "Suspend author" not in page

    def test_the_query_count_stays_flat(
        self, client, community, topic, moderator, django_assert_max_num_queries
    ):
        def add_items(n):
            for _ in range(n):
                author = membership_factory(community, user=user_factory(), trust_level=1).user
                post = discussion_services.post_reply(
                    actor=actor_for(author, community), topic=topic, body="more"
                )
                services.hold_post_for_review(
                    post=post, reason="x", source=ReviewSource.SPAM_SIGNAL
                )
                membership_factory(community, user=user_factory(), status="pending")

        client.force_login(moderator)
        add_items(2)
        with django_assert_max_num_queries(20) as few:
            assert client.get(url(community, "review")).status_code == 200
        add_items(8)
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get(url(community, "review")).status_code == 200

    def test_a_decision_without_a_reason_is_refused_with_a_message(
        self, client, community, hidden, moderator
    ):
        review = PostReview.objects.get(post=hidden)
        client.force_login(moderator)
        response = client.post(
            url(community, "review-post", review.pk), {"action": "approve", "note": ""}, follow=True
        )
        assert "Give a reason" in response.content.decode()
        review.refresh_from_db()
        assert review.status == "pending"

    def test_approve_from_the_queue_is_logged_and_flaggers_see_the_outcome(
        self, client, community, hidden, moderator, flaggers
    ):
        review = PostReview.objects.get(post=hidden)
        client.force_login(moderator)
        client.post(url(community, "review-post", review.pk), {"action": "approve", "note": "ok"})
        assert StaffAction.objects.filter(action="review.approve", actor=moderator).exists()
        client.force_login(flaggers[0])
        assert "Not upheld" in client.get(url(community, "my-flags")).content.decode()

    def test_join_requests_are_approved_from_the_queue(self, client, community, owner):
        applicant = membership_factory(
            community, user=user_factory(username="apply"), status=MembershipStatus.PENDING
        )
        client.force_login(owner)
        client.post(url(community, "review-join", applicant.pk), {"action": "approve"})
        applicant.refresh_from_db()
        assert applicant.status == MembershipStatus.ACTIVE
        assert StaffAction.objects.filter(action="request.approve").exists()


class TestSanctionPages:
    def test_sanction_form_refuses_an_end_in_the_past(self, client, community, moderator, member):
        membership = Membership.objects.get(user=member)
        client.force_login(moderator)
        response = client.post(
            url(community, "sanction-member", membership.pk),
            {"kind": "silence", "ends_at": "2001-01-01T10:00", "reason": "Rule 1"},
        )
        assert response.status_code == 200
        assert "Choose an end in the future." in response.content.decode()

    def test_moderator_cannot_open_the_form_for_an_admin(self, client, community, moderator, admin):
        membership = Membership.objects.get(user=admin)
        client.force_login(moderator)
        assert client.get(url(community, "sanction-member", membership.pk)).status_code == 403

    def test_the_member_sees_why_and_appeals_once(self, client, community, moderator, member):
        client.force_login(moderator)
        client.post(
            url(community, "sanction-member", Membership.objects.get(user=member).pk),
            {"kind": "suspend", "duration": "7", "reason": "Shouting at people"},
        )
        client.force_login(member)
        home = client.get(reverse("communities:home", args=[community.slug])).content.decode()
        assert "Your membership is suspended until" in home
        page = client.get(url(community, "sanction")).content.decode()
        assert "Shouting at people" in page and "Send appeal" in page
        sanction_id = Sanction.objects.get(user=member).pk
        client.post(url(community, "appeal", sanction_id), {"text": "Sorry"})
        response = client.post(
            url(community, "appeal", sanction_id), {"text": "Again"}, follow=True
        )
        assert "You already appealed this sanction" in response.content.decode()

    def test_moderation_settings_are_for_admins(self, client, community, moderator, owner):
        client.force_login(moderator)
        assert client.get(url(community, "settings")).status_code == 403
        client.force_login(owner)
        data = {"flag_threshold": "4", "approve_first_posts": "on"}
        data.update({f"weight_{i}": "1" for i in range(5)})
        assert client.post(url(community, "settings"), data).status_code == 302
        assert StaffAction.objects.filter(action="moderation.settings").exists()
