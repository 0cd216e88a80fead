"""Members like you: suggestions of people to meet, from shared interests, profile
answers and topics, read from indexes in a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.discussions.models import Post
from hearth.members import policy
from hearth.members.models import (
    MemberInterest,
    MemberProfile,
    ProfileAnswer,
    QuestionKind,
)
from hearth.members.selectors import readable_category_ids

SUGGESTIONS = 6
SAMPLE_INTERESTS = 3  # the viewer's rarest interests are compared
SAMPLE_ANSWERS = 3
SAMPLE_TOPICS = 10  # the viewer's latest topics are compared
ROWS_PER_SAMPLE = 60


@dataclass
class Suggestion:
    profile: MemberProfile
    reason: str
    score: float = 0.0


@dataclass
class _Candidate:
    score: float = 0.0
    reason: str = ""
    reason_weight: float = 0.0

    def add(self, weight: float, reason: str) -> None:
        self.score += weight
        if weight > self.reason_weight:
            self.reason, self.reason_weight = reason, weight


def members_like_you(
    actor: Actor, community: Community, limit: int = SUGGESTIONS
) -> list[Suggestion]:
    """Listed members who share the viewer's interests, profile answers or groups, or posted
    in the same topics, best first, each with the reason to show.

    Bounded whatever the community's size: only the viewer's rarest few interests, a few
    choice answers and latest topics are compared, each reading at most ROWS_PER_SAMPLE
    rows from an index, so the query count and the rows read are constant."""
    if not policy.can_see_suggestions(actor):
        return []
    me = MemberProfile.objects.filter(community=community, user=actor.user).first()
    if me is None:
        return []
    by_profile: dict[int, _Candidate] = defaultdict(_Candidate)
    by_user: dict[int, _Candidate] = defaultdict(_Candidate)

    my_interests = [
        link.interest
        for link in MemberInterest.objects.filter(profile=me)
        .select_related("interest")
        .order_by("interest__member_count", "interest_id")[:SAMPLE_INTERESTS]
    ]
    for interest in my_interests:
        # Rarer shared interests say more about two people than popular ones.
        weight = 3.0 + 2.0 / max(1, interest.member_count)
        rows = (
            MemberInterest.objects.filter(interest=interest)
            .exclude(profile=me)
            .order_by("-profile_id")
            .values_list("profile_id", flat=True)[:ROWS_PER_SAMPLE]
        )
        for profile_id in rows:
            by_profile[profile_id].add(weight, _("Also into %(name)s") % {"name": interest.name})

    my_answers = list(
        ProfileAnswer.objects.filter(
            profile=me,
            question__is_public=True,
            question__kind__in=[QuestionKind.CHOICE, QuestionKind.MULTI],
        )
        .select_related("question")
        .order_by("question__position", "id")[:SAMPLE_ANSWERS]
    )
    for answer in my_answers:
        rows = (
            ProfileAnswer.objects.filter(question_id=answer.question_id, value=answer.value)
            .exclude(profile=me)
            .order_by("-profile_id")
            .values_list("profile_id", flat=True)[:ROWS_PER_SAMPLE]
        )
        reason = _("Also answered “%(answer)s” to “%(question)s”") % {
            "answer": answer.value,
            "question": answer.question.text,
        }
        for profile_id in rows:
            by_profile[profile_id].add(2.0, reason)

    from hearth.groups.selectors import shared_group_candidates

    for user_id, weight, reason in shared_group_candidates(actor, community, ROWS_PER_SAMPLE):
        by_user[user_id].add(weight, reason)

    readable = readable_category_ids(actor, community)
    if readable:
        my_topics: dict[int, str] = {}
        recent = (
            Post.objects.filter(
                community=community,
                author=actor.user,
                deleted_at__isnull=True,
                topic__category_id__in=readable,
                topic__deleted_at__isnull=True,
            )
            .order_by("-created_at")
            .values_list("topic_id", "topic__title")[: SAMPLE_TOPICS * 3]
        )
        for topic_id, title in recent:
            if len(my_topics) < SAMPLE_TOPICS:
                my_topics.setdefault(topic_id, title)
        if my_topics:
            rows = (
                Post.objects.filter(topic_id__in=list(my_topics), deleted_at__isnull=True)
                .exclude(author=actor.user)
                .exclude(author__isnull=True)
                .order_by()
                .values_list("author_id", "topic_id")
                .distinct()[: ROWS_PER_SAMPLE * 3]
            )
            for user_id, topic_id in rows:
                by_user[user_id].add(
                    1.0, _("Both posted in “%(title)s”") % {"title": my_topics[topic_id]}
                )

    if not by_profile and not by_user:
        return []
    # Score the few hundred listed candidates on narrow rows, then load only the best:
    # loading every candidate with its user made PostgreSQL scan all users.
    candidates = (
        policy.listed_profiles(actor, community)
        .filter(Q(pk__in=list(by_profile)) | Q(user_id__in=list(by_user)))
        .exclude(pk=me.pk)
        .values_list("pk", "user_id", "last_active_at")
    )
    scored = []
    for pk, user_id, last_active_at in candidates:
        merged = _Candidate()
        for part in (by_profile.get(pk), by_user.get(user_id)):
            if part is not None:
                merged.score += part.score
                if part.reason_weight > merged.reason_weight:
                    merged.reason, merged.reason_weight = part.reason, part.reason_weight
        scored.append((merged.score, last_active_at.timestamp(), pk, merged.reason))
    best = sorted(scored, key=lambda s: (-s[0], -s[1], -s[2]))[:limit]
    profiles = MemberProfile.objects.select_related("user", "membership").in_bulk(
        [pk for _score, _active, pk, _reason in best]
    )
    return [
        Suggestion(profile=profiles[pk], reason=reason, score=score)
        for score, _active, pk, reason in best
        if pk in profiles
    ]
