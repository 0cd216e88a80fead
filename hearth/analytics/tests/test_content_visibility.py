"""Health reports name only content their reader may open: a drill-down and the weekly
email show a topic's title, link and category to staff who may read its category, and
count the rest without naming it."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hearth.analytics.emails import send_weekly_email
from hearth.communities.models import Role
from hearth.discussions import services
from hearth.discussions.models import Category, CategoryKind, ReadAccess
from hearth.testing.factories import actor_for, membership_factory, user_factory

# Which category read levels each persona that may open the dashboard can read.
READABLE = {
    "owner": set(ReadAccess.values),
    "admin": set(ReadAccess.values),
    "moderator": {ReadAccess.EVERYONE, ReadAccess.MEMBERS, ReadAccess.STAFF},
}
# Newest level first, so the admins-only question is among the email's first three.
LEVELS = [ReadAccess.ADMINS, ReadAccess.STAFF, ReadAccess.MEMBERS, ReadAccess.EVERYONE]


def _category(owner_actor, level: str, kind: str) -> Category:
    noun = "help" if kind == CategoryKind.QUESTIONS else "talk"
    return services.category_create(
        actor=owner_actor, name=f"{level.title()} {noun} room", read_access=level, kind=kind
    )


@pytest.fixture
def private_content(community, owner, admin, moderator):
    """A discussion and a questions category at every read level, each with a topic nobody
    answered two days ago; the owner's first post is older than any window."""
    act = actor_for(owner, community)
    general = Category.objects.get(community=community, slug="general")
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=60), tick=False):
        services.topic_create(actor=act, category=general, title="Welcome", body="Hello all")
    titles = {}
    with time_machine.travel(now - timedelta(days=2), tick=False):
        for kind in (CategoryKind.QUESTIONS, CategoryKind.DISCUSSION):
            for level in LEVELS:
                category = _category(act, level, kind)
                title = f"{level.title()} only {kind} waiting"
                services.topic_create(actor=act, category=category, title=title, body="Help?")
                titles[kind, level] = (title, category.name)
    return titles


def _drilldown(client, community, persona_user, metric):
    client.force_login(persona_user)
    response = client.get(reverse("analytics:health-drilldown", args=[community.slug, metric]))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("persona", sorted(READABLE))
@pytest.mark.parametrize(
    "metric, kind",
    [
        ("unanswered-topics", CategoryKind.DISCUSSION),
        ("unanswered-questions", CategoryKind.QUESTIONS),
    ],
)
def test_topic_drilldowns_name_only_topics_the_viewer_may_read(
    client, community, personas, private_content, persona, metric, kind
):
    response = _drilldown(client, community, personas[persona], metric)
    page = response.content.decode()
    for level in LEVELS:
        title, category = private_content[kind, level]
        shown = level in READABLE[persona]
        assert (title in page) is shown, (persona, level)
        assert (category in page) is shown, (persona, level)
    listed = {row.topic.title for row in response.context["rows"]}
    assert all(level in READABLE[persona] for (k, level), (t, _c) in private_content.items()
               if t in listed)  # fmt: skip


@pytest.mark.parametrize("persona", sorted(READABLE))
def test_unlisted_topics_are_counted_and_said_so(
    client, community, personas, private_content, persona
):
    response = _drilldown(client, community, personas[persona], "unanswered-questions")
    hidden = len(LEVELS) - len(READABLE[persona])
    assert response.context["unlisted"] == hidden
    assert response.context["page"].paginator.count == len(READABLE[persona])
    page = response.content.decode()
    assert ("counted in the figures but not listed here" in page) is bool(hidden)


def test_a_newcomers_first_post_is_named_only_to_who_may_read_it(
    client, community, owner, moderator, private_content
):
    ada = membership_factory(community, user=user_factory(username="ada"), role=Role.ADMIN).user
    secret = Category.objects.get(community=community, read_access=ReadAccess.ADMINS,
                                  kind=CategoryKind.DISCUSSION)  # fmt: skip
    with time_machine.travel(timezone.now() - timedelta(days=2), tick=False):
        topic = services.topic_create(
            actor=actor_for(ada, community), category=secret, title="Ada salary plan", body="x"
        )
    link = reverse("discussions:topic", args=[community.slug, topic.slug, topic.pk])

    page = _drilldown(client, community, owner, "newcomers").content.decode()
    assert "Ada salary plan" in page and link in page

    response = _drilldown(client, community, moderator, "newcomers")
    page = response.content.decode()
    assert "Ada" in page  # the member is listed, ...
    assert "salary plan" not in page and link not in page  # ... her post is not named
    assert "their first post is in a category you cannot read" in page
    (row,) = [r for r in response.context["rows"] if r.user == ada]
    assert row.topic is None and row.url == "" and row.post_unlisted


def _email_to(user) -> str:
    (message,) = [m for m in mail.outbox if m.to == [user.email]]
    return message.body + message.alternatives[0][0]


def test_the_weekly_email_names_only_questions_its_recipient_may_read(
    community, personas, private_content
):
    assert send_weekly_email(community) == 3  # owner, admin, moderator: a copy each
    for persona in READABLE:
        email = _email_to(personas[persona])
        for level in LEVELS[:3]:
            title, _category = private_content[CategoryKind.QUESTIONS, level]
            assert (title in email) is (level in READABLE[persona]), (persona, level)
        assert ("not named here" in email) is (persona == "moderator")
    moderator_email = _email_to(personas["moderator"])
    everyone_title, _category = private_content[CategoryKind.QUESTIONS, ReadAccess.EVERYONE]
    assert everyone_title in moderator_email  # the third slot goes to what they can read
