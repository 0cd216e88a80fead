"""Watched words on topics, replies, edits, titles and direct messages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hearth.communities.models import StaffAction
from hearth.conversations import services as dm_services
from hearth.conversations.models import Message
from hearth.discussions import services as discussion_services
from hearth.discussions.models import Post, ReviewState, Topic
from hearth.moderation import watched_words
from hearth.moderation.models import Flag, PostReview, ReviewSource, WatchedWord
from hearth.search.models import PostDocument
from hearth.testing.factories import actor_for


@pytest.fixture
def watch(community, owner):
    def add(words, action):
        return watched_words.watched_words_add(
            actor=actor_for(owner, community), text=words, action=action
        )

    return add


def start(community, user, general, body="Hello there", title="A topic"):
    return discussion_services.topic_create(
        actor=actor_for(user, community), category=general, title=title, body=body
    )


class TestBlock:
    def test_a_blocked_word_refuses_the_topic_naming_the_word_and_nothing_is_stored(
        self, community, general, member, watch
    ):
        watch("scam", "block")
        topics = Topic.objects.count()
        with pytest.raises(ValidationError) as caught:
            start(community, member, general, body="Join my ѕсаm now")
        assert "“scam”" in caught.value.message_dict["body"][0]
        assert Topic.objects.count() == topics

    def test_the_title_is_checked_too(self, community, general, member, watch):
        watch("scam", "block")
        with pytest.raises(ValidationError) as caught:
            start(community, member, general, title="S C A M inside")
        assert "“scam”" in caught.value.message_dict["title"][0]

    @pytest.mark.parametrize("body", ["a s\u200dc\u200dam", "a s c a m", "a 5c4m", "a scаm"])
    def test_replies_and_evasions(self, community, topic, newcomer, watch, body):
        watch("scam", "block")
        with pytest.raises(ValidationError):
            discussion_services.post_reply(
                actor=actor_for(newcomer, community), topic=topic, body=body
            )
        assert not Post.objects.filter(author=newcomer).exists()

    def test_an_edit_cannot_bring_a_blocked_word_in(self, community, topic, member, watch):
        watch("scam", "block")
        post = topic.posts.get(number=1) if hasattr(topic, "posts") else None
        post = post or Post.objects.get(topic=topic, number=1)
        with pytest.raises(ValidationError):
            discussion_services.post_edit(
                actor=actor_for(member, community), post=post, body="now a scam"
            )
        post.refresh_from_db()
        assert post.body == "First post"

    def test_staff_are_blocked_too(self, community, general, owner, watch):
        watch("scam", "block")
        with pytest.raises(ValidationError):
            start(community, owner, general, body="scam")

    def test_a_direct_message_is_refused(self, community, member, newcomer, watch):
        watch("scam", "block")
        with pytest.raises(ValidationError) as caught:
            dm_services.start_conversation(
                actor=actor_for(member, community), recipients=[newcomer], body="a scam"
            )
        assert "“scam”" in caught.value.message_dict["body"][0]
        assert not Message.objects.exists()

    def test_a_word_inside_another_is_not_blocked(self, community, general, member, watch):
        watch("ass", "block")
        start(community, member, general, body="The class assistant plays bass.")


class TestCensor:
    def test_masked_in_the_shown_post_and_search_the_source_kept_for_editing(
        self, community, general, member, watch
    ):
        watch("darn", "censor")
        topic = start(community, member, general, title="Darn title", body="Well, d.a.r.n it")
        post = Post.objects.get(topic=topic, number=1)
        assert "d.a.r.n" not in post.html and "■■■■■■■" in post.html
        assert post.body == "Well, d.a.r.n it"
        assert topic.title == "■■■■ title"
        assert "darn" not in topic.slug
        document = PostDocument.objects.get(post_id=post.pk)
        assert "d.a.r.n" not in document.body and "Darn" not in document.title
        assert post.review_state == ReviewState.PUBLISHED

    def test_an_edit_is_masked_again(self, community, topic, member, watch):
        watch("darn", "censor")
        post = Post.objects.get(topic=topic, number=1)
        discussion_services.post_edit(actor=actor_for(member, community), post=post, body="darn")
        post.refresh_from_db()
        assert "darn" not in post.html and post.body == "darn"

    def test_a_direct_message_is_masked(self, community, member, newcomer, watch):
        watch("darn", "censor")
        dm_services.start_conversation(
            actor=actor_for(member, community), recipients=[newcomer], body="darn it"
        )
        message = Message.objects.get()
        assert "darn" not in message.body_html and message.body == "darn it"


class TestReview:
    def test_require_approval_holds_the_post(self, community, topic, newcomer, watch):
        watch("crypto", "require_approval")
        post = discussion_services.post_reply(
            actor=actor_for(newcomer, community), topic=topic, body="Try CRYPTO"
        )
        post.refresh_from_db()
        assert post.review_state == ReviewState.HELD
        review = PostReview.objects.get(post=post, status="pending")
        assert review.source == ReviewSource.WATCHED_WORD and "crypto" in review.reason

    def test_flag_posts_and_flags(self, community, topic, newcomer, watch):
        watch("crypto", "flag")
        post = discussion_services.post_reply(
            actor=actor_for(newcomer, community), topic=topic, body="try crypto"
        )
        post.refresh_from_db()
        assert post.review_state == ReviewState.PUBLISHED
        flag = Flag.objects.get(post=post)
        assert flag.flagger is None and "crypto" in flag.detail
        assert PostReview.objects.filter(post=post, status="pending").exists()

    def test_staff_posts_are_not_held_or_flagged(self, community, topic, moderator, watch):
        watch("crypto", "require_approval")
        watch("token", "flag")
        post = discussion_services.post_reply(
            actor=actor_for(moderator, community), topic=topic, body="crypto token"
        )
        post.refresh_from_db()
        assert post.review_state == ReviewState.PUBLISHED
        assert not PostReview.objects.filter(post=post).exists()


class TestProfanityList:
    def test_off_by_default_and_censors_when_turned_on(self, community, general, owner, member):
        topic = start(community, member, general, body="oh shit")
        assert "shit" in Post.objects.get(topic=topic).html
        watched_words.filter_settings_update(
            actor=actor_for(owner, community), profanity_action="censor"
        )
        topic = start(community, member, general, body="oh sh1t", title="Other")
        assert "sh1t" not in Post.objects.get(topic=topic).html
        assert StaffAction.objects.filter(action="filters.settings").exists()

    def test_the_word_list_comes_from_the_package(self):
        words = watched_words.profanity_words()
        assert len(words) > 500 and "shit" in words


class TestManagingTheList:
    def test_bulk_add_updates_existing_words_and_logs(self, community, watch):
        watch("one\ntwo\n\n  Three  ", "block")
        watch("two\nfour", "flag")
        assert dict(WatchedWord.objects.values_list("word", "action")) == {
            "one": "block",
            "two": "flag",
            "three": "block",
            "four": "flag",
        }
        assert StaffAction.objects.filter(action="watched_words.add").count() == 2

    def test_one_bad_line_refuses_the_lot_naming_it(self, community, watch):
        with pytest.raises(ValidationError) as caught:
            watch("fine\n(a+)+$\nalso fine", "block")
        assert "Line 2" in caught.value.message_dict["words"][0]
        assert not WatchedWord.objects.exists()

    def test_a_word_added_later_applies_at_once(self, community, general, member, watch):
        watch("alpha", "block")
        start(community, member, general, body="beta")
        watch("beta", "block")
        with pytest.raises(ValidationError):
            start(community, member, general, body="beta", title="Again")

    def test_the_number_of_words_is_capped(self, community, watch, monkeypatch):
        monkeypatch.setattr(watched_words, "MAX_WORDS", 3)
        watch("aa\nbb", "block")
        with pytest.raises(ValidationError):
            watch("cc\ndd", "block")
        assert WatchedWord.objects.count() == 2

    @pytest.mark.parametrize("persona", ["moderator", "member", "newcomer"])
    def test_only_owner_and_admins_change_it(self, community, actor_of, persona):
        with pytest.raises(PermissionDenied):
            watched_words.watched_words_add(actor=actor_of(persona), text="aa", action="block")

    def test_bad_action_refused(self, community, watch):
        with pytest.raises(ValidationError):
            watch("aa", "explode")
