"""The "first post" flag discussions set on a newcomer's first post, and what the
newcomer-welcome goal needs from the replies to it."""

from hearth.core.models import InteractionEvent
from hearth.discussions import services as discussion_services
from hearth.discussions.models import Category, Post
from hearth.testing.factories import actor_for, community_factory, membership_factory


def test_first_topic_is_flagged_and_the_second_post_is_not(actor_of, general):
    nico = actor_of("newcomer")
    topic = discussion_services.topic_create(actor=nico, category=general, title="Hi", body="1")
    reply = discussion_services.post_reply(actor=nico, topic=topic, body="2")
    second = discussion_services.topic_create(actor=nico, category=general, title="Q", body="3")
    assert topic.posts.get(number=1).is_first_post is True
    assert reply.is_first_post is False
    assert second.posts.get(number=1).is_first_post is False


def test_a_first_reply_is_flagged(actor_of, topic):
    reply = discussion_services.post_reply(actor=actor_of("newcomer"), topic=topic, body="Hello!")
    assert reply.is_first_post is True


def test_staff_posts_are_not_flagged(actor_of, general):
    for persona in ("owner", "admin", "moderator"):
        topic = discussion_services.topic_create(
            actor=actor_of(persona), category=general, title="Staff note", body="x"
        )
        assert topic.posts.get().is_first_post is False


def test_after_deleting_the_first_post_the_next_one_is_first(actor_of, general):
    nico = actor_of("newcomer")
    topic = discussion_services.topic_create(actor=nico, category=general, title="Oops", body="x")
    discussion_services.post_delete(actor=nico, post=topic.posts.get())
    again = discussion_services.topic_create(actor=nico, category=general, title="Hi", body="y")
    assert again.posts.get().is_first_post is True


def test_first_post_is_per_community(actor_of, community, newcomer, general):
    discussion_services.topic_create(
        actor=actor_of("newcomer"), category=general, title="Here", body="x"
    )
    elsewhere = community_factory()
    membership_factory(elsewhere, user=newcomer)
    there = discussion_services.topic_create(
        actor=actor_for(newcomer, elsewhere),
        category=Category.objects.get(community=elsewhere, slug="general"),
        title="There",
        body="y",
    )
    assert there.posts.get().is_first_post is True
    assert Post.objects.filter(author=newcomer, is_first_post=True).count() == 2


def test_replies_to_a_first_post_target_its_author(actor_of, newcomer, member, topic, general):
    """The welcome-rate metric reads post.reply events whose target is the newcomer, after
    the first post's time (the post's created_at and its topic.create/post.reply event)."""
    first_topic = discussion_services.topic_create(
        actor=actor_of("newcomer"), category=general, title="Hello", body="I'm new"
    )
    first = first_topic.posts.get()
    welcome = discussion_services.post_reply(
        actor=actor_of("member"), topic=first_topic, body="Welcome!", reply_to=first
    )
    plain = discussion_services.post_reply(actor=actor_of("admin"), topic=first_topic, body="Hi!")
    events = InteractionEvent.objects.filter(
        verb="post.reply", object_id__in=[welcome.pk, plain.pk]
    )
    assert {e.target_user_id for e in events} == {newcomer.pk}
    created = InteractionEvent.objects.get(verb="topic.create", object_id=first.pk)
    assert created.actor_id == newcomer.pk
    assert created.created_at <= min(e.created_at for e in events)


def test_the_migration_flags_existing_first_posts(actor_of, general, topic):
    """0005 backfills the flag: each non-staff author's earliest surviving post."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("hearth.discussions.migrations.0005_post_is_first_post")
    nico = actor_of("newcomer")
    gone = discussion_services.topic_create(actor=nico, category=general, title="Oops", body="x")
    discussion_services.post_delete(actor=nico, post=gone.posts.get())
    kept = discussion_services.post_reply(actor=nico, topic=topic, body="Hello")
    later = discussion_services.post_reply(actor=nico, topic=topic, body="Again")
    staff = discussion_services.post_reply(actor=actor_of("owner"), topic=topic, body="Hi")
    Post.objects.update(is_first_post=False)
    migration.flag_existing_first_posts(apps, None)
    flagged = set(Post.objects.filter(is_first_post=True).values_list("pk", flat=True))
    assert flagged == {topic.posts.get(number=1).pk, kept.pk}
    assert later.pk not in flagged and staff.pk not in flagged
