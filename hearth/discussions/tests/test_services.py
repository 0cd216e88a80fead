import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from hearth.communities import services as community_services
from hearth.core.models import InteractionEvent
from hearth.discussions import services
from hearth.discussions.models import (
    Category,
    Mention,
    Post,
    PostRevision,
    Reaction,
    Topic,
    TopicRead,
)
from hearth.testing.concurrency import race
from hearth.testing.factories import actor_for, image_upload, membership_factory, user_factory
from hearth.testing.html import script_capable_parts


def _reply(user, community, topic, body="A reply", **kw):
    return services.post_reply(actor=actor_for(user, community), topic=topic, body=body, **kw)


class TestTopicCreate:
    def test_creates_topic_with_first_post_event_and_counts(self, community, member, general):
        topic = services.topic_create(
            actor=actor_for(member, community),
            category=general,
            title="  Seeds  for   spring ",
            body="**Hi**",
        )
        assert topic.title == "Seeds for spring" and topic.slug == "seeds-for-spring"
        post = Post.objects.get(topic=topic)
        assert post.number == 1 and post.html == "<p><strong>Hi</strong></p>\n"
        assert topic.post_count == 1 and topic.highest_post_number == 1
        general.refresh_from_db()
        assert (general.topic_count, general.post_count) == (1, 1)
        assert InteractionEvent.objects.filter(verb="topic.create", actor=member).exists()
        assert TopicRead.objects.get(user=member, topic=topic).last_read_number == 1

    @pytest.mark.parametrize(
        "title, body, field",
        [
            ("", "body", "title"),
            ("   \t", "body", "title"),
            ("\u200b\u202e", "body", "title"),
            ("x" * 256, "body", "title"),
            ("Title", "", "body"),
            ("Title", "   \n  ", "body"),
            ("Title", "x" * 32_001, "body"),
        ],
    )
    def test_bad_input_creates_nothing(self, community, member, general, title, body, field):
        with pytest.raises(ValidationError) as exc:
            services.topic_create(
                actor=actor_for(member, community), category=general, title=title, body=body
            )
        assert field in exc.value.message_dict
        assert not Topic.objects.exists() and not Post.objects.exists()

    def test_one_megabyte_of_one_word_is_refused(self, community, member, general):
        with pytest.raises(ValidationError):
            services.topic_create(
                actor=actor_for(member, community),
                category=general,
                title="Big",
                body="a" * 1_000_000,
            )

    def test_hostile_markdown_is_neutralised(self, community, member, general):
        body = (
            "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> "
            "![d](data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+) "
            "<svg><script>alert(1)</script></svg>\n\n" + "> " * 10_000 + "deep"
        )
        topic = services.topic_create(
            actor=actor_for(member, community), category=general, title="X", body=body[:32000]
        )
        assert script_capable_parts(Post.objects.get(topic=topic).html) == []

    def test_strips_direction_overrides(self, community, member, general):
        topic = services.topic_create(
            actor=actor_for(member, community),
            category=general,
            title="ab\u202ecd",
            body="x\u200by",
        )
        assert topic.title == "abcd"
        assert Post.objects.get(topic=topic).body == "xy"

    def test_staff_only_category_refuses_members(self, community, member, owner):
        news = services.category_create(
            actor=actor_for(owner, community), name="News", post_access="staff"
        )
        with pytest.raises(PermissionDenied):
            services.topic_create(
                actor=actor_for(member, community), category=news, title="Hi", body="x"
            )
        services.topic_create(
            actor=actor_for(owner, community), category=news, title="Hi", body="x"
        )

    @pytest.mark.parametrize("persona", ["outsider", "banned", "anonymous"])
    def test_non_members_cannot_post(self, actor_of, general, persona):
        with pytest.raises(PermissionDenied):
            services.topic_create(actor=actor_of(persona), category=general, title="Hi", body="x")

    def test_stale_rules_block_posting(self, community, owner, member, general):
        community_services.rules_update(actor=actor_for(owner, community), text="New rules")
        community.refresh_from_db()
        with pytest.raises(PermissionDenied, match="rules have changed"):
            services.topic_create(
                actor=actor_for(member, community), category=general, title="Hi", body="x"
            )

    def test_double_submit_makes_one_topic(self, community, member, general):
        actor = actor_for(member, community)
        first = services.topic_create(
            actor=actor, category=general, title="Hi", body="x", client_token="tok"
        )
        second = services.topic_create(
            actor=actor, category=general, title="Hi", body="x", client_token="tok"
        )
        assert first.pk == second.pk and Topic.objects.count() == 1

    def test_image_attachment(self, community, member, general):
        topic = services.topic_create(
            actor=actor_for(member, community), category=general, title="Pic", body="Look",
            image=image_upload("p.jpg", fmt="JPEG", size=(2000, 1500)),
        )  # fmt: skip
        post = Post.objects.get(topic=topic)
        full, thumb = post.attachments.order_by("pk")
        assert f'<img src="{thumb.get_absolute_url()}"' in post.html
        assert f'href="{full.get_absolute_url()}"' in post.html
        assert "/media/" not in post.html

    def test_non_image_attachment_is_refused(self, community, member, general):
        fake = image_upload("p.png")
        fake.file.seek(0)
        fake.file.write(b"GIF89a<script>")
        fake.file.truncate()
        with pytest.raises(ValidationError) as exc:
            services.topic_create(
                actor=actor_for(member, community),
                category=general,
                title="P",
                body="x",
                image=fake,
            )
        assert "image" in exc.value.message_dict
        assert not Topic.objects.exists()


