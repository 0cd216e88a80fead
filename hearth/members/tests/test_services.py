import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hearth.core.models import InteractionEvent
from hearth.members import services
from hearth.members.models import (
    Follow,
    Interest,
    MemberInterest,
    MemberProfile,
    ProfileAnswer,
    ProfileQuestion,
)
from hearth.testing.factories import actor_for, membership_factory


class TestProfileCreation:
    def test_every_membership_gets_a_profile(self, community):
        membership = membership_factory(community)
        assert MemberProfile.objects.filter(membership=membership, user=membership.user).exists()

    def test_backfill_creates_missing_profiles(self, community, member):
        MemberProfile.objects.filter(community=community, user=member).delete()
        assert services.profiles_backfill(community) == 1
        assert MemberProfile.objects.filter(community=community, user=member).exists()


class TestProfileUpdate:
    def test_saves_everything_and_records_the_event(self, community, member, edit, questions):
        profile = edit(
            member,
            bio="I *love* owls",
            location="  Lisbon\n",
            links=["https://example.com/me", "http://owls.example.org"],
            interests=["Owls", "  night   skies ", "owls"],
            answers={
                questions["camera"].pk: "X2",
                questions["subjects"].pk: ["Birds", "Stars"],
                questions["note"].pk: "Colour blind",
            },
            hide_from_directory=True,
        )
        assert profile.bio_html == "<p>I <em>love</em> owls</p>\n"
        assert profile.location == "Lisbon"
        assert [link["url"] for link in profile.links] == [
            "https://example.com/me",
            "http://owls.example.org",
        ]
        names = set(
            MemberInterest.objects.filter(profile=profile).values_list("interest__name", flat=True)
        )
        assert names == {"Owls", "night skies"}
        assert sorted(
            ProfileAnswer.objects.filter(profile=profile).values_list("value", flat=True)
        ) == ["Birds", "Colour blind", "Stars", "X2"]
        assert profile.hide_from_directory
        event = InteractionEvent.objects.get(verb="profile.update")
        assert event.actor == member and event.community == community

    def test_script_in_bio_is_neutralised(self, member, edit):
        profile = edit(member, bio="<script>alert(1)</script> <img src=x onerror=alert(1)> hi")
        assert "<script" not in profile.bio_html and "<img" not in profile.bio_html
        assert "&lt;script&gt;" in profile.bio_html

    @pytest.mark.parametrize(
        "link",
        [
            "javascript:alert(1)",
            "JavaScript:alert(document.cookie)",
            "data:text/html,<script>alert(1)</script>",
            "ftp://example.com/file",
            "example.com",
            "https://",
        ],
    )
    def test_only_web_links_are_accepted(self, member, edit, profile_of, link):
        with pytest.raises(ValidationError) as caught:
            edit(member, links=[link], bio="should not be saved")
        assert "links" in caught.value.message_dict
        assert profile_of(member).bio == ""

    def test_at_most_five_links(self, member, edit):
        with pytest.raises(ValidationError) as caught:
            edit(member, links=[f"https://example.com/{i}" for i in range(6)])
        assert "links" in caught.value.message_dict

    def test_ten_thousand_interests_are_refused_and_nothing_is_written(
        self, community, member, edit
    ):
        with pytest.raises(ValidationError) as caught:
            edit(member, interests=[f"interest {i}" for i in range(10_000)])
        assert "at most 20" in caught.value.message_dict["interests"][0]
        assert not Interest.objects.filter(community=community).exists()
        assert not InteractionEvent.objects.filter(verb="profile.update").exists()

    def test_twenty_one_distinct_interests_are_refused(self, member, edit):
        with pytest.raises(ValidationError):
            edit(member, interests=[f"interest {i}" for i in range(21)])

    def test_duplicates_count_once(self, member, edit, profile_of):
        edit(member, interests=["Birds"] * 30 + ["BIRDS", " birds "])
        assert MemberInterest.objects.filter(profile=profile_of(member)).count() == 1

    def test_too_long_interest_is_refused(self, member, edit):
        with pytest.raises(ValidationError) as caught:
            edit(member, interests=["x" * 41])
        assert "40 characters" in caught.value.message_dict["interests"][0]

    def test_interest_member_counts_follow_changes(self, community, member, newcomer, edit):
        edit(member, interests=["Birds", "Stars"])
        edit(newcomer, interests=["birds"])
        edit(member, interests=["Stars"])
        counts = dict(
            Interest.objects.filter(community=community).values_list("key", "member_count")
        )
        assert counts == {"birds": 1, "stars": 1}

    def test_wrong_answer_types_are_refused(self, member, edit, questions):
        with pytest.raises(ValidationError) as caught:
            edit(
                member,
                answers={
                    questions["camera"].pk: ["X1", "X2"],  # a list for a one-choice question
                    questions["subjects"].pk: "Birds",  # a string for a multi-choice question
                    questions["note"].pk: 42,  # a number for a text question
                },
            )
        errors = caught.value.message_dict
        assert set(errors) == {f"question_{q.pk}" for q in questions.values()}

    def test_unknown_choice_is_refused(self, member, edit, questions):
        with pytest.raises(ValidationError) as caught:
            edit(
                member,
                answers={questions["camera"].pk: "X9", questions["subjects"].pk: ["Birds"]},
            )
        assert caught.value.message_dict[f"question_{questions['camera'].pk}"] == [
            "Choose one of the options given."
        ]

    def test_required_answer_missing(self, member, edit, questions, profile_of):
        with pytest.raises(ValidationError) as caught:
            edit(member, bio="kept?", answers={questions["camera"].pk: "X1"})
        assert caught.value.message_dict[f"question_{questions['subjects'].pk}"] == [
            "This question is required."
        ]
        assert profile_of(member).bio == ""
        assert not ProfileAnswer.objects.exists()

    def test_answers_for_unknown_questions_are_refused(self, member, edit, questions):
        with pytest.raises(ValidationError) as caught:
            edit(member, answers={questions["subjects"].pk: ["Birds"], 999_999: "x"})
        assert "__all__" in caught.value.message_dict

    def test_answers_none_keeps_answers(self, member, edit, questions):
        edit(member, answers={questions["subjects"].pk: ["Birds"]})
        edit(member, bio="new", answers=None)
        assert ProfileAnswer.objects.filter(value="Birds").exists()

    def test_only_the_member_edits_their_profile(self, community, member, newcomer, profile_of):
        with pytest.raises(PermissionDenied):
            services.profile_update(
                actor=actor_for(newcomer, community), profile=profile_of(member), bio="hacked"
            )

    def test_banned_member_cannot_edit(self, community, banned, profile_of):
        with pytest.raises(PermissionDenied):
            services.profile_update(
                actor=actor_for(banned, community), profile=profile_of(banned), bio="x"
            )


