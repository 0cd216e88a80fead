import pytest
from django.utils import timezone

from hearth.communities.models import Visibility
from hearth.discussions import services
from hearth.discussions.models import Category, CategoryKind, Post, ReadAccess, ReviewState, Topic
from hearth.testing.factories import actor_for, community_factory, user_factory


@pytest.fixture
def staff_actor(community, owner):
    return actor_for(owner, community)


@pytest.fixture
def category_of(community, owner):
    """category_of(read_access) -> a category readable at that level."""

    def make(read_access, kind=CategoryKind.DISCUSSION):
        return services.category_create(
            actor=actor_for(owner, community),
            name=f"Room {read_access} {kind}",
            read_access=read_access,
            kind=kind,
        )

    return make


@pytest.fixture
def topic_in(community, owner):
    """topic_in(category, title) -> a topic by the owner (who may post in any category)."""

    def make(category, title, body="Opening words"):
        return services.topic_create(
            actor=actor_for(owner, community), category=category, title=title, body=body
        )

    return make


@pytest.fixture
def hidden_topics(community, general, topic_in, category_of):
    """One topic per way of being out of public sight, each with a telling title."""
    topics = {
        level: topic_in(category_of(level), f"Secret {level} topic")
        for level in (ReadAccess.MEMBERS, ReadAccess.STAFF, ReadAccess.ADMINS)
    }
    held = topic_in(general, "Secret held topic")
    Topic.objects.filter(pk=held.pk).update(review_state=ReviewState.HELD)
    Post.objects.filter(topic=held).update(review_state=ReviewState.HELD)
    flagged = topic_in(general, "Secret flagged topic")
    Topic.objects.filter(pk=flagged.pk).update(review_state=ReviewState.FLAGGED)
    Post.objects.filter(topic=flagged).update(review_state=ReviewState.FLAGGED)
    deleted = topic_in(general, "Secret deleted topic")
    Topic.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    return {**topics, "held": held, "flagged": flagged, "deleted": deleted}


@pytest.fixture
def public_topic(general, topic_in):
    return topic_in(general, "Public seedlings topic")


@pytest.fixture
def private_topic(db):
    """A topic in the General category of a private community."""
    owner = user_factory(username="priya")
    hideout = community_factory(
        owner=owner, slug="hideout", name="Hideout", visibility=Visibility.PRIVATE
    )
    return services.topic_create(
        actor=actor_for(owner, hideout),
        category=Category.objects.get(community=hideout, slug="general"),
        title="Secret private community topic",
        body="Only for us",
    )
