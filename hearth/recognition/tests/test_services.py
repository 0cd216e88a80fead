"""Staff writes: manual badges and grants, weights, the spotlight and featured content;
each refusal with its reason."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hearth.communities.models import Membership, StaffAction
from hearth.core.models import InteractionEvent
from hearth.discussions import services as discussion_services
from hearth.discussions.models import Post
from hearth.recognition import services
from hearth.recognition.models import Badge, Feature, ReputationSettings
from hearth.testing.factories import actor_for, community_factory, membership_factory


@pytest.fixture
def gardener(actor_of):
    return services.badge_create(
        actor=actor_of("owner"), name="Gardener", description="Keeps the beds tidy", icon="🌱"
    )


def membership(community, user):
    return Membership.objects.select_related("user").get(community=community, user=user)


class TestBadges:
    def test_admin_defines_and_grants_with_a_reason(self, community, actor_of, member, gardener):
        grant = services.badge_grant(
            actor=actor_of("admin"), badge=gardener, membership=membership(community, member),
            reason="Weeded every bed in May",
        )  # fmt: skip
        assert grant.reason == "Weeded every bed in May"
        gardener.refresh_from_db()
        assert gardener.holder_count == 1
        event = InteractionEvent.objects.get(verb="badge.grant")
        assert event.target_user == member
        assert StaffAction.objects.filter(action="badge.grant", target_user=member).exists()

    @pytest.mark.parametrize("persona", ["member", "moderator", "newcomer", "banned", "outsider"])
    def test_non_admins_cannot_grant(self, community, actor_of, member, gardener, persona):
        with pytest.raises(PermissionDenied):
            services.badge_grant(
                actor=actor_of(persona), badge=gardener,
                membership=membership(community, member), reason="Because",
            )  # fmt: skip

    def test_granting_twice_is_refused_with_a_clear_message(
        self, community, actor_of, member, gardener
    ):
        target = membership(community, member)
        services.badge_grant(actor=actor_of("owner"), badge=gardener, membership=target, reason="x")
        with pytest.raises(ValidationError, match="Mel already has the “Gardener” badge"):
            services.badge_grant(
                actor=actor_of("owner"), badge=gardener, membership=target, reason="again"
            )

    def test_automatic_badges_cannot_be_granted(self, community, actor_of, member):
        from hearth.recognition.awards import automatic_badges

        badge = automatic_badges(community)["welcomer"]
        with pytest.raises(PermissionDenied, match="earned, not granted"):
            services.badge_grant(
                actor=actor_of("owner"), badge=badge,
                membership=membership(community, member), reason="x",
            )  # fmt: skip

    def test_only_active_members_receive_badges(self, community, actor_of, banned, gardener):
        with pytest.raises(ValidationError, match="active member"):
            services.badge_grant(
                actor=actor_of("owner"), badge=gardener,
                membership=membership(community, banned), reason="x",
            )  # fmt: skip

    def test_badge_of_another_community_is_refused(self, community, actor_of, member):
        other = community_factory()
        foreign = Badge.objects.create(community=other, name="Foreign", icon="🌍")
        with pytest.raises(PermissionDenied, match="another community"):
            services.badge_grant(
                actor=actor_of("owner"), badge=foreign,
                membership=membership(community, member), reason="x",
            )  # fmt: skip

    def test_a_reason_is_required(self, community, actor_of, member, gardener):
        with pytest.raises(ValidationError, match="Say why"):
            services.badge_grant(
                actor=actor_of("owner"), badge=gardener,
                membership=membership(community, member), reason="   ",
            )  # fmt: skip

    @pytest.mark.parametrize(
        "name, icon, field",
        [
            ("G", "🌱", "name"),
            ("gardener", "🌱", "name"),  # taken, whatever the case
            ("First post", "🌱", "name"),  # an automatic badge's name
            ("Helper of the month", "A", "icon"),
            ("Helper of the month", "<b>", "icon"),
            ("Helper of the month", "", "icon"),
            ("Helper of the month", "🌱🌱🌱🌱🌱🌱🌱🌱🌱", "icon"),
        ],
    )
    def test_bad_definitions_are_refused(self, actor_of, gardener, name, icon, field):
        with pytest.raises(ValidationError) as info:
            services.badge_create(actor=actor_of("owner"), name=name, description="", icon=icon)
        assert field in info.value.message_dict

    def test_emoji_sequences_are_icons(self, actor_of):
        badge = services.badge_create(
            actor=actor_of("owner"), name="Team", description="", icon="👩🏽‍🌾"
        )
        assert badge.icon == "👩🏽‍🌾"

    def test_moderators_cannot_define_badges(self, actor_of):
        with pytest.raises(PermissionDenied):
            services.badge_create(
                actor=actor_of("moderator"), name="Mine", description="", icon="⭐"
            )


class TestWeights:
    def test_saving_reweighs(self, community, actor_of):
        services.reputation_settings_update(
            actor=actor_of("owner"),
            reaction_points=3,
            accepted_answer_points=20,
            idea_vote_points=0,
        )
        row = ReputationSettings.objects.get(community=community)
        assert (row.reaction_points, row.accepted_answer_points, row.idea_vote_points) == (3, 20, 0)

    @pytest.mark.parametrize("bad", [-1, 1001, "5", None, 2.5, True])
    def test_bad_weights_are_refused(self, actor_of, bad):
        with pytest.raises(ValidationError) as info:
            services.reputation_settings_update(
                actor=actor_of("owner"), reaction_points=bad, accepted_answer_points=1,
                idea_vote_points=1,
            )  # fmt: skip
        assert list(info.value.message_dict) == ["reaction_points"]

    def test_moderators_cannot_set_weights(self, actor_of):
        with pytest.raises(PermissionDenied):
            services.reputation_settings_update(
                actor=actor_of("moderator"), reaction_points=1, accepted_answer_points=1,
                idea_vote_points=1,
            )  # fmt: skip


class TestSpotlight:
    def test_new_spotlight_ends_the_previous_and_keeps_history(
        self, community, actor_of, member, newcomer
    ):
        first = services.spotlight_set(
            actor=actor_of("moderator"), membership=membership(community, member), text="**Star**"
        )
        assert "<strong>Star</strong>" in first.html
        services.spotlight_set(
            actor=actor_of("moderator"), membership=membership(community, newcomer), text="Hi"
        )
        first.refresh_from_db()
        assert first.ended_at is not None
        assert StaffAction.objects.filter(action="spotlight.set").count() == 2

    def test_markdown_is_rendered_safely(self, community, actor_of, member):
        spotlight = services.spotlight_set(
            actor=actor_of("owner"), membership=membership(community, member),
            text='<script>alert(1)</script> [x](javascript:alert(1))',
        )  # fmt: skip
        assert "<script>" not in spotlight.html
        assert 'href="javascript' not in spotlight.html

    def test_text_is_limited(self, community, actor_of, member):
        with pytest.raises(ValidationError, match="500"):
            services.spotlight_set(
                actor=actor_of("owner"), membership=membership(community, member), text="x" * 501
            )

    def test_member_of_another_community_is_refused(self, actor_of):
        other = community_factory()
        stranger = membership_factory(other)
        with pytest.raises(PermissionDenied, match="not a member of this community"):
            services.spotlight_set(actor=actor_of("owner"), membership=stranger, text="Hi")

    def test_members_cannot_choose(self, community, actor_of, member):
        with pytest.raises(PermissionDenied):
            services.spotlight_set(
                actor=actor_of("member"), membership=membership(community, member), text="Me!"
            )


class TestFeature:
    def test_staff_feature_a_post_with_a_note(self, community, actor_of, topic, newcomer):
        reply = discussion_services.post_reply(
            actor=actor_for(newcomer, community), topic=topic, body="Great tip"
        )
        feature = services.feature_add(
            actor=actor_of("moderator"), topic=topic, post=reply, note="So useful"
        )
        assert (feature.post, feature.note) == (reply, "So useful")
        assert StaffAction.objects.filter(action="feature.add", target_user=newcomer).exists()
        with pytest.raises(ValidationError, match="already featured"):
            services.feature_add(actor=actor_of("moderator"), topic=topic, post=reply)

    def test_content_of_another_community_is_refused(self, actor_of):
        other = community_factory()
        from hearth.discussions.models import Category

        foreign = discussion_services.topic_create(
            actor=actor_for(other.created_by, other),
            category=Category.objects.get(community=other, slug="general"),
            title="Elsewhere", body="x",
        )  # fmt: skip
        with pytest.raises(PermissionDenied, match="another community"):
            services.feature_add(actor=actor_of("owner"), topic=foreign)

    @pytest.mark.parametrize("access", ["members", "staff", "admins"])
    def test_content_of_a_hidden_category_is_refused(self, community, actor_of, access):
        owner = actor_of("owner")
        hidden = discussion_services.category_create(
            actor=owner, name="Back room", read_access=access
        )
        secret = discussion_services.topic_create(
            actor=owner, category=hidden, title="Plans", body="x"
        )
        with pytest.raises(PermissionDenied, match="everyone can read"):
            services.feature_add(actor=owner, topic=secret)
        assert not Feature.objects.exists()

    def test_a_post_of_another_topic_is_refused(self, community, actor_of, topic, general):
        other = discussion_services.topic_create(
            actor=actor_of("owner"), category=general, title="Other", body="x"
        )
        with pytest.raises(PermissionDenied, match="not in this topic"):
            services.feature_add(
                actor=actor_of("owner"), topic=topic, post=Post.objects.get(topic=other)
            )

    def test_members_cannot_feature(self, actor_of, topic):
        with pytest.raises(PermissionDenied):
            services.feature_add(actor=actor_of("member"), topic=topic)
