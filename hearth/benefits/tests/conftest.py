"""Solved questions and their views, arranged directly: a question is asked and answered
through the services, then accepted at a chosen moment; views go through the audience
flush, as the page-view middleware's would."""

from datetime import date

import pytest

from hearth.audience.recording import PageView
from hearth.audience.services import page_views_save
from hearth.core import ratelimit
from hearth.discussions import services as discussion_services
from hearth.qa.models import Question
from hearth.testing.factories import actor_for


@pytest.fixture
def support(community, owner):
    return discussion_services.category_create(
        actor=actor_for(owner, community), name="Support", kind="questions"
    )


@pytest.fixture
def ask(community, support):
    """ask(asker, answerer=None, accepted=datetime|None) -> the question's Topic."""

    def make(asker, answerer=None, accepted=None, title="How do I prune roses?"):
        with ratelimit.paused():
            topic = discussion_services.topic_create(
                actor=actor_for(asker, community), category=support, title=title, body="Help!"
            )
            if answerer is not None:
                answer = discussion_services.post_reply(
                    actor=actor_for(answerer, community), topic=topic, body="Cut above a bud."
                )
                if accepted is not None:
                    Question.objects.filter(topic=topic).update(
                        accepted_answer=answer, accepted_at=accepted, accepted_by=asker
                    )
        return topic

    return make


@pytest.fixture
def view(community):
    """view(topic, day, viewer=None, n=1): record n views as the page-view flush would."""

    def record(topic, day: date, viewer=None, n=1, community_id=None):
        page_views_save(
            [
                PageView(
                    community_id or community.pk,
                    day,
                    7,
                    "",
                    "",
                    "",
                    topic.pk,
                    viewer.pk if viewer is not None else 0,
                )
            ]
            * n
        )

    return record