class TestReplies:
    def test_reply_numbers_and_events(self, community, owner, member, topic):
        first = Post.objects.get(topic=topic, number=1)
        reply = _reply(owner, community, topic, reply_to=first)
        assert reply.number == 2 and reply.reply_to == first
        event = InteractionEvent.objects.get(verb="post.reply", actor=owner)
        assert event.target_user == member
        topic.refresh_from_db()
        assert (topic.post_count, topic.highest_post_number, topic.last_poster) == (2, 2, owner)

    def test_reply_to_post_of_another_topic_is_refused(
        self, community, owner, member, topic, general
    ):
        other = services.topic_create(
            actor=actor_for(owner, community), category=general, title="Other", body="x"
        )
        foreign = Post.objects.get(topic=other)
        with pytest.raises(ValidationError):
            _reply(member, community, topic, reply_to=foreign)

    def test_closed_and_archived_topics_take_no_replies(self, community, owner, member, topic):
        services.topic_set_state(actor=actor_for(owner, community), topic=topic, closed=True)
        with pytest.raises(PermissionDenied, match="closed"):
            _reply(member, community, topic)
        services.topic_set_state(
            actor=actor_for(owner, community), topic=topic, closed=False, archived=True
        )
        with pytest.raises(PermissionDenied, match="archived"):
            _reply(owner, community, topic)

    def test_mentions_link_members_only_and_record_events(
        self, community, owner, member, outsider, topic
    ):
        post = _reply(
            owner,
            community,
            topic,
            body=f"Hi @{member.username} and @{outsider.username} and @nobody",
        )
        assert f'href="/c/garden/u/{member.username}/"' in post.html
        assert f"/u/{outsider.username}/" not in post.html
        assert list(Mention.objects.filter(post=post).values_list("user", flat=True)) == [member.pk]
        assert InteractionEvent.objects.filter(verb="post.mention", target_user=member).count() == 1

    def test_too_many_mentions_are_refused(self, community, owner, topic):
        body = " ".join(f"@user{i:03d}" for i in range(500))
        with pytest.raises(ValidationError, match="at most 20"):
            _reply(owner, community, topic, body=body)
        assert Post.objects.filter(topic=topic).count() == 1

    def test_links_from_newcomers_are_nofollow(self, community, newcomer, owner, topic):
        low = _reply(newcomer, community, topic, body="[site](https://example.com)")
        high = _reply(owner, community, topic, body="[site](https://example.com)")
        assert "nofollow" in low.html and "nofollow" not in high.html

    @pytest.mark.django_db(transaction=True)
    def test_concurrent_replies_keep_numbering(self, community, owner, member, topic):
        if connection.vendor == "sqlite":
            pytest.skip("SQLite serialises writers; the lock matters on PostgreSQL")
        users = [member, owner] + [membership_factory(community).user for _ in range(4)]
        errors = race(
            [
                lambda user=user: _reply(user, community, topic, body=f"from {user.username}")
                for user in users
            ]
        )
        assert not errors
        numbers = sorted(Post.objects.filter(topic=topic).values_list("number", flat=True))
        assert numbers == list(range(1, len(users) + 2))


class TestEditDelete:
    def test_edit_keeps_history(self, community, member, topic):
        post = Post.objects.get(topic=topic)
        services.post_edit(
            actor=actor_for(member, community), post=post, body="Changed", title="New title"
        )
        post.refresh_from_db()
        topic.refresh_from_db()
        assert post.body == "Changed" and post.edit_count == 1 and topic.title == "New title"
        revision = PostRevision.objects.get(post=post)
        assert (revision.body_before, revision.body_after) == ("First post", "Changed")
        assert (revision.editor, revision.title_before) == (member, "Hello garden")

    def test_cannot_edit_or_delete_someone_elses_post(self, community, newcomer, topic):
        post = Post.objects.get(topic=topic)
        with pytest.raises(PermissionDenied):
            services.post_edit(actor=actor_for(newcomer, community), post=post, body="Hacked")
        with pytest.raises(PermissionDenied):
            services.post_delete(actor=actor_for(newcomer, community), post=post)
        post.refresh_from_db()
        assert post.body == "First post" and not post.is_deleted

    def test_soft_delete_and_staff_restore(self, community, owner, member, topic):
        reply = _reply(owner, community, topic)
        mine = _reply(member, community, topic, body="oops")
        services.post_delete(actor=actor_for(member, community), post=mine)
        topic.refresh_from_db()
        assert topic.post_count == 2
        with pytest.raises(PermissionDenied):
            services.post_restore(actor=actor_for(member, community), post=mine)
        services.post_restore(actor=actor_for(owner, community), post=mine)
        topic.refresh_from_db()
        assert topic.post_count == 3 and reply.number == 2

    def test_deleting_first_post_deletes_topic(self, community, owner, member, topic):
        services.post_delete(
            actor=actor_for(member, community), post=Post.objects.get(topic=topic, number=1)
        )
        topic.refresh_from_db()
        assert topic.deleted_at is not None
        assert not Category.objects.get(pk=topic.category_id).topic_count

    def test_author_cannot_delete_a_topic_with_replies(self, community, owner, member, topic):
        _reply(owner, community, topic)
        with pytest.raises(PermissionDenied, match="has replies"):
            services.post_delete(
                actor=actor_for(member, community), post=Post.objects.get(topic=topic, number=1)
            )


