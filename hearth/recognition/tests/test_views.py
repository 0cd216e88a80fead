"""Badge pages, the leaderboard, the staff pages and the home-page panels."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from hearth.communities.models import Membership, Visibility
from hearth.core.models import InteractionEvent
from hearth.discussions import services as discussion_services
from hearth.discussions.models import Category
from hearth.recognition import awards, reputation, services
from hearth.recognition.models import Badge, BadgeGrant, Feature, ReputationSettings, Spotlight
from hearth.testing.factories import actor_for, community_factory, membership_factory, user_factory


def url(name, *args, slug="garden"):
    return reverse(f"recognition:{name}", args=[slug, *args])


@pytest.fixture
def gardener(actor_of):
    return services.badge_create(
        actor=actor_of("owner"), name="Gardener", description="", icon="🌱"
    )


def _holders(community, badge, n):
    for _ in range(n):
        awards.grant(badge, membership_factory(community).user, reason="Kind")


class TestBadgePages:
    def test_list_shows_automatic_and_manual_badges_with_counts(self, client, community, gardener):
        _holders(community, gardener, 2)
        body = client.get(url("badges")).content.decode()
        assert "Welcomer" in body and "Conversation starter" in body
        assert "Gardener" in body and "2 members" in body

    def test_holders_newest_first_with_reason(self, client, community, gardener, member):
        _holders(community, gardener, 1)
        awards.grant(gardener, member, reason="Saved the tomatoes")
        body = client.get(url("badge", gardener.pk)).content.decode()
        assert body.index("Mel") < body.index("User")
        assert "Saved the tomatoes" in body

    def test_badge_of_another_community_is_404(self, client, community):
        other = Badge.objects.create(community=community_factory(), name="Away", icon="🌍")
        assert client.get(url("badge", other.pk)).status_code == 404

    def test_private_community_badges_are_hidden_from_outsiders(self, client, outsider):
        private = community_factory(visibility=Visibility.PRIVATE, slug="hidden")
        client.force_login(outsider)
        assert client.get(url("badges", slug="hidden")).status_code == 404
        assert private.slug == "hidden"

    def test_holders_page_query_count_is_flat(
        self, client, community, gardener, django_assert_max_num_queries
    ):
        _holders(community, gardener, 2)
        with django_assert_max_num_queries(20) as few:
            assert client.get(url("badge", gardener.pk)).status_code == 200
        _holders(community, gardener, 25)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(url("badge", gardener.pk))

    def test_member_badges_tag(self, community, member, gardener):
        awards.grant(gardener, member, reason="x")
        html = Template("{% load recognition %}{% member_badges m %}").render(
            Context({"m": Membership.objects.get(user=member), "community": community})
        )
        assert "🌱" in html and "Gardener" in html and f"/badges/{gardener.pk}/" in html


def _appreciate(community, target, n):
    for _ in range(n):
        giver = membership_factory(community).user
        event = InteractionEvent.objects.create(
            community=community, actor=giver, target_user=target, verb="post.react",
            object_id=1, created_at=timezone.now(),
        )  # fmt: skip
        reputation.apply_events(community, [event])


class TestLeaderboard:
    @pytest.mark.parametrize("period", ["week", "month", "all"])
    def test_ranks_active_members_by_points(
        self, client, community, member, newcomer, banned, period
    ):
        _appreciate(community, member, 3)
        _appreciate(community, newcomer, 1)
        _appreciate(community, banned, 5)
        body = client.get(url("leaderboard") + f"?period={period}").content.decode()
        assert body.index("Mel") < body.index("Nico")
        assert "Bart" not in body

    def test_bad_period_falls_back_with_a_message(self, client, community):
        response = client.get(url("leaderboard") + "?period=decade")
        assert response.status_code == 200
        assert response.context["period"] == "week"
        assert "There is no “decade” leaderboard" in response.content.decode()

    def test_weights_apply(self, client, community, member):
        ReputationSettings.objects.create(community=community, reaction_points=7)
        _appreciate(community, member, 1)
        reputation.reweigh(community)
        for period in ("week", "all"):
            standings = client.get(url("leaderboard") + f"?period={period}").context["standings"]
            assert [(s.user, s.points) for s in standings] == [(member, 7)]

    @pytest.mark.parametrize("period", ["week", "all"])
    def test_query_count_is_flat(self, client, community, period, django_assert_max_num_queries):
        _appreciate(community, membership_factory(community).user, 1)
        with django_assert_max_num_queries(20) as few:
            client.get(url("leaderboard") + f"?period={period}")
        for _ in range(15):
            _appreciate(community, membership_factory(community).user, 1)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(url("leaderboard") + f"?period={period}")
        assert len(response.context["standings"]) == 16


STAFF_PAGES = ["manage-badges", "manage-highlights", "manage-reputation"]


class TestStaffPages:
    @pytest.mark.parametrize("persona", ["member", "newcomer", "banned", "outsider"])
    def test_non_staff_are_refused(self, client, personas, persona):
        client.force_login(personas[persona])
        for name in STAFF_PAGES:
            assert client.get(url(name)).status_code == 403, name

    def test_anonymous_is_sent_to_login(self, client, community):
        for name in STAFF_PAGES:
            assert client.get(url(name)).status_code == 302, name

    def test_outsiders_of_a_private_community_get_404(self, client, outsider):
        community_factory(visibility=Visibility.PRIVATE, slug="hidden")
        client.force_login(outsider)
        for name in STAFF_PAGES:
            assert client.get(url(name, slug="hidden")).status_code == 404, name

    def test_moderators_choose_highlights_but_not_badges_or_weights(self, client, moderator):
        client.force_login(moderator)
        assert client.get(url("manage-highlights")).status_code == 200
        assert client.get(url("manage-badges")).status_code == 403
        assert client.get(url("manage-reputation")).status_code == 403

    def test_owner_sees_every_page(self, client, community, owner):
        client.force_login(owner)
        for name in STAFF_PAGES:
            assert client.get(url(name)).status_code == 200, name

    def test_member_cannot_grant_a_badge(self, client, member, newcomer, gardener):
        client.force_login(member)
        response = client.post(
            url("badge-grant"), {"badge": gardener.pk, "username": "nico", "reason": "Me"}
        )
        assert response.status_code == 403
        assert not BadgeGrant.objects.exists()

    def test_owner_defines_and_grants_then_twice_is_refused(self, client, owner, member):
        client.force_login(owner)
        response = client.post(
            url("badge-create"), {"icon": "🌻", "name": "Sunflower", "description": "Bright"}
        )
        assert response.status_code == 302
        badge = Badge.objects.get(name="Sunflower")
        data = {"badge": badge.pk, "username": "@Mel", "reason": "Always cheerful"}
        assert client.post(url("badge-grant"), data).status_code == 302
        again = client.post(url("badge-grant"), data)
        assert again.status_code == 400
        assert "already has the “Sunflower” badge" in again.content.decode()
        assert BadgeGrant.objects.filter(badge=badge).count() == 1

    def test_grant_to_unknown_username_is_refused(self, client, owner, gardener, outsider):
        client.force_login(owner)
        response = client.post(
            url("badge-grant"), {"badge": gardener.pk, "username": "otto", "reason": "x"}
        )
        assert response.status_code == 400
        assert "No member of this community has that username" in response.content.decode()

    @pytest.mark.parametrize(
        "value, message",
        [
            ("-1", "greater than or equal to 0"),
            ("lots", "Enter a whole number"),
            ("1001", "less than"),
        ],
    )
    def test_weights_form_rejects_bad_values(self, client, community, owner, value, message):
        client.force_login(owner)
        response = client.post(
            url("manage-reputation"),
            {"reaction_points": value, "accepted_answer_points": "15", "idea_vote_points": "2"},
        )
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not ReputationSettings.objects.exists()

    def test_weights_form_saves(self, client, owner, community):
        client.force_login(owner)
        response = client.post(
            url("manage-reputation"),
            {"reaction_points": "2", "accepted_answer_points": "10", "idea_vote_points": "0"},
        )
        assert response.status_code == 302
        assert reputation.weights(community) == {
            "reaction_points": 2, "accepted_answer_points": 10, "idea_vote_points": 0,
        }  # fmt: skip


class TestHighlights:
    def test_feature_by_post_address(self, client, community, moderator, topic, newcomer):
        reply = discussion_services.post_reply(
            actor=actor_for(newcomer, community), topic=topic, body="Tip"
        )
        client.force_login(moderator)
        address = f"http://testserver/c/garden/t/{topic.slug}/{topic.pk}/#post-{reply.number}"
        response = client.post(url("feature-add"), {"reference": address, "note": "Lovely"})
        assert response.status_code == 302
        assert Feature.objects.get().post == reply

    @pytest.mark.parametrize(
        "reference, message",
        [
            ("/c/elsewhere/t/x/1/", "another community"),
            ("https://example.com/", "Paste the address"),
            ("999999", "No topic with that number"),
        ],
    )
    def test_bad_references_are_refused(self, client, community, owner, reference, message):
        client.force_login(owner)
        response = client.post(url("feature-add"), {"reference": reference})
        assert response.status_code == 400
        assert message in response.content.decode()

    def test_topic_number_of_another_community_is_not_found(self, client, community, owner):
        other = community_factory()
        foreign = discussion_services.topic_create(
            actor=actor_for(other.created_by, other),
            category=Category.objects.get(community=other, slug="general"),
            title="Elsewhere", body="x",
        )  # fmt: skip
        client.force_login(owner)
        response = client.post(url("feature-add"), {"reference": str(foreign.pk)})
        assert "No topic with that number in this community" in response.content.decode()
        assert not Feature.objects.exists()

    def test_hidden_category_is_refused_on_the_form(self, client, owner, actor_of):
        hidden = discussion_services.category_create(
            actor=actor_of("owner"), name="Staff room", read_access="staff"
        )
        secret = discussion_services.topic_create(
            actor=actor_of("owner"), category=hidden, title="Secret", body="x"
        )
        client.force_login(owner)
        response = client.post(url("feature-add"), {"reference": str(secret.pk)})
        assert response.status_code == 400
        assert "Only content everyone can read" in response.content.decode()

    def test_spotlight_through_the_page(self, client, owner, member):
        client.force_login(owner)
        response = client.post(url("spotlight-set"), {"username": "mel", "text": "Our **star**"})
        assert response.status_code == 302
        assert Spotlight.objects.get().user == member
        client.post(url("spotlight-end"))
        assert Spotlight.objects.get().ended_at is not None

    def test_home_shows_spotlight_and_readable_highlights(
        self, client, community, actor_of, member, topic
    ):
        owner = actor_of("owner")
        services.spotlight_set(
            actor=owner, membership=Membership.objects.get(user=member), text="Grows *everything*"
        )
        services.feature_add(actor=owner, topic=topic, note="A warm hello")
        body = client.get("/c/garden/").content.decode()
        assert "Member spotlight" in body and "Grows <em>everything</em>" in body
        assert "Highlights from members" in body and "A warm hello" in body
        # The category is tightened after featuring: visitors no longer see it.
        Category.objects.filter(pk=topic.category_id).update(read_access="members")
        body = client.get("/c/garden/").content.decode()
        assert "A warm hello" not in body

    def test_home_hides_spotlight_of_a_member_who_left(self, client, community, actor_of, member):
        services.spotlight_set(
            actor=actor_of("owner"), membership=Membership.objects.get(user=member), text="Hi"
        )
        Membership.objects.filter(user=member).update(status="left")
        assert "Member spotlight" not in client.get("/c/garden/").content.decode()

    def test_home_panels_query_count_is_small(
        self, community, actor_of, member, topic, django_assert_max_num_queries
    ):
        services.feature_add(actor=actor_of("owner"), topic=topic)
        request = RequestFactory().get("/c/garden/")
        request.community, request.actor = community, actor_for(user_factory(), community)
        with django_assert_max_num_queries(3):
            Template("{% load recognition %}{% recognition_panels %}").render(
                Context({"request": request})
            )


class TestHighlightsShowOnlyReadableTopics:
    @pytest.fixture
    def tightened_feature(self, community, owner, topic):
        """A topic featured while public, whose category was then made admins-only."""
        feature = services.feature_add(actor=actor_for(owner, community), topic=topic)
        Category.objects.filter(pk=topic.category_id).update(read_access="admins")
        return feature

    def _page(self, client, user):
        client.force_login(user)
        return client.get(reverse("recognition:manage-highlights", args=["garden"]))

    def test_moderators_do_not_see_features_they_cannot_read(
        self, client, admin, moderator, tightened_feature
    ):
        assert "Hello garden" in self._page(client, admin).content.decode()
        page = self._page(client, moderator).content.decode()
        assert "Hello garden" not in page and "General" not in page

    def test_moderators_cannot_remove_it_by_number(self, client, moderator, tightened_feature):
        client.force_login(moderator)
        path = reverse("recognition:feature-remove", args=["garden", tightened_feature.pk])
        response = client.post(path, follow=True)
        assert response.status_code == 404
        assert "Hello garden" not in response.content.decode()
        assert Feature.objects.get().removed_at is None

    def test_a_topic_the_moderator_cannot_read_is_not_found(
        self, client, community, owner, moderator
    ):
        secret = discussion_services.category_create(
            actor=actor_for(owner, community), name="Board", read_access="admins"
        )
        topic = discussion_services.topic_create(
            actor=actor_for(owner, community), category=secret, title="Board minutes", body="x"
        )
        client.force_login(moderator)
        path = reverse("recognition:feature-add", args=["garden"])
        response = client.post(path, {"reference": str(topic.pk)})
        assert response.status_code == 400
        assert "No topic with that number in this community" in response.content.decode()
