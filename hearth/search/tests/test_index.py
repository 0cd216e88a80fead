"""The index follows every write the discussions services make."""

from hearth.discussions import services
from hearth.discussions.models import Post
from hearth.search.index import index_post
from hearth.search.models import PostDocument
from hearth.testing.factories import actor_for


def documents(topic):
    return {
        d.post_id: d for d in PostDocument.objects.filter(topic_id=topic.pk).order_by("post_id")
    }


class TestTopicsAndReplies:
    def test_new_topic_indexes_its_first_post(self, community, member, general, start_topic):
        topic = start_topic(member, general, "Tomato blight", "My **tomatoes** have spots.")
        [doc] = documents(topic).values()
        assert doc.post_id == Post.objects.get(topic=topic, number=1).pk
        assert (doc.community_id, doc.category_id, doc.author_id) == (
            community.pk,
            general.pk,
            member.pk,
        )
        assert doc.title == "Tomato blight" and doc.is_first
        assert doc.body.strip() == "My tomatoes have spots."

    def test_body_is_the_text_a_reader_sees(self, member, general, start_topic):
        topic = start_topic(member, general, "Markup", "Use `<b>` & [a link](https://x.test)")
        [doc] = documents(topic).values()
        assert doc.body.strip() == "Use <b> & a link"

    def test_replies_repeat_the_topic_title(self, member, moderator, general, start_topic, reply):
        topic = start_topic(member, general, "Tomato blight")
        answer = reply(moderator, topic, "Copper spray helps.")
        doc = documents(topic)[answer.pk]
        assert doc.title == "Tomato blight" and not doc.is_first
        assert doc.author_id == moderator.pk

    def test_sentinel_characters_are_not_indexed(self, member, general, start_topic):
        topic = start_topic(member, general, "Odd \ue000 title", "Odd \ue001\ue002 body")
        [doc] = documents(topic).values()
        assert "\ue000" not in doc.title and "\ue001" not in doc.body and "\ue002" not in doc.body


class TestEdits:
    def test_editing_the_body_changes_what_is_found(
        self, community, member, general, start_topic, find
    ):
        topic = start_topic(member, general, "Seeds", "Sowing carrots now")
        first = Post.objects.get(topic=topic, number=1)
        services.post_edit(
            actor=actor_for(member, community), post=first, body="Sowing parsnips now"
        )
        assert find("carrots") == []
        assert find("parsnips") == [("Seeds", 1)]

    def test_editing_the_title_retitles_every_post(
        self, community, member, moderator, general, start_topic, reply, find
    ):
        topic = start_topic(member, general, "Seeds", "Sowing now")
        reply(moderator, topic, "Me too")
        first = Post.objects.get(topic=topic, number=1)
        services.post_edit(
            actor=actor_for(member, community), post=first, body="Sowing now", title="Bulbs"
        )
        assert {d.title for d in documents(topic).values()} == {"Bulbs"}
        assert find("seeds") == []
        assert find("bulbs", matches=True) == [("Bulbs", 1, 2)]


class TestDeleteAndRestore:
    def test_deleted_reply_leaves_and_restored_reply_returns(
        self, community, member, moderator, general, start_topic, reply, find
    ):
        topic = start_topic(member, general, "Seeds")
        answer = reply(member, topic, "Try heirloom beans")
        services.post_delete(actor=actor_for(member, community), post=answer)
        assert answer.pk not in documents(topic)
        assert find("heirloom") == []
        services.post_restore(actor=actor_for(moderator, community), post=answer)
        assert answer.pk in documents(topic)
        assert find("heirloom") == [("Seeds", 2)]

    def test_deleting_a_topic_unindexes_all_its_posts_and_restoring_brings_them_back(
        self, community, member, moderator, general, start_topic, reply, find
    ):
        topic = start_topic(member, general, "Heirloom seeds")
        kept = reply(member, topic, "Beans")
        removed = reply(member, topic, "Peas")
        services.post_delete(actor=actor_for(member, community), post=removed)
        first = Post.objects.get(topic=topic, number=1)
        services.post_delete(actor=actor_for(moderator, community), post=first)
        assert documents(topic) == {}
        assert find("heirloom") == []
        services.post_restore(actor=actor_for(moderator, community), post=first)
        # The reply deleted on its own stays deleted, and out of the index.
        assert set(documents(topic)) == {first.pk, kept.pk}
        assert find("heirloom", matches=True) == [("Heirloom seeds", 1, 2)]

    def test_index_post_refuses_deleted_posts(self, community, member, general, start_topic):
        topic = start_topic(member, general, "Seeds")
        post = Post.objects.get(topic=topic, number=1)
        Post.objects.filter(pk=post.pk).update(deleted_at=topic.created_at)
        post.refresh_from_db()
        index_post(post, topic)
        assert documents(topic) == {}


class TestStaffTools:
    def test_moving_a_topic_moves_its_documents(
        self, community, owner, member, general, members_only, start_topic, reply
    ):
        topic = start_topic(member, general, "Seeds")
        reply(member, topic, "Beans")
        services.topic_move(actor=actor_for(owner, community), topic=topic, category=members_only)
        assert {d.category_id for d in documents(topic).values()} == {members_only.pk}

    def test_merging_moves_documents_under_the_target_title(
        self, community, owner, member, general, start_topic, reply, find
    ):
        source = start_topic(member, general, "Beans", "Runner beans")
        target = start_topic(member, general, "Legumes", "Peas")
        services.topic_merge(actor=actor_for(owner, community), topic=source, into=target)
        assert documents(source) == {}
        target_first = Post.objects.get(topic=target, number=1)
        assert {
            (d.title, d.is_first, d.post_id == target_first.pk) for d in documents(target).values()
        } == {
            ("Legumes", True, True),
            ("Legumes", False, False),
        }
        assert find("runner") == [("Legumes", 2)]

    def test_splitting_moves_documents_under_the_new_title(
        self, community, owner, member, general, start_topic, reply, find
    ):
        topic = start_topic(member, general, "Seeds", "Sowing")
        reply(member, topic, "Off topic: compost bins")
        reply(member, topic, "More compost")
        new = services.topic_split(
            actor=actor_for(owner, community), topic=topic, numbers=[2, 3], title="Compost"
        )
        assert len(documents(topic)) == 1
        assert {(d.title, d.is_first) for d in documents(new).values()} == {
            ("Compost", True),
            ("Compost", False),
        }
        assert find("compost", matches=True) == [("Compost", 1, 2)]
