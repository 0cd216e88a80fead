"""Granting automatic badges from the event log: incremental, idempotent, fed by the
event-log consumer, and the `hearth badges award` command."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hearth.core.models import InteractionEvent
from hearth.discussions import services as discussion_services
from hearth.recognition import awards, tasks
from hearth.recognition.models import Badge, BadgeGrant, ReputationScore
from hearth.testing.factories import actor_for


def held(community, user) -> set[str]:
    return set(
        BadgeGrant.objects.filter(community=community, user=user).values_list(
            "badge__code", flat=True
        )
    )


def test_evaluating_twice_grants_once(community, member, newcomer, event):
    events = [event("post.react", newcomer, member), event("topic.create", member, data={})]
    first = awards.award_automatic(community, awards.candidates_from_events(events))
    again = awards.award_automatic(community, awards.candidates_from_events(events))
    assert {g.badge.code for g in first} == {"first-post", "first-reaction"}
    assert again == []
    assert held(community, member) == {"first-post", "first-reaction"}
    badge = Badge.objects.get(community=community, code="first-post")
    assert badge.holder_count == 1
    assert InteractionEvent.objects.filter(verb="badge.grant", target_user=member).count() == 2


def test_only_members_named_by_the_events_are_evaluated(community, member, newcomer, event):
    event("topic.create", member, data={})  # earned, but not in the batch below
    batch = [event("topic.create", newcomer, data={})]
    awards.award_automatic(community, awards.candidates_from_events(batch))
    assert held(community, newcomer) == {"first-post"}
    assert held(community, member) == set()


def test_non_members_earn_nothing(community, banned, outsider, event):
    batch = [event("topic.create", banned, data={}), event("topic.create", outsider, data={})]
    assert awards.award_automatic(community, awards.candidates_from_events(batch)) == []


def test_grant_is_a_no_op_the_second_time(community, member):
    badge = awards.automatic_badges(community)["first-post"]
    assert awards.grant(badge, member) is not None
    assert awards.grant(badge, member) is None
    badge.refresh_from_db()
    assert badge.holder_count == 1
    assert BadgeGrant.objects.filter(badge=badge).count() == 1


# Real commits: events reach consumers only when their transaction commits.
@pytest.mark.django_db(transaction=True)
def test_committed_writes_reach_the_task(community, member, newcomer, topic):
    """Through the real services: the consumer enqueues, the immediate backend runs it."""
    reply = discussion_services.post_reply(
        actor=actor_for(newcomer, community), topic=topic, body="Welcome!"
    )
    discussion_services.reaction_toggle(
        actor=actor_for(member, community), post=reply, kind="heart"
    )
    assert held(community, newcomer) == {"first-post", "first-reaction"}
    assert held(community, member) == {"first-post"}
    assert ReputationScore.objects.get(community=community, user=newcomer).points == 1


class _Queue:
    def __init__(self, enqueue):
        self.enqueue = enqueue


def test_task_ignores_its_own_events(community, member, event, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks, "recognise_events", _Queue(lambda **kwargs: calls.append(kwargs)))
    tasks.enqueue_for_events([event("badge.grant", None, member)])
    assert calls == []
    tasks.enqueue_for_events([event("topic.create", member, data={})])
    assert calls == [{"community_id": community.pk, "event_ids": [calls[0]["event_ids"][0]]}]


def test_a_failing_enqueue_does_not_break_the_write(community, member, event, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("queue down")

    monkeypatch.setattr(tasks, "recognise_events", _Queue(broken))
    tasks.enqueue_for_events([event("topic.create", member, data={})])  # logged, not raised


def test_award_command_evaluates_everyone(community, member, newcomer, event, capsys):
    event("topic.create", member, data={})
    event("post.react", member, newcomer)
    call_command("badges", "award", "--community", "garden")
    assert "Granted 2 badge(s)" in capsys.readouterr().out
    assert held(community, member) == {"first-post"}
    assert held(community, newcomer) == {"first-reaction"}
    call_command("badges", "award", "--community", "garden")
    assert "Granted 0 badge(s)" in capsys.readouterr().out


def test_award_command_rejects_unknown_community(db):
    with pytest.raises(CommandError, match="No community"):
        call_command("badges", "award", "--community", "nowhere")
