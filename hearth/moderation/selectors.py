"""Reads for moderation: the review queue (one list over several sources, paginated in a
fixed number of queries), a member's flags and sanctions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import CharField, F, Max, QuerySet, Value
from django.http import Http404

from hearth.communities.models import Community, Membership, MembershipStatus
from hearth.conversations.models import ConversationReport
from hearth.core.actor import Actor
from hearth.discussions.models import Post
from hearth.moderation import policy
from hearth.moderation.models import (
    Appeal,
    Flag,
    FlagStatus,
    PostReview,
    ReviewSource,
    Sanction,
    SanctionKind,
)

QUEUE_PER_PAGE = 20
KINDS = ("posts", "messages", "joins", "appeals")


@dataclass
class QueueItem:
    kind: str  # "post", "message", "join", "appeal"
    at: Any
    obj: Any = None


def _kind(value: str):
    return Value(value, output_field=CharField())


def _queue_parts(actor: Actor, community: Community, kind: str | None) -> list[QuerySet]:
    posts = PostReview.objects.filter(community=community, status="pending")
    if not policy.sees_whole_queue(actor):
        # Leaders act on flagged posts only, and never on their own.
        posts = posts.filter(source=ReviewSource.FLAGS).exclude(post__author=actor.user)
        return [posts.annotate(k=_kind("post"), at=F("created_at")).values_list("k", "pk", "at")]
    parts = {
        "posts": posts.annotate(k=_kind("post"), at=F("created_at")).values_list("k", "pk", "at"),
        # One entry per reported conversation, however many reports it has.
        "messages": ConversationReport.objects.filter(community=community, resolved_at__isnull=True)
        .values("conversation_id")
        .annotate(k=_kind("message"), at=Max("created_at"))
        .values_list("k", "conversation_id", "at"),
        "joins": Membership.objects.filter(community=community, status=MembershipStatus.PENDING)
        .annotate(k=_kind("join"), at=F("requested_at"))
        .values_list("k", "pk", "at"),
        "appeals": Appeal.objects.filter(community=community, decided_at__isnull=True)
        .annotate(k=_kind("appeal"), at=F("created_at"))
        .values_list("k", "pk", "at"),
    }
    if kind in parts:
        return [parts[kind]]
    return list(parts.values())


def review_queue(actor: Actor, community: Community, *, kind: str | None, page_number) -> Page:
    """The pending review items the actor may act on, oldest first (the longest wait at the
    top), one page of QueueItems with their objects loaded."""
    first, *rest = _queue_parts(actor, community, kind)
    rows = first.union(*rest, all=True) if rest else first
    page = Paginator(rows.order_by("at", "k", "pk"), QUEUE_PER_PAGE).get_page(page_number)
    entries = list(page.object_list)
    ids: dict[str, list[int]] = {}
    for k, pk, _at in entries:
        ids.setdefault(k, []).append(pk)
    loaded: dict[str, dict[int, Any]] = {k: {} for k in ("post", "message", "join", "appeal")}
    if ids.get("post"):
        reviews = PostReview.objects.filter(pk__in=ids["post"]).select_related(
            "post__topic__category", "post__author"
        )
        loaded["post"] = {r.pk: r for r in reviews}
        _attach_flags(list(loaded["post"].values()), community)
        for review in loaded["post"].values():
            review.can_approve = policy.can_review_action(actor, review, "approve")
            review.can_sanction = policy.can_review_action(actor, review, "suspend")
    if ids.get("message"):
        reports = ConversationReport.objects.filter(
            conversation_id__in=ids["message"], resolved_at__isnull=True
        ).select_related("reporter", "conversation")
        for report in reports.order_by("created_at"):
            loaded["message"].setdefault(report.conversation_id, []).append(report)
    if ids.get("join"):
        loaded["join"] = {
            m.pk: m for m in Membership.objects.filter(pk__in=ids["join"]).select_related("user")
        }
    if ids.get("appeal"):
        appeals = Appeal.objects.filter(pk__in=ids["appeal"]).select_related(
            "user", "sanction__created_by"
        )
        loaded["appeal"] = {a.pk: a for a in appeals}
    page.object_list = [QueueItem(k, at, loaded[k].get(pk)) for k, pk, at in entries]
    return page


def _attach_flags(reviews: list[PostReview], community: Community) -> None:
    """Each review's pending flags (with flaggers) and its author's membership, in two
    queries for the page."""
    post_ids = [r.post_id for r in reviews]
    flags: dict[int, list[Flag]] = {}
    for flag in Flag.objects.filter(post_id__in=post_ids, status=FlagStatus.PENDING).select_related(
        "flagger"
    ):
        flags.setdefault(flag.post_id, []).append(flag)
    authors = {r.post.author_id for r in reviews if r.post.author_id}
    standing = {
        m.user_id: m for m in Membership.objects.filter(community=community, user_id__in=authors)
    }
    for review in reviews:
        review.flags = flags.get(review.post_id, [])
        review.author_membership = standing.get(review.post.author_id)


def pending_count(actor: Actor, community: Community) -> int:
    if not policy.can_view_review_queue(actor):
        return 0
    first, *rest = _queue_parts(actor, community, None)
    return sum(part.count() for part in [first, *rest])


def review_for(actor: Actor, review_id: int) -> PostReview:
    review = (
        PostReview.objects.filter(community=actor.community, pk=review_id)
        .select_related("post__topic", "post__author")
        .first()
    )
    if review is None or not policy.can_view_review_queue(actor):
        raise Http404
    if not policy.sees_whole_queue(actor) and review.source != ReviewSource.FLAGS:
        raise Http404
    return review


def post_to_flag(actor: Actor, post_id: int) -> Post:
    """A post the actor can see (else 404): flagging is then allowed or refused with why."""
    from hearth.discussions.selectors import post_for

    return post_for(actor, post_id)


def my_flags(actor: Actor) -> QuerySet[Flag]:
    return (
        Flag.objects.filter(community=actor.community, flagger=actor.user)
        .select_related("post__topic")
        .order_by("-created_at", "-id")
    )


def sanctions_of(actor: Actor) -> list[Sanction]:
    """The actor's own sanctions in this community, newest first, with their appeals."""
    sanctions = list(
        Sanction.objects.filter(community=actor.community, user=actor.user)
        .select_related("membership", "appeal")
        .order_by("-starts_at", "-id")[:50]
    )
    for sanction in sanctions:
        sanction.can_appeal = policy.can_appeal(actor, sanction)
    return sanctions