class TestFollow:
    def test_follow_and_unfollow_record_events(self, community, member, newcomer, profile_of):
        actor = actor_for(member, community)
        services.follow(actor=actor, profile=profile_of(newcomer))
        services.follow(actor=actor, profile=profile_of(newcomer))  # twice: one follow
        assert Follow.objects.filter(follower=member, followed=newcomer).count() == 1
        event = InteractionEvent.objects.get(verb="member.follow")
        assert event.actor == member and event.target_user == newcomer
        assert services.unfollow(actor=actor, profile=profile_of(newcomer)) is True
        assert services.unfollow(actor=actor, profile=profile_of(newcomer)) is False
        assert InteractionEvent.objects.filter(verb="member.unfollow").count() == 1
        assert not Follow.objects.exists()

    def test_cannot_follow_self(self, community, member, profile_of):
        with pytest.raises(PermissionDenied):
            services.follow(actor=actor_for(member, community), profile=profile_of(member))

    @pytest.mark.parametrize("who", ["outsider", "banned", "anonymous"])
    def test_non_members_cannot_follow(self, community, personas, member, profile_of, who):
        with pytest.raises(PermissionDenied):
            services.follow(actor=actor_for(personas[who], community), profile=profile_of(member))

    def test_cannot_follow_banned_member(self, community, member, banned, profile_of):
        with pytest.raises(PermissionDenied):
            services.follow(actor=actor_for(member, community), profile=profile_of(banned))


