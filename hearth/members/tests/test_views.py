import pytest
from django.urls import reverse

from hearth.communities.models import Visibility
from hearth.core.models import InteractionEvent
from hearth.discussions import services as discussion_services
from hearth.discussions.models import ReadAccess
from hearth.members import services
from hearth.members.models import Follow, ProfileQuestion
from hearth.testing.factories import actor_for, community_factory, membership_factory


def profile_url(user, slug="garden"):
    return reverse("communities:profile", args=[slug, user.username])


def directory_url(query="", slug="garden"):
    return reverse("communities:members", args=[slug]) + (f"?{query}" if query else "")


def manage_url(slug="garden"):
    return reverse("members:manage-profile", args=[slug])


class TestProfilePage:
    def test_shows_the_profile(self, client, community, member, edit, questions, topic):
        edit(
            member,
            bio="Owls at **night**",
            location="Lisbon",
            links=["https://owls.example.com/mel"],
            interests=["Owls"],
            answers={questions["subjects"].pk: ["Birds"], questions["note"].pk: "Staff secret"},
        )
        body = client.get(profile_url(member)).content.decode()
        assert "<strong>night</strong>" in body and "Lisbon" in body and "Owls" in body
        assert 'href="https://owls.example.com/mel" rel="nofollow ugc noopener"' in body
        assert "Birds" in body
        assert "Staff secret" not in body  # staff-only answer
        assert "Hello garden" in body  # recent activity
        assert "Trust level" not in body  # only the member themself and staff see it

    def test_staff_only_answers_are_shown_to_staff_and_self(
        self, client, member, moderator, edit, questions
    ):
        edit(member, answers={questions["subjects"].pk: ["Birds"], questions["note"].pk: "Psst"})
        client.force_login(moderator)
        assert "Psst" in client.get(profile_url(member)).content.decode()
        client.force_login(member)
        assert "Psst" in client.get(profile_url(member)).content.decode()

    def test_activity_hides_what_the_viewer_cannot_read(self, client, owner, actor_of, member):
        staff_room = discussion_services.category_create(
            actor=actor_of("owner"), name="Staff", read_access=ReadAccess.STAFF
        )
        discussion_services.topic_create(
            actor=actor_of("owner"), category=staff_room, title="Salary review", body="x"
        )
        assert "Salary review" not in client.get(profile_url(owner)).content.decode()
        client.force_login(owner)
        assert "Salary review" in client.get(profile_url(owner)).content.decode()

    @pytest.mark.parametrize("who, status", [("anonymous", 404), ("outsider", 404),
                                             ("newcomer", 200), ("member", 200)])  # fmt: skip
    def test_members_only_profile(self, client, personas, member, edit, who, status):
        edit(member, hide_from_non_members=True)
        if personas[who]:
            client.force_login(personas[who])
        assert client.get(profile_url(member)).status_code == status

    def test_unknown_and_banned_profiles_are_404_for_members(self, client, newcomer, banned):
        client.force_login(newcomer)
        assert (
            client.get(reverse("communities:profile", args=["garden", "nobody"])).status_code == 404
        )
        assert client.get(profile_url(banned)).status_code == 404

    def test_private_community_profile_is_404_for_outsiders(self, client, owner, outsider):
        private = community_factory(owner=owner, visibility=Visibility.PRIVATE)
        client.force_login(outsider)
        assert client.get(profile_url(owner, private.slug)).status_code == 404
        assert client.get(directory_url(slug=private.slug)).status_code == 404

    def test_own_profile_shows_members_like_you(self, client, member, newcomer, edit):
        edit(member, interests=["Owls"])
        edit(newcomer, interests=["owls"])
        client.force_login(member)
        body = client.get(profile_url(member)).content.decode()
        assert "Members like you" in body and "Also into Owls" in body
        assert "Members like you" not in client.get(profile_url(newcomer)).content.decode()


