"""Each automatic badge's rule, with the exact events that earn it and the near misses."""

from datetime import timedelta

from django.utils import timezone

from hearth.communities.models import Membership
from hearth.recognition import awards
from hearth.recognition.rules import RULES
from hearth.testing.factories import community_factory


def qualifies(code, community, user) -> bool:
    return user.pk in RULES[code].qualifying(community, {user.pk})


def test_first_post(community, member, newcomer, event):
    event("post.react", member, newcomer)
    assert not qualifies("first-post", community, member)
    event("post.reply", member, newcomer, data={"topic": 1})
    assert qualifies("first-post", community, member)
    assert not qualifies("first-post", community, newcomer)


def test_first_post_counts_only_in_its_own_community(community, member, event):
    elsewhere = community_factory()
    event("topic.create", member, where=elsewhere, data={"topic": 1})
    assert not qualifies("first-post", community, member)


def test_first_reaction_received_must_come_from_someone_else(community, member, newcomer, event):
    event("post.react", member, member)
    assert not qualifies("first-reaction", community, member)
    event("post.react", newcomer, member)
    assert qualifies("first-reaction", community, member)


def test_first_accepted_answer(community, member, newcomer, event):
    event("answer.accept", member, member)  # accepting one's own answer earns nothing
    assert not qualifies("first-accepted-answer", community, member)
    event("answer.accept", newcomer, member)
    assert qualifies("first-accepted-answer", community, member)


def test_ten_accepted_answers_counts_distinct_answers(community, member, people, event):
    askers = people(10)
    accepted = [event("answer.accept", asker, member) for asker in askers[:9]]
    # The ninth answer accepted again (after an un-accept) is still nine answers.
    event("answer.accept", askers[9], member, obj=accepted[-1].object_id)
    assert not qualifies("ten-accepted-answers", community, member)
    event("answer.accept", askers[9], member)
    assert qualifies("ten-accepted-answers", community, member)


def _first_posts(event, newcomers, *, as_topics=True):
    """Each newcomer's first post: a topic (numbered 1..n) or a reply to topic 999."""
    firsts = []
    for i, person in enumerate(newcomers, start=1):
        if as_topics:
            firsts.append(event("topic.create", person, data={"topic": i}, ago=timedelta(hours=2)))
        else:
            firsts.append(
                event("post.reply", person, data={"topic": 999, "reply_to": None},
                      ago=timedelta(hours=2))
            )  # fmt: skip
    return firsts


def test_welcomer_replied_to_ten_members_first_topics(community, member, people, event):
    newcomers = people(10)
    _first_posts(event, newcomers)
    for i, person in enumerate(newcomers[:9], start=1):
        event("post.reply", member, person, data={"topic": i, "reply_to": None})
    # Twice to the same newcomer still counts once.
    event("post.reply", member, newcomers[0], data={"topic": 1, "reply_to": None})
    assert not qualifies("welcomer", community, member)
    event("post.reply", member, newcomers[9], data={"topic": 10, "reply_to": None})
    assert qualifies("welcomer", community, member)


def test_welcomer_counts_replies_to_first_posts_that_were_replies(community, member, people, event):
    newcomers = people(10)
    firsts = _first_posts(event, newcomers, as_topics=False)
    for person, first in zip(newcomers, firsts, strict=True):
        event("post.reply", member, person, data={"topic": 999, "reply_to": first.object_id})
    assert qualifies("welcomer", community, member)


def test_welcomer_ignores_replies_to_later_posts(community, member, people, event):
    newcomers = people(10)
    _first_posts(event, newcomers)
    for i, person in enumerate(newcomers, start=1):
        # Their second topic, not their first post.
        event("topic.create", person, data={"topic": 100 + i}, ago=timedelta(hours=1))
        event("post.reply", member, person, data={"topic": 100 + i, "reply_to": None})
    assert not qualifies("welcomer", community, member)


def test_conversation_starter_needs_ten_replies_by_others(community, member, people, event):
    event("topic.create", member, data={"topic": 7}, ago=timedelta(hours=1))
    repliers = people(9)
    for replier in repliers:
        event("post.reply", replier, member, data={"topic": 7})
    event("post.reply", member, repliers[0], data={"topic": 7})  # the author's own reply
    event("post.reply", repliers[0], member, data={"topic": 8})  # another topic
    assert not qualifies("conversation-starter", community, member)
    event("post.reply", repliers[0], member, data={"topic": 7})
    assert qualifies("conversation-starter", community, member)


def test_idea_shipped(community, member, owner, event):
    event("idea.status", owner, member, data={"from": "new", "to": "planned"})
    assert not qualifies("idea-shipped", community, member)
    event("idea.status", owner, member, data={"from": "planned", "to": "shipped"})
    assert qualifies("idea-shipped", community, member)


def test_one_year_member(community, member, newcomer):
    Membership.objects.filter(user=member).update(joined_at=timezone.now() - timedelta(days=366))
    Membership.objects.filter(user=newcomer).update(joined_at=timezone.now() - timedelta(days=300))
    assert qualifies("one-year", community, member)
    assert not qualifies("one-year", community, newcomer)


def test_events_name_the_right_candidates(community, member, newcomer, topic, event):
    reply = event("post.reply", newcomer, None, data={"topic": topic.pk, "reply_to": 5})
    reaction = event("post.react", newcomer, member)
    candidates = awards.candidates_from_events([reply, reaction])
    assert candidates["first-post"] == {newcomer.pk}
    assert candidates["welcomer"] == {newcomer.pk}
    # The topic's author, found from the topic although the reply was aimed at nobody.
    assert candidates["conversation-starter"] == {member.pk}
    assert candidates["first-reaction"] == {member.pk}
    assert candidates["one-year"] == {newcomer.pk}
    assert "idea-shipped" not in candidates