class TestProfileQuestions:
    @pytest.mark.parametrize("who", ["moderator", "member", "newcomer", "outsider"])
    def test_only_owners_and_admins_manage_questions(self, actor_of, who):
        with pytest.raises(PermissionDenied):
            services.profile_question_save(actor=actor_of(who), text="Hi?", kind="text")

    def test_admin_adds_question(self, actor_of):
        question = services.profile_question_save(
            actor=actor_of("admin"), text=" Favourite  lens? ", kind="choice", choices=["35", "50"]
        )
        assert question.text == "Favourite lens?" and question.choices == ["35", "50"]

    @pytest.mark.parametrize(
        "fields, field",
        [
            ({"text": "", "kind": "text"}, "text"),
            ({"text": "Q?", "kind": "essay"}, "kind"),
            ({"text": "Q?", "kind": "choice", "choices": ["only one"]}, "choices"),
            ({"text": "Q?", "kind": "multi", "choices": [str(i) for i in range(21)]}, "choices"),
        ],
    )
    def test_bad_questions_are_refused(self, actor_of, fields, field):
        with pytest.raises(ValidationError) as caught:
            services.profile_question_save(actor=actor_of("owner"), **fields)
        assert field in caught.value.message_dict

    def test_removing_an_option_drops_its_answers(self, actor_of, member, edit, questions):
        edit(member, answers={questions["camera"].pk: "X1", questions["subjects"].pk: ["Birds"]})
        services.profile_question_save(
            actor=actor_of("owner"),
            question=questions["camera"],
            text="Which camera?",
            kind="choice",
            choices=["X2", "X3"],
        )
        assert not ProfileAnswer.objects.filter(value="X1").exists()
        assert ProfileAnswer.objects.filter(value="Birds").exists()

    def test_delete(self, actor_of, questions):
        services.profile_question_delete(actor=actor_of("owner"), question=questions["note"])
        assert not ProfileQuestion.objects.filter(pk=questions["note"].pk).exists()


class TestInterestList:
    def test_set_and_replace(self, community, actor_of, member, edit):
        edit(member, interests=["birds"])
        services.interest_list_set(actor=actor_of("owner"), names=["Birds", "Stars", "stars"])
        suggested = Interest.objects.filter(community=community, is_suggested=True)
        assert sorted(suggested.values_list("name", flat=True)) == ["Birds", "Stars"]
        services.interest_list_set(actor=actor_of("owner"), names=["Stars"])
        birds = Interest.objects.get(community=community, key="birds")
        assert not birds.is_suggested and birds.member_count == 1

    def test_member_cannot_set_the_list(self, actor_of):
        with pytest.raises(PermissionDenied):
            services.interest_list_set(actor=actor_of("member"), names=["x"])

    def test_huge_list_is_refused(self, actor_of):
        with pytest.raises(ValidationError):
            services.interest_list_set(
                actor=actor_of("owner"), names=[str(i) for i in range(10_000)]
            )


def test_a_member_can_be_anonymous_in_the_staff_analytics(community, member, newcomer, edit):
    from hearth.members.policy import analytics_anonymous_user_ids

    edit(member, anonymous_in_analytics=True)
    assert list(analytics_anonymous_user_ids(community)) == [{"user_id": member.pk}]
    edit(member)
    assert not analytics_anonymous_user_ids(community).exists()
