from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from hearth.communities.models import Membership
from hearth.core.models import InteractionEvent
from hearth.discussions import selectors as discussion_selectors
from hearth.discussions import services as discussion_services
from hearth.discussions.models import ReadAccess
from hearth.members import directory, like_you, policy, selectors, services
from hearth.members.consumers import profile_activity
from hearth.members.models import MemberProfile
from hearth.qa.services import answer_accept
from hearth.testing.factories import actor_for, membership_factory, user_factory


def _filters(actor, community, query: str):
    questions = directory.answer_filter_questions(actor, community)
    return directory.directory_filters(actor, community, QueryDict(query), questions)


def _listed(actor, community, query: str = "") -> list[str]:
    filters = _filters(actor, community, query)
    return [p.user.username for p in directory.directory(actor, community, filters)]


class TestVisibility:
    def test_hidden_member_is_not_listed_anywhere(self, community, member, newcomer, edit):
        edit(member, interests=["Owls"], hide_from_directory=True)
        edit(newcomer, interests=["Owls"])
        viewer = actor_for(newcomer, community)
        assert "mel" not in _listed(viewer, community)
        assert "mel" not in _listed(viewer, community, "interest=owls")
        assert "mel" not in _listed(viewer, community, "q=mel")
        mentions = discussion_selectors.mention_candidates(viewer, community, "me")
        assert "mel" not in [m["username"] for m in mentions]
        assert like_you.members_like_you(viewer, community) == []

    def test_visible_member_is_listed(self, community, member, newcomer, edit):
        edit(member, interests=["Owls"])
        edit(newcomer, interests=["Owls"])
        viewer = actor_for(newcomer, community)
        assert "mel" in _listed(viewer, community, "interest=owls")
        assert "mel" in [
            m["username"] for m in discussion_selectors.mention_candidates(viewer, community, "me")
        ]
        assert [s.profile.user.username for s in like_you.members_like_you(viewer, community)] == [
            "mel"
        ]

    @pytest.mark.parametrize("who, sees", [("anonymous", False), ("outsider", False),
                                           ("newcomer", True), ("owner", True)])  # fmt: skip
    def test_members_only_profiles(self, community, personas, member, edit, profile_of, who, sees):
        edit(member, hide_from_non_members=True)
        actor = actor_for(personas[who], community)
        assert policy.can_view_profile(actor, profile_of(member)) is sees
        assert ("mel" in _listed(actor, community)) is sees

    def test_banned_and_left_members_are_not_listed(self, community, banned, member):
        Membership.objects.filter(user=member).update(status="left")
        listed = _listed(actor_for(None, community), community)
        assert "bart" not in listed and "mel" not in listed


class TestDirectoryFilters:
    def test_unknown_fields_and_values_are_ignored_with_notices(self, community, member):
        filters = _filters(
            actor_for(member, community),
            community,
            "colour=red&interest=nope&answer=99:x&show=weird&sort=random&q=mel",
        )
        assert filters.query == "mel"
        assert filters.interest is None and filters.question is None
        assert filters.show == "all" and filters.sort == "joined"
        assert len(filters.notices) == 5
        assert "“colour”" in filters.notices[0]

    def test_staff_only_question_is_not_a_filter_for_members(
        self, community, owner, member, actor_of
    ):
        question = services.profile_question_save(
            actor=actor_of("owner"), text="Secret?", kind="choice", choices=["a", "b"],
            is_public=False,
        )  # fmt: skip
        assert _filters(actor_of("member"), community, f"answer={question.pk}:a").question is None
        assert (
            _filters(actor_of("owner"), community, f"answer={question.pk}:a").question == question
        )

    def test_filter_by_answer(self, community, member, newcomer, edit, questions):
        required = questions["subjects"].pk
        edit(member, answers={questions["camera"].pk: "X2", required: ["Birds"]})
        edit(newcomer, answers={questions["camera"].pk: "X1", required: ["Birds"]})
        query = f"answer={questions['camera'].pk}:X2"
        assert _listed(actor_for(newcomer, community), community, query) == ["mel"]

    def test_name_search(self, community, member, newcomer):
        actor = actor_for(member, community)
        assert _listed(actor, community, "q=ni") == ["nico"]
        assert _listed(actor, community, "q=NICO") == ["nico"]

    def test_new_this_week(self, community, member, newcomer):
        now = timezone.now()
        Membership.objects.filter(community=community).update(joined_at=now - timedelta(days=30))
        Membership.objects.filter(user=newcomer).update(joined_at=now - timedelta(days=2))
        assert _listed(actor_for(member, community), community, "show=new") == ["nico"]

    def test_sort_by_activity(self, community, member, newcomer):
        MemberProfile.objects.filter(community=community).update(
            last_active_at=timezone.now() - timedelta(days=3)
        )
        MemberProfile.objects.filter(user=newcomer).update(last_active_at=timezone.now())
        assert _listed(actor_for(member, community), community, "sort=active")[0] == "nico"

    def test_most_helpful_counts_distinct_askers(
        self, community, owner, member, newcomer, actor_of
    ):
        support = discussion_services.category_create(
            actor=actor_of("owner"), name="Support", kind="questions"
        )
        asker = actor_for(newcomer, community)
        for title in ("Lens?", "Flash?"):
            topic = discussion_services.topic_create(
                actor=asker, category=support, title=title, body="Help"
            )
            answer = discussion_services.post_reply(
                actor=actor_for(member, community), topic=topic, body="This"
            )
            answer_accept(actor=asker, answer=answer)
        # What the event consumer does once the accepting transaction commits.
        profile_activity(list(InteractionEvent.objects.filter(verb="answer.accept")))
        profile = MemberProfile.objects.get(user=member)
        assert profile.helped_count == 1  # two answers, one person helped
        assert selectors.helped_members(profile) == 1
        assert _listed(actor_for(owner, community), community, "show=helpful") == ["mel"]


