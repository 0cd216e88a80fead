"""A small community history written through the services at past times (time-machine),
shared by the dashboard's view tests and the browser journey, and the figures it must
produce on the dashboard.

Forty days ending now: staff answer the first question, members answer later ones, ben
and cat become friends, dan's topic and finn's question get no reply, ann proposes an
idea that the owner plans, and everyone arrives from an invite source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from hearth.accounts.models import User
from hearth.analytics import rollups
from hearth.analytics.dashboard import build_dashboard
from hearth.analytics.forms import preset_window, utc_today
from hearth.communities import services as community_services
from hearth.communities.models import Community, Role
from hearth.discussions import services
from hearth.discussions.models import Category, CategoryKind, Post, Topic
from hearth.ideas import services as idea_services
from hearth.ideas.models import Idea
from hearth.qa import services as qa_services
from hearth.testing.factories import actor_for, membership_factory, user_factory


@dataclass
class History:
    community: Community
    people: dict[str, User]
    topics: dict[str, Topic]


def _first_post(topic: Topic) -> Post:
    return Post.objects.get(topic=topic, number=1)


def seed_history(community: Community, owner: User, *, now: datetime | None = None) -> History:
    """Write the history; ``now`` defaults to the current time (events end an hour ago)."""
    now = now or timezone.now()
    people = {"olivia": owner}
    mona = membership_factory(
        community, user=user_factory(username="mona_mod", display_name="Mona Moderator"),
        role=Role.MODERATOR, joined_at=now - timedelta(days=60),
    ).user  # fmt: skip
    people["mona"] = mona
    topics: dict[str, Topic] = {}

    def at(days_ago: float, hours: float = 0):
        return time_machine.travel(
            now - timedelta(days=days_ago) + timedelta(hours=hours), tick=False
        )

    def act(name: str):
        return actor_for(people[name], community)

    with at(45):
        questions = services.category_create(
            actor=act("olivia"), name="Help", slug="help", kind=CategoryKind.QUESTIONS
        )
        ideas = services.category_create(
            actor=act("olivia"), name="Ideas", slug="ideas", kind=CategoryKind.IDEAS
        )
    general = Category.objects.get(community=community, slug="general")

    def join(name: str, days_ago: float, source: str, campaign: str = "") -> None:
        with at(days_ago):
            people[name] = user_factory(username=name, display_name=name.title() + " " + "Gardener")
            community_services.membership_join(
                actor=actor_for(people[name], community), community=community,
                accept_rules=True, source=source, campaign=campaign,
            )  # fmt: skip

    def topic(name: str, key: str, days_ago: float, category, title: str, hours: float = 1):
        with at(days_ago, hours):
            topics[key] = services.topic_create(
                actor=act(name), category=category, title=title, body=f"{title} — details."
            )

    def reply(name: str, key: str, days_ago: float, hours: float, body: str, to=None):
        with at(days_ago, hours):
            return services.post_reply(actor=act(name), topic=topics[key], body=body, reply_to=to)

    def react(name: str, post: Post, days_ago: float, hours: float):
        with at(days_ago, hours):
            services.reaction_toggle(actor=act(name), post=post, kind="heart")

    with at(40):
        services.topic_create(
            actor=act("olivia"), category=general, title="Welcome to the garden",
            body="Say hello and tell us what you grow.",
        )  # fmt: skip
    join("ann", 39, "newsletter", "spring")
    topic("ann", "ann_q", 39, questions, "How deep should I plant garlic?")
    answer = reply("mona", "ann_q", 39, 3, "About 5 cm, pointy end up.")
    with at(39, 6):
        qa_services.answer_accept(actor=act("ann"), answer=answer)
    join("ben", 33, "instagram")
    topic("ben", "ben_t", 33, general, "My first tomatoes")
    first = reply("ann", "ben_t", 33, 3, "Lovely! Which variety?")
    reply("ben", "ben_t", 33, 5, "Sungold, very sweet.", to=first)
    react("ann", _first_post(topics["ben_t"]), 33, 6)
    join("cat", 20, "newsletter", "summer")
    topic("cat", "cat_q", 20, questions, "Why are my courgette leaves white?")
    answer = reply("ben", "cat_q", 20, 4, "Powdery mildew: water the soil, not the leaves.")
    with at(20, 8):
        qa_services.answer_accept(actor=act("cat"), answer=answer)
    for day in (16, 14, 12):
        question = reply("cat", "ben_t", day, 1, "How are the tomatoes now?")
        reply("ben", "ben_t", day, 2, "Ripening fast, come and see.", to=question)
    react("ben", first, 15, 1)
    join("dan", 11, "")
    topic("dan", "dan_t", 11, general, "Anyone growing chillies indoors?")
    join("eve", 5, "instagram")
    topic("eve", "eve_t", 5, general, "Hello from the balcony")
    reply("cat", "eve_t", 5, 3, "Welcome Eve! What do you grow up there?")
    topic("ann", "ann_idea", 8, ideas, "Seed swap every spring")
    idea = Idea.objects.get(topic=topics["ann_idea"])
    with at(7):
        idea_services.idea_vote(actor=act("ben"), idea=idea)
    with at(6):
        idea_services.idea_set_status(
            actor=act("olivia"), idea=idea, status="planned", response="Yes! First one in March."
        )
    # Ann keeps coming back: a reaction every few days makes her a regular.
    for day in range(2, 26, 3):
        react("ann", _first_post(topics["cat_q"] if day % 2 else topics["ben_t"]), day, 2)
    join("finn", 1, "newsletter", "spring")
    topic("finn", "finn_q", 1, questions, "Best soil for blueberries?", hours=-2)
    return History(community, people, topics)


@pytest.fixture
def history(community, owner):
    return seed_history(community, owner)


def test_the_seeded_history_tells_its_story(history):
    rollups.update(history.community)  # what the worker does after each commit
    d = build_dashboard(history.community, preset_window(28, utc_today()))
    r = d.report
    names = {user.pk: name for name, user in history.people.items()}
    # dan's topic and finn's question waited; ben answered cat, cat welcomed eve.
    assert sorted(names[u] for u in r.newcomers.unwelcomed) == ["dan", "finn"]
    assert sorted(names[u] for u in r.newcomers.welcomed) == ["cat", "eve"]
    # Cat's question answered by ben (a member) and accepted.
    assert r.support.accepted == 1 and r.support.accepted_from_members == 1
    assert [names[u] for pair in r.reciprocity.relationships for u in pair] in (
        ["ben", "cat"],
        ["cat", "ben"],
    )
    assert r.ideas.proposed == 1 and r.ideas.votes == 1 and r.ideas.responded == 1
    assert {row.source for row in d.funnel.rows} >= {"newsletter", "instagram", "direct"}
    assert d.graph.nodes >= 6
    assert sum(row.newcomers for row in d.days) == len(r.newcomers.newcomers)