def sanction_for(actor: Actor, sanction_id: int, *, own: bool = False) -> Sanction:
    sanction = (
        Sanction.objects.filter(community=actor.community, pk=sanction_id)
        .select_related("membership", "user")
        .first()
    )
    if sanction is None:
        raise Http404
    if own and (actor.user is None or sanction.user_id != actor.user.pk):
        raise Http404
    if not own and not actor.is_staff:
        raise Http404
    return sanction


def current_sanctions(community: Community) -> QuerySet[Sanction]:
    """Unlifted sanctions, newest first (the page shows which are still in force)."""
    from django.db.models import Q
    from django.utils import timezone

    now = timezone.now()
    return (
        Sanction.objects.filter(community=community, lifted_at__isnull=True)
        .filter(
            Q(kind=SanctionKind.BAN, membership__status=MembershipStatus.BANNED)
            & (Q(membership__banned_until__isnull=True) | Q(membership__banned_until__gt=now))
            | ~Q(kind=SanctionKind.BAN) & Q(ends_at__gt=now)
        )
        .select_related("user", "created_by", "membership")
        .order_by("-starts_at", "-id")
    )


def appeal_for(actor: Actor, appeal_id: int) -> Appeal:
    appeal = (
        Appeal.objects.filter(community=actor.community, pk=appeal_id)
        .select_related("sanction__membership", "user")
        .first()
    )
    if appeal is None or not actor.is_staff:
        raise Http404
    return appeal


def membership_for(actor: Actor, membership_id: int) -> Membership:
    membership = (
        Membership.objects.filter(community=actor.community, pk=membership_id)
        .select_related("user")
        .first()
    )
    if membership is None or not actor.is_staff:
        raise Http404
    return membership