class TestProfileEdit:
    url = reverse("members:profile-edit", args=["garden"])

    def test_save(self, client, community, member, questions):
        client.force_login(member)
        assert client.get(self.url).status_code == 200
        response = client.post(
            self.url,
            {
                "bio": "Hi <script>alert(1)</script>",
                "location": "Oslo",
                "interests": "Owls, Night skies",
                "links": "https://example.com",
                f"question_{questions['camera'].pk}": "X1",
                f"question_{questions['subjects'].pk}": ["Birds", "Stars"],
                "hide_from_directory": "on",
            },
        )
        assert response.status_code == 302
        body = client.get(profile_url(member)).content.decode()
        assert "Oslo" in body and "Night skies" in body and "<script>alert" not in body
        assert InteractionEvent.objects.filter(verb="profile.update", actor=member).exists()

    def test_errors_are_shown_next_to_fields(self, client, member, questions):
        client.force_login(member)
        response = client.post(
            self.url,
            {
                "links": "javascript:alert(1)",
                f"question_{questions['camera'].pk}": "X9",
                "interests": ",".join(f"i{n}" for n in range(10_000)),
            },
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "must start with http:// or https://" in body
        assert "Choose one of the options given." in body
        assert "This question is required." in body
        assert "Pick at most 20 interests." in body

    @pytest.mark.parametrize("who, status", [("outsider", 404), ("banned", 404)])
    def test_non_members_have_no_profile_to_edit(self, client, personas, who, status):
        client.force_login(personas[who])
        assert client.get(self.url).status_code == status

    def test_anonymous_is_sent_to_sign_in(self, client, community):
        assert client.get(self.url).status_code == 302


class TestDirectoryPage:
    def test_filters_by_interest(self, client, member, newcomer, edit):
        edit(member, interests=["Astrophotography"])
        body = client.get(directory_url("interest=astrophotography")).content.decode()
        assert "@mel" in body and "@nico" not in body

    def test_unknown_filters_never_fail(self, client, member):
        response = client.get(
            directory_url("foo=bar&interest=%00&answer=x:y&sort=__class__&show=<b>&page=-9")
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "Ignored unknown filters: “foo”." in body
        assert "<b>" not in body

    def test_hidden_member_is_not_in_the_directory(self, client, member, edit):
        edit(member, hide_from_directory=True)
        assert "@mel" not in client.get(directory_url()).content.decode()
        assert "@mel" not in client.get(directory_url("q=mel")).content.decode()

    def test_query_count_is_flat(
        self, client, community, member, edit, questions, django_assert_max_num_queries
    ):
        """Each filter and order costs the same number of queries with 5 members as with
        25 (the bench measures the time at 100,000)."""
        client.force_login(member)
        camera = questions["camera"].pk
        answers = {camera: "X1", questions["subjects"].pk: ["Birds"]}
        edit(member, interests=["Owls"], answers=answers)

        def add(n):
            for _ in range(n):
                user = membership_factory(community).user
                edit(user, interests=["owls", "stars"], answers=answers)

        urls = [
            directory_url(), directory_url("interest=owls"), directory_url("interest=stars"),
            directory_url("q=user"), directory_url("sort=active"),
            directory_url(f"answer={camera}:X1"), directory_url("show=new"),
            directory_url("show=helpful"), directory_url("interest=owls&sort=active&q=user"),
        ]  # fmt: skip
        add(5)
        counts = {}
        for url in urls:
            with django_assert_max_num_queries(30) as few:
                assert "@user" in client.get(url).content.decode() or "helpful" in url
            counts[url] = len(few.captured_queries)
        add(20)
        for url in urls:
            with django_assert_max_num_queries(counts[url]):
                client.get(url)


class TestFollowAndFeed:
    def test_follow_then_unfollow(self, client, member, newcomer):
        client.force_login(member)
        url = reverse("members:follow", args=["garden", newcomer.username])
        assert client.post(url).status_code == 302
        assert Follow.objects.filter(follower=member, followed=newcomer).exists()
        body = client.get(profile_url(newcomer)).content.decode()
        assert "Unfollow" in body
        client.post(url, {"undo": "1"})
        assert not Follow.objects.exists()

    def test_outsider_cannot_follow(self, client, outsider, member):
        client.force_login(outsider)
        response = client.post(reverse("members:follow", args=["garden", member.username]))
        assert response.status_code == 403
        assert not Follow.objects.exists()

    def test_feed(self, client, community, member, owner, general, actor_of, profile_of):
        services.follow(actor=actor_of("member"), profile=profile_of(owner))
        discussion_services.topic_create(
            actor=actor_of("owner"), category=general, title="Spring meetup", body="x"
        )
        client.force_login(member)
        body = client.get(reverse("members:feed", args=["garden"])).content.decode()
        assert "Spring meetup" in body

    def test_feed_is_for_members(self, client, outsider):
        client.force_login(outsider)
        assert client.get(reverse("members:feed", args=["garden"])).status_code == 404


class TestMembersLikeYouPages:
    def test_query_count_is_flat(
        self, client, community, member, edit, questions, topic, django_assert_max_num_queries
    ):
        """The community home and the member's own profile (both showing "members like
        you") cost as many queries with 5 like-minded members as with 25."""
        answers = {questions["camera"].pk: "X1", questions["subjects"].pk: ["Birds"]}
        edit(member, interests=["Owls", "Moths"], answers=answers)
        client.force_login(member)

        def add(n):
            for _ in range(n):
                user = membership_factory(community).user
                edit(user, interests=["owls", "moths"], answers=answers)
                discussion_services.post_reply(
                    actor=actor_for(user, community), topic=topic, body="Same here"
                )

        urls = [reverse("communities:home", args=["garden"]), profile_url(member)]
        add(5)
        counts = {}
        for url in urls:
            with django_assert_max_num_queries(60) as few:
                assert "Also into" in client.get(url).content.decode()
            counts[url] = len(few.captured_queries)
        add(20)
        for url in urls:
            with django_assert_max_num_queries(counts[url]):
                assert "Also into" in client.get(url).content.decode()


class TestHome:
    def test_members_like_you_on_home_for_members_only(self, client, member, newcomer, edit):
        edit(member, interests=["Owls"])
        edit(newcomer, interests=["owls"])
        home = reverse("communities:home", args=["garden"])
        assert "Members like you" not in client.get(home).content.decode()
        client.force_login(member)
        body = client.get(home).content.decode()
        assert "Members like you" in body and "Also into Owls" in body


class TestManageProfile:
    @pytest.mark.parametrize(
        "who, status",
        [("member", 403), ("moderator", 403), ("outsider", 403), ("admin", 200), ("owner", 200)],
    )
    def test_who_may_manage(self, client, personas, who, status):
        client.force_login(personas[who])
        assert client.get(manage_url()).status_code == status
        response = client.post(manage_url(), {"form": "question", "text": "Q?", "kind": "text"})
        assert response.status_code in (status, 302)
        assert ProfileQuestion.objects.exists() is (status == 200)

    def test_private_community_page_is_404_for_outsiders(self, client, owner, outsider):
        private = community_factory(owner=owner, visibility=Visibility.PRIVATE)
        client.force_login(outsider)
        assert client.get(manage_url(private.slug)).status_code == 404

    def test_add_question_with_errors(self, client, community, owner):
        client.force_login(owner)
        response = client.post(
            manage_url(), {"form": "question", "text": "Camera?", "kind": "choice", "choices": "X1"}
        )
        assert "Give at least two options" in response.content.decode()
        client.post(
            manage_url(),
            {"form": "question", "text": "Camera?", "kind": "choice", "choices": "X1\nX2",
             "is_public": "on"},
        )  # fmt: skip
        question = ProfileQuestion.objects.get()
        assert question.choices == ["X1", "X2"] and question.is_public

    def test_edit_and_delete_question(self, client, owner, questions):
        client.force_login(owner)
        question = questions["camera"]
        edit_url = reverse("members:manage-question", args=["garden", question.pk])
        assert client.get(edit_url).status_code == 200
        client.post(edit_url, {"text": "Which body?", "kind": "choice", "choices": "A\nB"})
        question.refresh_from_db()
        assert question.text == "Which body?"
        client.post(reverse("members:manage-question-delete", args=["garden", question.pk]))
        assert not ProfileQuestion.objects.filter(pk=question.pk).exists()

    def test_interest_list(self, client, owner, community):
        client.force_login(owner)
        client.post(manage_url(), {"form": "interests", "interests": "Birds\nStars\n"})
        body = client.get(manage_url()).content.decode()
        assert "Birds\nStars" in body

    def test_cannot_edit_another_communitys_question(self, client, owner, questions):
        other = community_factory(owner=owner)
        client.force_login(owner)
        url = reverse("members:manage-question", args=[other.slug, questions["camera"].pk])
        assert client.get(url).status_code == 404


def test_a_profile_offers_a_message_button_only_to_members_who_may_write(
    client, community, member, newcomer, outsider
):
    url = f"/c/{community.slug}/u/{newcomer.username}/"
    client.force_login(member)
    assert f"/c/{community.slug}/messages/new?to={newcomer.username}" in client.get(url).text
    client.force_login(newcomer)
    assert "messages/new" not in client.get(url).text  # not to yourself
    client.force_login(outsider)
    assert "messages/new" not in client.get(url).text


def test_the_plain_directory_counts_members_from_the_counter(
    client, community, member, newcomer, edit
):
    edit(newcomer, hide_from_directory=True)
    client.force_login(member)
    response = client.get(f"/c/{community.slug}/members/")
    page = response.context["page"]
    assert page.paginator.count == len(list(page.object_list)) == community.member_count - 1
    filtered = client.get(f"/c/{community.slug}/members/?q=mel").context["page"]
    assert filtered.paginator.count == 1


def test_a_long_filtered_list_is_counted_only_up_to_the_cap(client, community, member, monkeypatch):
    from hearth.members import directory

    for _ in range(4):
        membership_factory(community)
    monkeypatch.setattr(directory, "DIRECTORY_COUNT_CAP", 2)
    client.force_login(member)
    response = client.get(f"/c/{community.slug}/members/?q=user")
    assert response.context["count_capped"]
    assert "More than 2 members" in response.text


def test_the_capped_count_does_not_sort_the_matches(client, community, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(member)
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/c/{community.slug}/members/?q=mel")
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("ORDER BY" not in sql.upper() for sql in counts)
