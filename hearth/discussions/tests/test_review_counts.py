"""Replies held or hidden for review are left out of their topic's and category's post
count and "last post", so the counts match the posts everyone else can read."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from hearth.discussions import services
from hearth.discussions.models import Category, ReviewState, Topic
from hearth.testing.factories import actor_for


def _reply(community, user, topic, body, minutes):
    with time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False):
        return services.post_reply(actor=actor_for(user, community), topic=topic, body=body)


def _counts(topic):
    topic = Topic.objects.get(pk=topic.pk)
    return topic.post_count, topic.last_poster_id, topic.last_posted_at


def test_a_reply_in_review_leaves_the_counts_and_comes_back_when_published(
    community, topic, owner, newcomer, general
):
    visible = _reply(community, owner, topic, "A visible answer", minutes=1)
    before = _counts(topic)
    category_before = Category.objects.get(pk=general.pk).post_count
    hidden = _reply(community, newcomer, topic, "Something to review", minutes=2)
    assert _counts(topic)[0] == 3
    for state in (ReviewState.HELD, ReviewState.FLAGGED):
        services.post_set_review_state(post=hidden, state=state, note="review")
        assert _counts(topic) == before == (2, owner.pk, visible.created_at)
        assert Category.objects.get(pk=general.pk).post_count == category_before
    services.post_set_review_state(post=hidden, state=ReviewState.PUBLISHED)
    assert _counts(topic) == (3, newcomer.pk, hidden.created_at)
    assert Category.objects.get(pk=general.pk).post_count == category_before + 1


def test_deleting_a_reply_in_review_counts_it_once(community, topic, owner, newcomer, general):
    category_before = Category.objects.get(pk=general.pk).post_count
    hidden = _reply(community, newcomer, topic, "Something to review", minutes=1)
    services.post_set_review_state(post=hidden, state=ReviewState.HELD, note="review")
    services.post_delete_after_review(actor=actor_for(owner, community), post=hidden)
    assert _counts(topic)[0] == 1
    assert Category.objects.get(pk=general.pk).post_count == category_before


def test_the_topic_list_counts_only_replies_others_can_read(
    client, community, topic, member, newcomer
):
    hidden = _reply(community, newcomer, topic, "Something to review", minutes=1)
    services.post_set_review_state(post=hidden, state=ReviewState.FLAGGED, note="spam")
    client.force_login(member)
    page = client.get(reverse("discussions:latest", args=[community.slug])).content.decode()
    assert "0</strong>" in page and "last reply by" not in page