class TestConsumer:
    def test_is_registered(self):
        from hearth.core import events

        assert profile_activity in events._consumers

    def test_activity_updates_last_active(self, community, member, topic):
        MemberProfile.objects.filter(user=member).update(
            last_active_at=timezone.now() - timedelta(days=9)
        )
        profile_activity(list(InteractionEvent.objects.filter(actor=member)))
        last = MemberProfile.objects.get(user=member).last_active_at
        assert timezone.now() - last < timedelta(minutes=1)


class TestMembersLikeYou:
    def test_reasons(self, community, member, newcomer, admin, edit, questions, general, topic):
        edit(member, interests=["Astrophotography"],
             answers={questions["subjects"].pk: ["Stars"]})  # fmt: skip
        edit(newcomer, interests=["astrophotography"],
             answers={questions["subjects"].pk: ["Birds"]})  # fmt: skip
        edit(admin, answers={questions["subjects"].pk: ["Stars"]})
        moderator = membership_factory(community, user=user_factory(username="rita")).user
        discussion_services.post_reply(
            actor=actor_for(moderator, community), topic=topic, body="Me too"
        )
        reasons = {
            s.profile.user.username: s.reason
            for s in like_you.members_like_you(actor_for(member, community), community)
        }
        assert reasons == {
            "nico": "Also into Astrophotography",
            "adam": "Also answered “Stars” to “What do you photograph?”",
            "rita": "Both posted in “Hello garden”",
        }

    def test_topics_the_viewer_cannot_read_give_no_reason(self, community, owner, member, actor_of):
        staff_room = discussion_services.category_create(
            actor=actor_of("owner"), name="Staff", read_access=ReadAccess.STAFF
        )
        topic = discussion_services.topic_create(
            actor=actor_of("owner"), category=staff_room, title="Secret plans", body="x"
        )
        discussion_services.post_reply(actor=actor_of("admin"), topic=topic, body="y")
        # The member can no longer read it (say, demoted): no reason from it.
        suggestions = like_you.members_like_you(actor_of("member"), community)
        assert all("Secret" not in s.reason for s in suggestions)

    def test_not_for_visitors(self, community, personas):
        for who in ("anonymous", "outsider", "banned"):
            assert like_you.members_like_you(actor_for(personas[who], community), community) == []

    def test_query_count_is_constant(
        self, community, member, edit, questions, topic, django_assert_max_num_queries
    ):
        edit(member, interests=["Owls", "Stars", "Moths", "Rivers"],
             answers={questions["subjects"].pk: ["Stars", "Birds", "Streets"],
                      questions["camera"].pk: "X1"})  # fmt: skip
        actor = actor_for(member, community)

        def crowd(n):
            for _ in range(n):
                user = membership_factory(community).user
                edit(user, interests=["owls", "stars", "moths"],
                     answers={questions["subjects"].pk: ["Stars", "Birds"],
                              questions["camera"].pk: "X1"})  # fmt: skip
                discussion_services.post_reply(
                    actor=actor_for(user, community), topic=topic, body="Hi"
                )

        crowd(3)
        # 14, and one for the members of the viewer's groups (hearth.groups.selectors).
        with django_assert_max_num_queries(15) as few:
            small = like_you.members_like_you(actor, community)
        crowd(20)
        with django_assert_max_num_queries(len(few.captured_queries)):
            large = like_you.members_like_you(actor, community)
        assert len(small) == 3 and len(large) == like_you.SUGGESTIONS


class TestFeed:
    def test_lists_readable_topics_of_followed_members(
        self, community, owner, member, newcomer, actor_of, general, profile_of
    ):
        services.follow(actor=actor_of("member"), profile=profile_of(owner))
        staff_room = discussion_services.category_create(
            actor=actor_of("owner"), name="Staff", read_access=ReadAccess.STAFF
        )
        discussion_services.topic_create(
            actor=actor_of("owner"), category=staff_room, title="Secret", body="x"
        )
        discussion_services.topic_create(
            actor=actor_of("owner"), category=general, title="Welcome all", body="x"
        )
        discussion_services.topic_create(
            actor=actor_of("newcomer"), category=general, title="Not followed", body="x"
        )
        titles = [t.title for t in selectors.following_feed(actor_of("member"), community)]
        assert titles == ["Welcome all"]
