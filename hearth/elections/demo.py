"""A finished moderator election in the demo: nominations, ballots and the close written
at their moments by time travel through the services and the worker's steps, so the
published count, the elected moderators and their staff-log lines are real ones."""

from __future__ import annotations

import random
from datetime import timedelta

import time_machine
from django.utils import timezone

from hearth.accounts.models import User
from hearth.communities.models import Community, Membership, MembershipStatus, Role
from hearth.core.actor import Actor
from hearth.elections import lifecycle, policy, services
from hearth.elections.models import Elector, Method
from hearth.qa.models import Question

STATEMENTS = [
    "I answer most lens questions here already. As a moderator I would keep threads "
    "**on topic** and make sure no newcomer's question waits more than a day.",
    "Five years of landscape work and a soft spot for beginners. I would run the monthly "
    "challenge and keep critique kind and specific.",
    "I care about a calm place: fewer pile-ons, more *why* when a post is moved. I am "
    "around in the evenings (Europe).",
]


def populate(community: Community, owner: User, rng: random.Random) -> None:
    """Call at the demo's "today" (frozen). The election ran from 40 days ago."""
    today = timezone.now()
    length = (today - community.created_at).days
    start = today - timedelta(days=min(40, max(12, int(length * 0.5))))
    staff = Actor.for_user(owner, community)
    with time_machine.travel(start, tick=False):
        election = services.election_create(
            actor=staff, title="Moderator election: two seats", seats=2, term_days=180,
            method=Method.APPROVAL, nomination_days=4, voting_days=5,
            voter_min_trust_level=1, voter_min_member_days=7,
            candidate_min_trust_level=1, candidate_min_member_days=7, recall_percent=25,
            description="Two members join the moderation team for six months. Moderators "
            "review flags, move off-topic posts and welcome newcomers.",
        )  # fmt: skip
        # Newer members who may stand, rather than the most trusted, and those whose answers
        # solved questions last (the third candidate, who loses): the story and the
        # Benefits tab keep members, not staff, answering.
        answerers = set(
            Question.objects.filter(community=community, accepted_answer__isnull=False).values_list(
                "accepted_answer__author_id", flat=True
            )
        )
        eligible = [
            m.user
            for m in Membership.objects.filter(
                community=community, status=MembershipStatus.ACTIVE, role=Role.MEMBER
            )
            .select_related("user")
            .order_by("trust_level", "-joined_at", "pk")
            if policy.may_stand_now(election, m.user_id, timezone.now())
        ]
        members = sorted(eligible, key=lambda user: user.pk in answerers)[:3]
        if len(members) < 3:  # a small demo: no election
            return
        for user, statement in zip(members, STATEMENTS, strict=False):
            actor = Actor.for_user(user, community)
            candidate = services.candidate_nominate(
                actor=actor, election=election, username=user.username
            )
            services.candidate_statement(actor=actor, candidate=candidate, statement=statement)
    with time_machine.travel(election.nominations_end_at, tick=False):
        lifecycle.election_advance(election.pk)
    election.refresh_from_db()
    by_user = {c.user_id: c.pk for c in election.candidates.all()}
    first, second, third = (by_user[u.pk] for u in members)
    electors = Elector.objects.filter(election=election).order_by("user_id")
    voters = [e.user for e in electors.select_related("user") if rng.random() < 0.6]
    with time_machine.travel(election.voting_opens_at + timedelta(days=1), tick=False):
        for n, user in enumerate(voters):
            # A clear order (no tie for the last seat), varied ballots.
            choices = [c for c, keep in ((first, n % 4 != 3), (second, n % 2 == 0),
                                         (third, n % 3 == 0)) if keep] or [third]  # fmt: skip
            actor = Actor.for_user(user, community)
            if policy.can_vote(actor, election):  # not someone suspended since
                services.ballot_cast(actor=actor, election=election, choices=choices)
    with time_machine.travel(election.voting_closes_at + timedelta(minutes=5), tick=False):
        lifecycle.election_advance(election.pk)
