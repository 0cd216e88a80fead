"""Reputation tallies: weighted, counted once per appreciation, kept incrementally and
rebuilt from the log to the same numbers."""

from datetime import timedelta

import pytest

from hearth.recognition import reputation
from hearth.recognition.models import ReputationScore, ReputationSettings


def score(community, user) -> ReputationScore:
    return ReputationScore.objects.get(community=community, user=user)


def test_running_tally_counts_each_appreciation_once(community, member, newcomer, owner, event):
    react = event("post.react", newcomer, member)
    again = event("post.react", newcomer, member, obj=react.object_id)  # taken back, given again
    own = event("post.react", member, member)
    vote = event("idea.vote", owner, member)
    accept = event("answer.accept", owner, member)
    accept_again = event("answer.accept", newcomer, member, obj=accept.object_id)
    for batch in ([react], [again, own], [vote], [accept], [accept_again]):
        reputation.apply_events(community, batch)
    row = score(community, member)
    assert (row.reactions_received, row.accepted_answers, row.idea_votes) == (1, 1, 1)
    assert row.points == 1 + 15 + 2


def test_rebuild_gives_the_same_numbers(community, member, newcomer, owner, event):
    events = [
        event("post.react", newcomer, member),
        event("post.react", owner, member),
        event("idea.vote", owner, member),
        event("answer.accept", newcomer, member),
        event("post.react", member, newcomer),
    ]
    reputation.apply_events(community, events)
    before = {(s.user_id, s.points) for s in ReputationScore.objects.filter(community=community)}
    ReputationScore.objects.filter(community=community).update(points=999)
    reputation.rebuild(community)
    after = {(s.user_id, s.points) for s in ReputationScore.objects.filter(community=community)}
    assert before == after == {(member.pk, 1 + 1 + 2 + 15), (newcomer.pk, 1)}


def test_new_weights_reweigh_everyone(community, member, newcomer, event):
    reputation.apply_events(community, [event("post.react", newcomer, member)])
    ReputationSettings.objects.create(community=community, reaction_points=5)
    reputation.reweigh(community)
    assert score(community, member).points == 5


@pytest.mark.parametrize("days, in_week, in_month", [(2, True, True), (20, False, True)])
def test_windows_count_from_the_log(community, member, newcomer, event, days, in_week, in_month):
    from django.utils import timezone

    event("post.react", newcomer, member, ago=timedelta(days=days))
    week = list(reputation.tallies(community, since=timezone.now() - timedelta(days=7)))
    month = list(reputation.tallies(community, since=timezone.now() - timedelta(days=30)))
    assert bool(week) is in_week
    assert bool(month) is in_month
