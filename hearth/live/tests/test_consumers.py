"""What the event log announces: new replies and topics, as ids; nothing held or hidden
until a moderator publishes it. The writes commit for real: announcements go out after
commit, as in production."""

import pytest
from django.db import transaction

from hearth.discussions import services
from hearth.discussions.models import ReviewState
from hearth.live.channels import latest_channel, topic_channel, user_channel
from hearth.moderation import services as moderation_services
from hearth.moderation.models import PostReview
from hearth.testing.factories import actor_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def announced(memory_backend):
    def on(channel):
        messages, _ = memory_backend.hub.after(channel, (0, 0))
        return [(m.event, m.data) for m in messages]

    return on


def test_a_reply_is_announced_on_its_topic(community, topic, admin, announced):
    post = services.post_reply(actor=actor_for(admin, community), topic=topic, body="Hi")
    assert announced(topic_channel(topic.pk)) == [
        ("post.created", {"topic": topic.pk, "post": post.pk, "number": 2})
    ]


def test_a_new_topic_is_announced_on_the_latest_list(community, general, member, announced):
    topic = services.topic_create(
        actor=actor_for(member, community), category=general, title="Tomatoes", body="x"
    )
    assert announced(latest_channel(community.pk)) == [
        ("topic.created", {"topic": topic.pk, "category": general.pk})
    ]
    assert announced(topic_channel(topic.pk)) == []


def test_a_held_reply_is_announced_only_once_approved(
    community, topic, newcomer, moderator, announced
):
    with transaction.atomic():
        post = services.post_reply(
            actor=actor_for(newcomer, community), topic=topic, body="Cheap seeds"
        )
        services.post_set_review_state(post=post, state=ReviewState.HELD)
    assert announced(topic_channel(topic.pk)) == []
    review = PostReview.objects.filter(
        post=post, status="pending"
    ).first() or PostReview.objects.create(community=community, post=post)
    moderation_services.review_decide(
        actor=actor_for(moderator, community), review=review, action="approve", note="Fine"
    )
    assert [data["number"] for _, data in announced(topic_channel(topic.pk))] == [2]


def test_a_notification_tells_the_recipients_bell_its_count_changed(
    community, topic, admin, announced
):
    author = topic.posts.get(number=1).author
    services.post_reply(actor=actor_for(admin, community), topic=topic, body="Welcome!")
    assert announced(user_channel(author.pk)) == [("notifications.count", {})]
