"""The watched words and posting limits pages, and refusals shown on the posting pages."""

import pytest
from django.urls import reverse

from hearth.discussions.models import Post
from hearth.moderation import watched_words
from hearth.moderation.models import FilterSettings, WatchedWord
from hearth.testing.factories import actor_for, user_factory


def url(community, name, *args):
    return reverse(f"moderation:{name}", args=[community.slug, *args])


class TestWatchedWordsPage:
    def test_the_owner_adds_many_words_at_once_and_removes_one(self, client, community, owner):
        client.force_login(owner)
        response = client.post(
            url(community, "watched-words"),
            {"add-words": "scam\nbuy now\n*spam*", "add-action": "block"},
        )
        assert response.status_code == 302
        assert set(WatchedWord.objects.values_list("word", flat=True)) == {
            "scam", "buy now", "*spam*",
        }  # fmt: skip
        word = WatchedWord.objects.get(word="scam")
        client.post(url(community, "watched-word-remove", word.pk))
        assert not WatchedWord.objects.filter(word="scam").exists()
        page = client.get(url(community, "watched-words")).content.decode()
        assert "buy now" in page and "Remove" in page

    def test_the_profanity_list_is_turned_on_here(self, client, community, admin):
        client.force_login(admin)
        response = client.post(
            url(community, "watched-words"), {"profanity-profanity_action": "censor"}
        )
        assert response.status_code == 302
        assert FilterSettings.objects.get(community=community).profanity_action == "censor"

    @pytest.mark.parametrize(
        "words, message",
        [
            ("(a+)+$", "regular expressions are not accepted"),
            ("sc*am", "only at the start or end"),
            ("x" * 150, "too long"),
            ("a", "too short"),
            ("", "This field is required"),
        ],
    )
    def test_bad_input_is_explained_and_nothing_is_stored(
        self, client, community, owner, words, message
    ):
        client.force_login(owner)
        response = client.post(
            url(community, "watched-words"), {"add-words": words, "add-action": "block"}
        )
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not WatchedWord.objects.exists()

    def test_an_unknown_action_is_refused(self, client, community, owner):
        client.force_login(owner)
        response = client.post(
            url(community, "watched-words"), {"add-words": "scam", "add-action": "explode"}
        )
        assert response.status_code == 400 and not WatchedWord.objects.exists()

    def test_moderators_read_the_list_but_cannot_change_it(
        self, client, community, owner, moderator
    ):
        WatchedWord.objects.create(community=community, word="scam", action="block")
        client.force_login(moderator)
        page = client.get(url(community, "watched-words"))
        assert page.status_code == 200
        assert "scam" in page.content.decode() and "add-words" not in page.content.decode()
        denied = client.post(
            url(community, "watched-words"), {"add-words": "more", "add-action": "block"}
        )
        assert denied.status_code == 403
        word = WatchedWord.objects.get()
        assert client.post(url(community, "watched-word-remove", word.pk)).status_code == 403
        assert WatchedWord.objects.count() == 1

    @pytest.mark.parametrize("persona", ["member", "newcomer"])
    def test_members_cannot_see_the_list(self, client, community, personas, persona):
        client.force_login(personas[persona])
        assert client.get(url(community, "watched-words")).status_code == 403
        assert client.get(url(community, "posting-limits")).status_code == 403

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, community):
        assert client.get(url(community, "watched-words")).status_code == 302

    def test_another_communitys_word_cannot_be_removed(self, client, community, owner):
        from hearth.testing.factories import community_factory

        other = community_factory(owner=user_factory(username="zed"), slug="other")
        word = WatchedWord.objects.create(community=other, word="scam", action="block")
        client.force_login(owner)
        assert client.post(url(community, "watched-word-remove", word.pk)).status_code == 404
        assert WatchedWord.objects.filter(pk=word.pk).exists()

    def test_the_list_is_read_in_flat_queries(
        self, client, community, owner, django_assert_max_num_queries
    ):
        WatchedWord.objects.bulk_create(
            WatchedWord(community=community, word=f"word{n}", action="censor") for n in range(200)
        )
        client.force_login(owner)
        with django_assert_max_num_queries(20):
            assert client.get(url(community, "watched-words")).status_code == 200


class TestPostingLimitsPage:
    def fields(self, **overrides):
        values = {
            "new_topic_seconds": 120, "new_reply_seconds": 30, "new_first_day_topics": 3,
            "new_first_day_replies": 10, "topic_seconds": 15, "reply_seconds": 5,
            "duplicate_seconds": 300, "max_mentions": 10, "flags_per_day": 20,
            "spam_max_links": 3, "spam_same_post_topics": 3, "spam_max_chars_per_second": 25,
        }  # fmt: skip
        return {**values, **overrides}

    def test_shows_discourses_defaults_and_saves(self, client, community, owner):
        client.force_login(owner)
        page = client.get(url(community, "posting-limits")).content.decode()
        assert 'value="120"' in page and 'value="30"' in page
        response = client.post(url(community, "posting-limits"), self.fields(reply_seconds=10))
        assert response.status_code == 302
        assert FilterSettings.objects.get(community=community).reply_seconds == 10

    @pytest.mark.parametrize("bad", [{"reply_seconds": -1}, {"topic_seconds": "soon"},
                                     {"flags_per_day": 5000}, {"max_mentions": ""}])  # fmt: skip
    def test_bad_input(self, client, community, owner, bad):
        client.force_login(owner)
        response = client.post(url(community, "posting-limits"), self.fields(**bad))
        assert response.status_code == 400
        assert not FilterSettings.objects.filter(community=community).exists()

    def test_moderators_read_only(self, client, community, moderator):
        client.force_login(moderator)
        page = client.get(url(community, "posting-limits"))
        assert page.status_code == 200 and "disabled" in page.content.decode()
        assert client.post(url(community, "posting-limits"), self.fields()).status_code == 403


class TestRefusalsOnThePostingPages:
    def test_a_blocked_word_is_named_on_the_new_topic_page(
        self, client, community, owner, newcomer
    ):
        watched_words.watched_words_add(
            actor=actor_for(owner, community), text="scam", action="block"
        )
        client.force_login(newcomer)
        form = client.get(reverse("discussions:topic-new", args=[community.slug]))
        category = form.context["form"].fields["category"].choices[0][0]
        response = client.post(
            reverse("discussions:topic-new", args=[community.slug]),
            {"category": category, "title": "Hello", "body": "a great ѕсаm"},
        )
        assert response.status_code == 200
        assert "“scam”, which is not allowed here" in response.content.decode()
        assert not Post.objects.filter(author=newcomer).exists()

    def test_a_rate_limited_reply_says_when_to_try_again(
        self, client, community, topic, newcomer, settings
    ):
        settings.HEARTH_POSTING_LIMITS = True
        client.force_login(newcomer)
        reply_url = reverse("discussions:reply", args=[community.slug, topic.pk])
        assert client.post(reply_url, {"body": "first"}).status_code == 302
        response = client.post(reply_url, {"body": "second"})
        assert response.status_code == 400
        assert "You can post again in" in response.content.decode()
