"""Views of questions by anyone but the asker, counted per day through the same buffered
flush as every page view: no write on the request, one upsert per flush."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hearth.audience.models import AudienceDay, TopicViewDay
from hearth.audience.recording import buffer
from hearth.core import ratelimit
from hearth.discussions import services as discussion_services
from hearth.testing.factories import actor_for


@pytest.fixture
def question(community, owner, newcomer):
    support = discussion_services.category_create(
        actor=actor_for(owner, community), name="Support", kind="questions"
    )
    with ratelimit.paused():
        return discussion_services.topic_create(
            actor=actor_for(newcomer, community), category=support, title="Why?", body="Help"
        )


def _path(topic):
    return reverse("discussions:topic", args=[topic.community.slug, topic.slug, topic.pk])


def _views(topic):
    return sum(TopicViewDay.objects.filter(topic=topic).values_list("views", flat=True))


def test_signed_out_and_other_members_count_the_asker_does_not(
    browse, client, question, newcomer, member
):
    assert browse(_path(question)).status_code == 200
    assert browse(_path(question)).status_code == 200  # a cached page counts all the same
    client.force_login(member)
    assert browse(_path(question)).status_code == 200
    client.force_login(newcomer)
    assert browse(_path(question)).status_code == 200
    [view] = [v for v in buffer._views if v.viewer_id == newcomer.pk]
    assert view.topic_id == question.pk
    buffer.flush()
    assert _views(question) == 3
    day = AudienceDay.objects.get(community=question.community)
    assert day.page_views == 4  # the asker's view is a page view, not an answer view
    assert TopicViewDay.objects.get(topic=question).day == timezone.now().date()


def test_bots_are_not_counted(browse, question):
    browse(_path(question), HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1)")
    buffer.flush()
    assert _views(question) == 0


def test_a_discussion_topic_or_a_redirect_is_not_counted(browse, topic, question):
    browse(_path(topic))
    wrong_slug = reverse("discussions:topic", args=["garden", "wrong", question.pk])
    assert browse(wrong_slug).status_code == 301
    buffer.flush()
    assert not TopicViewDay.objects.exists()


def _flush_queries() -> int:
    with CaptureQueriesContext(connection) as captured:
        buffer.flush()
    return len(captured)


def test_a_request_writes_nothing_and_a_flush_adds_two_queries(browse, question):
    browse(_path(question))  # warm the caches
    buffer.take()
    browse("/c/garden/")
    plain = _flush_queries()
    browse(_path(question))
    browse(_path(question))
    assert TopicViewDay.objects.count() == 0
    # Who asked the questions viewed, and one upsert of their day rows.
    assert _flush_queries() == plain + 2
    assert _views(question) == 2
