"""Reads for welcoming newcomers: the welcome message, checklist progress computed from real
data (events, topics, reading state) in a fixed number of queries, and the welcome queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import User
from hearth.communities import selectors as community_selectors
from hearth.communities.models import Community, Membership
from hearth.core.actor import Actor
from hearth.core.models import InteractionEvent
from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import Post, ReviewState, Topic, TopicRead
from hearth.onboarding import policy
from hearth.onboarding.models import (
    ChecklistCompletion,
    ChecklistItem,
    ChecklistKind,
    WelcomeDismissal,
    WelcomeMessage,
    Welcomer,
)

QUEUE_DAYS = 14
# A first post still unanswered after this long is marked as waiting (the goal is 24 h).
WAITING_HOURS = 12
GUIDE_CHOICES = 100


def welcome_message(community: Community) -> WelcomeMessage | None:
    return WelcomeMessage.objects.filter(community=community).select_related("sender").first()


def checklist_items(community: Community) -> list[ChecklistItem]:
    return list(
        ChecklistItem.objects.filter(community=community).select_related(
            "topic__category", "category"
        )
    )


def checklist_item_for(actor: Actor, item_id: int) -> ChecklistItem:
    item = ChecklistItem.objects.filter(community=actor.community, pk=item_id).first()
    if item is None:
        raise Http404
    return item


# Checklist progress --------------------------------------------------------------------


@dataclass
class Step:
    item: ChecklistItem
    done: bool
    url: str


@dataclass
class ChecklistProgress:
    items: list[Step] = field(default_factory=list)

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.items)

    @property
    def is_complete(self) -> bool:
        return bool(self.items) and self.done_count == len(self.items)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / len(self.items)) if self.items else 0


def step_url(community: Community, item: ChecklistItem) -> str:
    if item.kind == ChecklistKind.PROFILE:
        return reverse("members:profile-edit", args=[community.slug])
    if item.kind == ChecklistKind.INTRODUCE and item.category_id:
        return (
            f"{reverse('discussions:topic-new', args=[community.slug])}?category={item.category_id}"
        )
    if item.kind == ChecklistKind.READ_GUIDE and item.topic is not None:
        return reverse("discussions:topic", args=[community.slug, item.topic.slug, item.topic.pk])
    return reverse("discussions:latest", args=[community.slug])


def _step_checks(community: Community, user: User, items: list[ChecklistItem]) -> dict:
    """One EXISTS expression per step, named step_<id>."""
    events = InteractionEvent.objects.filter(community=community, actor=user)
    checks = {}
    for item in items:
        if item.kind == ChecklistKind.PROFILE:
            check = events.filter(verb="profile.update")
        elif item.kind == ChecklistKind.INTRODUCE:
            check = Topic.objects.filter(
                community=community, category_id=item.category_id, author=user,
                deleted_at__isnull=True,
            )  # fmt: skip
        elif item.kind == ChecklistKind.READ_GUIDE:
            check = TopicRead.objects.filter(user=user, topic_id=item.topic_id)
        else:
            check = events.filter(verb="post.reply", target_user__isnull=False).exclude(
                target_user=user
            )
        checks[f"step_{item.pk}"] = Exists(check)
    return checks


def checklist_progress(
    community: Community, user: User | None, items: list[ChecklistItem] | None = None
) -> ChecklistProgress:
    """Which steps this member has done, each read from real data, in one query (plus one
    for the items when not given)."""
    if items is None:
        items = checklist_items(community)
    done: dict = {}
    if user is not None and items:
        checks = _step_checks(community, user, items)
        done = Community.objects.filter(pk=community.pk).values(**checks).first() or {}
    return ChecklistProgress(
        items=[
            Step(item=item, done=bool(done.get(f"step_{item.pk}")), url=step_url(community, item))
            for item in items
        ]
    )


def newcomer_panel(actor: Actor) -> dict | None:
    """What the community home shows a newcomer: the welcome card (until dismissed) and the
    checklist (until completed). None for everyone else, without touching the database."""
    if not policy.is_newcomer(actor):
        return None
    community, user = actor.community, actor.user
    message = welcome_message(community)
    show_card = (
        message is not None
        and message.show_on_first_visit
        and not WelcomeDismissal.objects.filter(community=community, user=user).exists()
    )
    completed = ChecklistCompletion.objects.filter(community=community, user=user).exists()
    progress = ChecklistProgress() if completed else checklist_progress(community, user)
    if not show_card and not progress.items:
        return None
    return {"message": message if show_card else None, "progress": progress}


# Welcomers and the queue ---------------------------------------------------------------


def is_welcomer(actor: Actor) -> bool:
    if not actor.is_member:
        return False
    return Welcomer.objects.filter(community=actor.community, user=actor.user).exists()


def welcomers(community: Community) -> QuerySet[Welcomer]:
    return (
        Welcomer.objects.filter(community=community).select_related("user").order_by("-created_at")
    )


def welcome_queue(actor: Actor, community: Community) -> QuerySet[Post]:
    """Newcomers' first posts of the last QUEUE_DAYS days that the actor may read, newest
    first, each annotated with whether someone (and whether the actor) has replied. Served by
    the partial (community, -created_at) index on first posts."""
    readable = list(
        discussion_policy.visible_categories(actor, community).values_list("pk", flat=True)
    )
    later = Post.objects.filter(
        topic=OuterRef("topic_id"), number__gt=OuterRef("number"), deleted_at__isnull=True
    )
    by_others = later.exclude(author=OuterRef("author_id"))
    mine = later.filter(author=actor.user)
    return (
        Post.objects.filter(
            community=community,
            is_first_post=True,
            deleted_at__isnull=True,
            review_state=ReviewState.PUBLISHED,
            created_at__gte=timezone.now() - timedelta(days=QUEUE_DAYS),
            topic__category_id__in=readable,
            topic__deleted_at__isnull=True,
        )
        .exclude(author=actor.user)
        .select_related("author", "topic__category")
        .annotate(
            # A reply to a topic's first post may name no post; to any other, it names it.
            others_direct=Exists(by_others.filter(reply_to=OuterRef("pk"))),
            others_topic=Exists(by_others.filter(reply_to__isnull=True)),
            mine_direct=Exists(mine.filter(reply_to=OuterRef("pk"))),
            mine_topic=Exists(mine.filter(reply_to__isnull=True)),
        )
        .order_by("-created_at", "-id")
    )


def waiting_for_welcome(actor: Actor) -> int:
    """For welcomers and staff: how many first posts in their queue nobody else has
    answered yet (0 for everyone else)."""
    if not policy.can_see_welcome_queue(actor, is_welcomer=actor.is_staff or is_welcomer(actor)):
        return 0
    return (
        welcome_queue(actor, actor.community)
        .filter(others_direct=False)
        .exclude(number=1, others_topic=True)
        .count()
    )


def decorate_queue(actor: Actor, posts: list[Post]) -> list[Post]:
    """Attach reply state and the actor's permission to reply (no queries)."""
    now = timezone.now()
    for post in posts:
        opens_topic = post.number == 1
        post.has_reply = post.others_direct or (opens_topic and post.others_topic)
        post.replied_by_me = post.mine_direct or (opens_topic and post.mine_topic)
        post.is_waiting = not post.has_reply and now - post.created_at > timedelta(
            hours=WAITING_HOURS
        )
        post.can_reply = discussion_policy.can_reply(actor, post.topic)
    return posts


# Staff pages ---------------------------------------------------------------------------


def sender_choices(community: Community) -> list[Membership]:
    return list(community_selectors.staff_members(community).select_related("user"))


def guide_topic_choices(community: Community) -> list[Topic]:
    """Topics every member can read, pinned first, then the most recent."""
    return list(
        Topic.objects.filter(
            discussion_policy.readable_by_every_member_filter("category__"),
            community=community,
            deleted_at__isnull=True,
        )
        .select_related("category")
        .order_by("-is_pinned", "-created_at", "-id")[:GUIDE_CHOICES]
    )