class TestReactions:
    def test_toggle_once_per_kind(self, community, owner, topic):
        post = Post.objects.get(topic=topic)
        actor = actor_for(owner, community)
        assert services.reaction_toggle(actor=actor, post=post, kind="heart") is True
        post.refresh_from_db()
        assert post.reactions == {"heart": 1}
        assert services.reaction_toggle(actor=actor, post=post, kind="heart") is False
        post.refresh_from_db()
        assert post.reactions == {} and not Reaction.objects.exists()
        assert InteractionEvent.objects.filter(verb="post.react").count() == 1

    def test_cannot_react_to_own_post_or_with_unknown_kind(self, community, member, owner, topic):
        post = Post.objects.get(topic=topic)
        with pytest.raises(PermissionDenied):
            services.reaction_toggle(actor=actor_for(member, community), post=post, kind="heart")
        with pytest.raises(ValidationError):
            services.reaction_toggle(actor=actor_for(owner, community), post=post, kind="poop")

    def test_outsider_cannot_react(self, community, outsider, topic):
        with pytest.raises(PermissionDenied):
            services.reaction_toggle(
                actor=actor_for(outsider, community),
                post=Post.objects.get(topic=topic),
                kind="heart",
            )


class TestStaffTools:
    def test_move_merge_split(self, community, owner, member, topic, general, members_only):
        staff = actor_for(owner, community)
        _reply(owner, community, topic, body="two")
        _reply(member, community, topic, body="three")
        services.topic_move(actor=staff, topic=topic, category=members_only)
        topic.refresh_from_db()
        assert topic.category == members_only
        new = services.topic_split(actor=staff, topic=topic, numbers=[3], title="Split off")
        assert list(Post.objects.filter(topic=new).values_list("number", "body")) == [(1, "three")]
        topic.refresh_from_db()
        assert topic.post_count == 2
        into = services.topic_merge(actor=staff, topic=new, into=topic)
        assert list(
            Post.objects.filter(topic=into).order_by("number").values_list("number", flat=True)
        ) == [1, 2, 4]
        new.refresh_from_db()
        assert new.merged_into == topic and new.deleted_at is not None

    def test_merge_into_itself_or_another_community_is_refused(self, community, owner, topic):
        from hearth.testing.factories import community_factory

        staff = actor_for(owner, community)
        with pytest.raises(ValidationError):
            services.topic_merge(actor=staff, topic=topic, into=topic)
        other = community_factory(owner=owner)
        elsewhere = Category.objects.get(community=other, slug="general")
        other_topic = services.topic_create(
            actor=actor_for(owner, other), category=elsewhere, title="Elsewhere", body="x"
        )
        with pytest.raises(ValidationError):
            services.topic_merge(actor=staff, topic=topic, into=other_topic)

    def test_members_cannot_moderate(self, community, member, topic):
        with pytest.raises(PermissionDenied):
            services.topic_set_state(actor=actor_for(member, community), topic=topic, pinned=True)

    def test_category_validation(self, community, owner, member):
        staff = actor_for(owner, community)
        with pytest.raises(ValidationError) as exc:
            services.category_create(actor=staff, name="General")
        assert "slug" in exc.value.message_dict
        with pytest.raises(ValidationError):
            services.category_create(actor=staff, name="X", color="red")
        with pytest.raises(PermissionDenied):
            services.category_create(actor=actor_for(member, community), name="Mine")


def test_mark_read_never_moves_backwards(community, owner, member, topic):
    for _ in range(3):
        _reply(owner, community, topic)
    actor = actor_for(member, community)
    services.topic_mark_read(actor=actor, topic=Topic.objects.get(pk=topic.pk), number=4)
    services.topic_mark_read(actor=actor, topic=Topic.objects.get(pk=topic.pk), number=2)
    assert TopicRead.objects.get(user=member, topic=topic).last_read_number == 4


def test_outsider_reading_is_not_tracked(community, outsider, topic):
    services.topic_mark_read(actor=actor_for(outsider, community), topic=topic, number=1)
    assert not TopicRead.objects.filter(user=outsider).exists()


def test_user_factory_used(db):
    assert user_factory()
