"""Granting badges: the one place a BadgeGrant is written, for automatic rules and staff
alike, and the evaluation of the automatic rules for the members named by new events."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F

from hearth.accounts.models import User
from hearth.communities.models import Community, Membership, MembershipStatus
from hearth.core.events import record_event
from hearth.core.models import InteractionEvent
from hearth.discussions.models import Topic
from hearth.recognition.models import Badge, BadgeGrant
from hearth.recognition.rules import ACTOR, ANY_VERB, RULES, TARGET, TOPIC_AUTHOR

logger = logging.getLogger(__name__)


def automatic_badges(community: Community) -> dict[str, Badge]:
    """The community's rows for the automatic badges, created on first need."""
    badges = _by_code(community)
    missing = [rule for code, rule in RULES.items() if code not in badges]
    if missing:
        Badge.objects.bulk_create(
            [
                Badge(
                    community=community,
                    code=rule.code,
                    name=str(rule.name),
                    description=str(rule.description),
                    icon=rule.icon,
                )
                for rule in missing
            ],
            ignore_conflicts=True,
        )
        badges = _by_code(community)
    return badges


def _by_code(community: Community) -> dict[str, Badge]:
    badges = {b.code: b for b in Badge.objects.filter(community=community).exclude(code="")}
    for badge in badges.values():
        badge.community = community
    return badges


def grant(
    badge: Badge, user: User, *, granted_by: User | None = None, reason: str = ""
) -> BadgeGrant | None:
    """Give ``user`` the badge and record a ``badge.grant`` event; None when they already
    hold it (the unique constraint decides, so two tasks racing grant it once)."""
    try:
        with transaction.atomic():
            holding = BadgeGrant.objects.create(
                community_id=badge.community_id,
                badge=badge,
                user=user,
                reason=reason,
                granted_by=granted_by,
            )
    except IntegrityError:
        return None
    Badge.objects.filter(pk=badge.pk).update(holder_count=F("holder_count") + 1)
    record_event(
        community=badge.community,
        actor=granted_by,
        verb="badge.grant",
        target_user=user,
        obj=badge,
        data={"badge": badge.code or badge.name, "automatic": badge.is_automatic},
    )
    return holding


def candidates_from_events(events: Iterable[InteractionEvent]) -> dict[str, set[int]]:
    """For each rule, the members the events may have qualified (see Rule.triggers)."""
    events = [e for e in events if e.verb != "badge.grant"]
    topic_ids = {
        e.data.get("topic")
        for e in events
        if isinstance(e.data, dict) and isinstance(e.data.get("topic"), int)
    }
    needs_authors = any(TOPIC_AUTHOR in rule.triggers.values() for rule in RULES.values())
    topic_authors = (
        dict(Topic.objects.filter(pk__in=topic_ids).values_list("pk", "author_id"))
        if topic_ids and needs_authors
        else {}
    )
    candidates: dict[str, set[int]] = defaultdict(set)
    for event in events:
        for code, rule in RULES.items():
            role = rule.triggers.get(event.verb) or rule.triggers.get(ANY_VERB)
            if role == ACTOR:
                user_id = event.actor_id
            elif role == TARGET:
                user_id = event.target_user_id
            elif role == TOPIC_AUTHOR:
                user_id = topic_authors.get(event.data.get("topic"))
            else:
                continue
            if user_id is not None:
                candidates[code].add(user_id)
    return dict(candidates)


def award_automatic(community: Community, candidates: dict[str, set[int]]) -> list[BadgeGrant]:
    """Evaluate each rule for its candidates who are active members and do not hold its
    badge yet, and grant it to those who qualify. Running it twice grants nothing more."""
    everyone = set().union(*candidates.values()) if candidates else set()
    if not everyone:
        return []
    badges = automatic_badges(community)
    active = set(
        Membership.objects.filter(
            community=community, user_id__in=everyone, status=MembershipStatus.ACTIVE
        ).values_list("user_id", flat=True)
    )
    held = set(
        BadgeGrant.objects.filter(badge__in=list(badges.values()), user_id__in=active).values_list(
            "badge_id", "user_id"
        )
    )
    winners: dict[str, set[int]] = {}
    for code, users in candidates.items():
        badge = badges.get(code)
        if badge is None:
            logger.warning("No badge row for rule %s in community %s", code, community.pk)
            continue
        todo = {u for u in users & active if (badge.pk, u) not in held}
        if todo:
            winners[code] = RULES[code].qualifying(community, todo)
    people = User.objects.in_bulk(set().union(*winners.values())) if winners else {}
    granted = []
    for code, users in winners.items():
        for user_id in sorted(users):
            if (holding := grant(badges[code], people[user_id])) is not None:
                granted.append(holding)
    return granted


def award_everyone(community: Community, chunk_size: int = 500) -> int:
    """Re-evaluate every rule for every active member (the `hearth badges award` command)."""
    members = (
        Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
        .order_by("pk")
        .values_list("user_id", flat=True)
    )
    chunk: list[int] = []
    total = 0
    for user_id in members.iterator(chunk_size=chunk_size):
        chunk.append(user_id)
        if len(chunk) == chunk_size:
            total += _award_chunk(community, chunk)
            chunk = []
    if chunk:
        total += _award_chunk(community, chunk)
    return total


@transaction.atomic
def _award_chunk(community: Community, users: list[int]) -> int:
    return len(award_automatic(community, {code: set(users) for code in RULES}))
