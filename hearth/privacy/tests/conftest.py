"""A community with some of everything a member can write: the member ``mel`` started a
topic, replied, reacted, voted, flagged, and talks with the owner in a direct message;
others wrote in a staff-only category and in a conversation ``mel`` is not in."""

from dataclasses import dataclass

import pytest

from hearth.conversations import services as dm
from hearth.discussions import services as discussions
from hearth.discussions.models import Category, CategoryKind, Post, ReadAccess, Topic
from hearth.ideas import services as ideas
from hearth.ideas.models import Idea
from hearth.moderation import services as moderation
from hearth.testing.factories import actor_for, image_upload


@dataclass
class Content:
    topic: Topic
    reply: Post  # the owner's reply in mel's topic
    mel_reply: Post  # mel's reply in the owner's topic
    owners_topic: Topic
    secret_topic: Topic  # staff-only, by the owner
    idea: Idea


@pytest.fixture
def content(community, owner, admin, member):
    mel, olivia = actor_for(member, community), actor_for(owner, community)
    general = Category.objects.get(community=community, slug="general")
    topic = discussions.topic_create(
        actor=mel,
        category=general,
        title="Tomatoes in August",
        body="My tomato secret is **patience**.",
        image=image_upload("tomato.png"),
    )
    reply = discussions.post_reply(actor=olivia, topic=topic, body="Lovely, thanks Mel!")
    discussions.reaction_toggle(actor=mel, post=reply, kind="heart")
    owners_topic = discussions.topic_create(
        actor=olivia, category=general, title="Spring planting", body="What do you plant?"
    )
    mel_reply = discussions.post_reply(actor=mel, topic=owners_topic, body="Mel plants beans.")
    staff = discussions.category_create(
        actor=olivia, name="Staff room", read_access=ReadAccess.STAFF
    )
    secret_topic = discussions.topic_create(
        actor=olivia, category=staff, title="Staff plans", body="The secret staff agenda."
    )
    idea_category = discussions.category_create(actor=olivia, name="Ideas", kind=CategoryKind.IDEAS)
    idea_topic = discussions.topic_create(
        actor=olivia, category=idea_category, title="A seed swap", body="Let us swap seeds."
    )
    idea = Idea.objects.get(topic=idea_topic)
    ideas.idea_vote(actor=mel, idea=idea)
    moderation.flag_create(actor=mel, post=reply, reason="spam")
    conversation = dm.start_conversation(
        actor=mel, recipients=[owner], body="Hello Olivia, a private word.", subject="Hi"
    )
    dm.send_message(actor=olivia, conversation=conversation, body="Hello Mel, a private answer.")
    dm.start_conversation(
        actor=olivia, recipients=[admin], body="Between us admins only.", subject="Admins"
    )
    return Content(topic, reply, mel_reply, owners_topic, secret_topic, idea)
