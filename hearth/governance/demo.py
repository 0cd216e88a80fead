"""Governance in the demo data: members may propose rule changes; one proposal was voted
on and adopted a while ago (it is version 2 of the rules, with its tally in the rules
history) and another is open for votes now. Each step is written at its moment by time
travel through the services, so a seed always gives the same story."""

from __future__ import annotations

import random
from datetime import timedelta

import time_machine
from django.utils import timezone

from hearth.accounts.models import User
from hearth.communities import services as community_services
from hearth.communities.models import Community, Membership, MembershipStatus
from hearth.communities.policy import can_participate
from hearth.communities.selectors import current_rules
from hearth.core.actor import Actor
from hearth.governance import policy, services
from hearth.governance.models import Choice, Elector, Threshold

CREDIT_RULE = (
    "6. **Credit the photographer.** When you share someone else's photo, name them and "
    "link to where you found it."
)
CREDIT_REASON = (
    "Several photos were reposted here without their author's name. A rule makes it easy "
    "to point to, and it is how we would want our own work treated."
)
SHOWCASE_OLD = "3. **No spam or self-promotion** outside the Showcase category."
SHOWCASE_NEW = (
    "3. **No spam.** Members may share their own prints, workshops or shops once a week, "
    "in the Showcase category only."
)
SHOWCASE_REASON = (
    "Many of us sell prints or teach. Allowing one post a week in Showcase keeps the feed "
    "clean and lets members support each other."
)


def _proposer(community: Community, owner: User) -> Actor:
    """The most trusted member who may take part; staff when no member may propose."""
    candidates = (
        Membership.objects.filter(
            community=community, status=MembershipStatus.ACTIVE, trust_level__gte=2
        )
        .exclude(user=owner)
        .select_related("user", "community")
        .order_by("-trust_level", "joined_at", "pk")
    )
    for membership in candidates:
        actor = Actor(membership.user, community, membership)
        if can_participate(actor):
            return actor
    return Actor.for_user(owner, community)


def _vote(proposal, rng: random.Random, *, share: float, yes: float, until) -> None:
    """A share of the electorate votes, each at their own moment before ``until``."""
    electors = list(
        Elector.objects.filter(proposal=proposal).order_by("user_id").select_related("user")
    )
    span = (until - proposal.opened_at).total_seconds()
    moments = []
    for elector in electors:
        if rng.random() < share:
            at = proposal.opened_at + timedelta(seconds=rng.uniform(0.05, 0.95) * span)
            roll = rng.random()
            choice = (
                Choice.YES if roll < yes else (Choice.NO if roll < yes + 0.2 else Choice.ABSTAIN)
            )
            moments.append((at, elector.user, choice))
    for at, user, choice in sorted(moments, key=lambda m: (m[0], m[1].pk)):
        with time_machine.travel(at, tick=False):
            actor = Actor.for_user(user, proposal.community)
            if policy.can_vote(actor, proposal, is_elector=True):  # not suspended meanwhile
                services.ballot_cast(actor=actor, proposal=proposal, choice=choice)


def populate(community: Community, owner: User, rng: random.Random) -> None:
    """Call at the demo's "today" (the start of the day, frozen)."""
    today = timezone.now()
    length = (today - community.created_at).days
    owner_actor = Actor.for_user(owner, community)
    services.settings_update(
        actor=owner_actor, proposals_enabled=True, propose_trust_level=2, voting_days=7,
        quorum_percent=20, threshold=Threshold.MAJORITY, vote_trust_level=1,
        vote_member_days=7, owner_veto=False, veto_days=3, discussion_category=None,
    )  # fmt: skip

    # The adopted one: opened half the history ago (at most 30 days), closed a week later.
    opened = today - timedelta(days=min(30, length // 2))
    with time_machine.travel(opened, tick=False):
        proposer = _proposer(community, owner)
        text = current_rules(community).text.rstrip()
        before, _sep, after = text.partition("\n\nStaff may")
        adopted = services.proposal_create(
            actor=proposer, title="Credit the photographer when sharing",
            reason=CREDIT_REASON, text=f"{before}\n{CREDIT_RULE}\n\nStaff may{after}",
        )  # fmt: skip
    _vote(adopted, rng, share=0.6, yes=0.75, until=adopted.closes_at)
    with time_machine.travel(adopted.closes_at + timedelta(minutes=3), tick=False):
        services.proposal_close(adopted.pk)
    # Most members read and accepted the new rules in the days after.
    members = (
        Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
        .select_related("user", "community")
        .order_by("pk")
    )
    for membership in members:
        if membership.user_id != owner.pk and rng.random() < 0.15:
            continue
        at = adopted.closes_at + timedelta(hours=rng.uniform(1, 72))
        with time_machine.travel(min(at, today - timedelta(hours=1)), tick=False):
            community.refresh_from_db()
            actor = Actor(membership.user, community, membership)
            if actor.is_member:
                community_services.membership_accept_rules(actor=actor)

    # The open one: opened two days ago, a few ballots in.
    with time_machine.travel(today - timedelta(days=2), tick=False):
        community.refresh_from_db()
        proposer = _proposer(community, owner)
        text = current_rules(community).text
        still_open = services.proposal_create(
            actor=proposer, title="Allow one self-promotion post a week in Showcase",
            reason=SHOWCASE_REASON, text=text.replace(SHOWCASE_OLD, SHOWCASE_NEW),
        )  # fmt: skip
    _vote(still_open, rng, share=0.3, yes=0.55, until=today - timedelta(hours=1))
