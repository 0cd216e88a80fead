"""Reads for profiles and the following feed (the directory is in ``directory``, "members
like you" in ``like_you``).

Every list starts from ``policy.listed_profiles`` (who may be listed) or the discussions
policy (what may be read), costs a constant number of queries, and is driven by an index so
it stays fast at 100,000 members."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from hearth.communities.models import Community, Membership
from hearth.core.actor import Actor
from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import CategoryKind, Post, Topic
from hearth.discussions.selectors import POSTS_PER_PAGE
from hearth.members import policy
from hearth.members.models import (
    Follow,
    Interest,
    MemberInterest,
    MemberProfile,
    ProfileAnswer,
    ProfileQuestion,
)
from hearth.members.services import link_label, profile_for_membership

RECENT_ACTIVITY = 10


# Profiles ----------------------------------------------------------------------------------


def profile_for(actor: Actor, username: str) -> MemberProfile:
    """A profile the actor may open, or 404 (absent and hidden look alike)."""
    profile = (
        MemberProfile.objects.filter(community=actor.community, user__username=username)
        .select_related("membership", "user")
        .first()
    )
    if profile is None:
        membership = (
            Membership.objects.filter(community=actor.community, user__username=username)
            .select_related("user")
            .first()
        )
        if membership is None:
            raise Http404
        profile = profile_for_membership(membership)
        profile.user = membership.user
    if not policy.can_view_profile(actor, profile):
        raise Http404
    return profile


def own_profile(actor: Actor) -> MemberProfile:
    """The actor's own profile in their community (404 when not a member)."""
    if actor.user is None or actor.membership is None or not actor.is_member:
        raise Http404
    profile = profile_for_membership(actor.membership)
    profile.user = actor.user
    return profile


def profile_interests(profile: MemberProfile) -> list[Interest]:
    return [
        link.interest
        for link in MemberInterest.objects.filter(profile=profile)
        .select_related("interest")
        .order_by("interest__key")
    ]


@dataclass
class AnsweredQuestion:
    question: ProfileQuestion
    values: list[str]


def profile_answers(profile: MemberProfile, *, include_staff_only: bool) -> list[AnsweredQuestion]:
    """The answered profile questions in the community's order (public ones only unless
    ``include_staff_only``)."""
    answers = ProfileAnswer.objects.filter(profile=profile).select_related("question")
    if not include_staff_only:
        answers = answers.filter(question__is_public=True)
    grouped: dict[int, AnsweredQuestion] = {}
    for answer in answers.order_by("question__position", "question_id", "id"):
        grouped.setdefault(answer.question_id, AnsweredQuestion(answer.question, [])).values.append(
            answer.value
        )
    return list(grouped.values())


def profile_links(profile: MemberProfile) -> list[dict[str, str]]:
    """Stored links, re-checked on the way out: only http(s) ever reaches an href."""
    return [
        {"url": link["url"], "label": link_label(link["url"])}
        for link in profile.links or []
        if isinstance(link, dict) and str(link.get("url", "")).startswith(("http://", "https://"))
    ]


def helped_members(profile: MemberProfile) -> int:
    """Distinct other members whose question has this member's accepted answer."""
    from hearth.qa.models import Question

    return (
        Question.objects.filter(
            community_id=profile.community_id,
            accepted_answer__author_id=profile.user_id,
            topic__deleted_at__isnull=True,
            asker__isnull=False,
        )
        .exclude(asker_id=profile.user_id)
        .values("asker_id")
        .distinct()
        .count()
    )


@dataclass
class Activity:
    post: Post
    kind: str  # topic, reply, question, answer, idea, comment

    @property
    def topic(self) -> Topic:
        return self.post.topic

    @property
    def url(self) -> str:
        """The post in its topic. Answers are sorted by merit, so they link to the question;
        elsewhere posts are numbered in order (split topics may be off by a page)."""
        topic = self.post.topic
        base = reverse("discussions:topic", args=[topic.community.slug, topic.slug, topic.pk])
        if self.post.number == 1:
            return base
        if self.kind == "answer":
            return f"{base}#post-{self.post.number}"
        page = (self.post.number - 1) // POSTS_PER_PAGE + 1
        return f"{base}?page={page}#post-{self.post.number}"


def readable_category_ids(actor: Actor, community: Community) -> list[int]:
    # A short list of ids plans far faster than the visibility subquery inside a join.
    return list(discussion_policy.visible_categories(actor, community).values_list("pk", flat=True))


def recent_activity(
    actor: Actor, profile: MemberProfile, limit: int = RECENT_ACTIVITY
) -> list[Activity]:
    """The member's latest topics, replies, questions, answers and ideas that the *viewer*
    may read (categories the viewer can read, nothing deleted)."""
    readable = readable_category_ids(actor, actor.community)
    if not readable:
        return []
    posts = (
        Post.objects.filter(
            discussion_policy.in_review_filter(actor),
            discussion_policy.in_review_filter(actor, "topic__"),
            community=profile.community_id,
            author_id=profile.user_id,
            deleted_at__isnull=True,
            topic__category_id__in=readable,
            topic__deleted_at__isnull=True,
        )
        .select_related("topic__category", "topic__community")
        .order_by("-created_at", "-id")[:limit]
    )
    kinds = {
        CategoryKind.QUESTIONS: ("question", "answer"),
        CategoryKind.IDEAS: ("idea", "comment"),
        CategoryKind.DISCUSSION: ("topic", "reply"),
    }
    items = []
    for post in posts:
        first, later = kinds.get(post.topic.category.kind, ("topic", "reply"))
        items.append(Activity(post=post, kind=first if post.number == 1 else later))
    return items


def follow_state(actor: Actor, profile: MemberProfile) -> bool:
    if actor.user is None:
        return False
    return Follow.objects.filter(
        community_id=profile.community_id, follower=actor.user, followed_id=profile.user_id
    ).exists()


def follower_count(profile: MemberProfile) -> int:
    return Follow.objects.filter(
        community_id=profile.community_id, followed_id=profile.user_id
    ).count()


def suggested_interests(community: Community) -> list[Interest]:
    return list(Interest.objects.filter(community=community, is_suggested=True).order_by("key"))


# Following feed ----------------------------------------------------------------------------


def following_feed(actor: Actor, community: Community) -> QuerySet[Topic]:
    """New topics by the members the actor follows, newest first, only where the actor may
    read them."""
    readable = readable_category_ids(actor, community)
    followed = Follow.objects.filter(community=community, follower=actor.user).values("followed_id")
    return (
        Topic.objects.filter(
            discussion_policy.in_review_filter(actor),
            community=community,
            category_id__in=readable,
            deleted_at__isnull=True,
            author_id__in=followed,
        )
        .select_related("category", "author", "last_poster", "question", "idea")
        .order_by("-created_at", "-id")
    )


def following(actor: Actor, community: Community, limit: int = 24) -> list[MemberProfile]:
    """The members the actor follows who are still listed to them (for the feed's side)."""
    followed = Follow.objects.filter(community=community, follower=actor.user).values("followed_id")
    return list(
        policy.listed_profiles(actor, community)
        .filter(user_id__in=followed)
        .select_related("user")
        .order_by("-last_active_at")[:limit]
    )
