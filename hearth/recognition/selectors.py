"""Reads for badges, leaderboards, the spotlight and featured content: community-scoped,
a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.accounts.models import User
from hearth.communities.models import Community, Membership, MembershipStatus
from hearth.core.actor import Actor
from hearth.core.pagination import paginate
from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import Topic
from hearth.recognition import reputation
from hearth.recognition.awards import automatic_badges
from hearth.recognition.models import Badge, BadgeGrant, Feature, ReputationScore, Spotlight
from hearth.recognition.rules import RULES

PERIODS = {"week": _("This week"), "month": _("This month"), "all": _("All time")}
PERIOD_DAYS = {"week": 7, "month": 30}
DEFAULT_PERIOD = "week"
LEADERBOARD_SIZE = 50
HOME_FEATURES = 5


def _active_members(community: Community) -> QuerySet:
    return Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)


def badges(community: Community) -> list[Badge]:
    """Every badge of the community: the automatic ones in rule order, then manual ones."""
    automatic_badges(community)
    order = {code: i for i, code in enumerate(RULES)}
    rows = list(Badge.objects.filter(community=community).order_by("name"))
    return sorted(rows, key=lambda b: (not b.is_automatic, order.get(b.code, 0)))


def manual_badges(community: Community) -> QuerySet[Badge]:
    return Badge.objects.filter(community=community, code="").order_by("name")


def badges_held(actor: Actor, community: Community) -> set[int]:
    if actor.user is None:
        return set()
    return set(
        BadgeGrant.objects.filter(community=community, user=actor.user).values_list(
            "badge_id", flat=True
        )
    )


def badge_for(community: Community, badge_id: int) -> Badge:
    badge = Badge.objects.filter(community=community, pk=badge_id).first()
    if badge is None:
        raise Http404
    return badge


def badge_holders(request: HttpRequest, badge: Badge):
    """A page of the badge's holders who are active members, newest first."""
    grants = (
        BadgeGrant.objects.filter(
            badge=badge,
            user_id__in=_active_members(badge.community).values("user_id"),
        )
        .select_related("user", "granted_by")
        .order_by("-granted_at", "-id")
    )
    return paginate(request, grants, per_page=30)


def member_badges(membership: Membership) -> list[BadgeGrant]:
    """The badges a member holds in their community, oldest first (for profiles)."""
    return list(
        BadgeGrant.objects.filter(community_id=membership.community_id, user_id=membership.user_id)
        .select_related("badge")
        .order_by("granted_at", "id")
    )


@dataclass
class Standing:
    rank: int
    user: User
    points: int
    reactions_received: int
    accepted_answers: int
    idea_votes: int


def clean_period(value: str | None) -> tuple[str, bool]:
    """The period to show and whether the requested one was valid."""
    if value is None or value == "":
        return DEFAULT_PERIOD, True
    if value in PERIODS:
        return value, True
    return DEFAULT_PERIOD, False


def leaderboard(community: Community, period: str) -> list[Standing]:
    """The top members by reputation received in the period, active members only."""
    active = _active_members(community).values("user_id")
    if period == "all":
        rows = list(
            ReputationScore.objects.filter(community=community, points__gt=0, user_id__in=active)
            .select_related("user")
            .order_by("-points", "user_id")[:LEADERBOARD_SIZE]
        )
        return [
            Standing(
                rank,
                row.user,
                row.points,
                row.reactions_received,
                row.accepted_answers,
                row.idea_votes,
            )  # fmt: skip
            for rank, row in enumerate(rows, start=1)
        ]
    since = timezone.now() - timedelta(days=PERIOD_DAYS[period])
    weight = reputation.weights(community)
    rows = list(
        reputation.tallies(community, since=since)
        .filter(target_user_id__in=active)
        .annotate(points=reputation.points_expression(weight))
        .filter(points__gt=0)
        .order_by("-points", "target_user_id")[:LEADERBOARD_SIZE]
    )
    users = User.objects.in_bulk([row["target_user_id"] for row in rows])
    return [
        Standing(
            rank,
            users[row["target_user_id"]],
            row["points"],
            row["reactions_received"],
            row["accepted_answers"],
            row["idea_votes"],
        )  # fmt: skip
        for rank, row in enumerate(rows, start=1)
    ]


def current_spotlight(community: Community) -> Spotlight | None:
    """The spotlight on the home page, while its member is still an active member."""
    return (
        Spotlight.objects.filter(
            community=community,
            ended_at__isnull=True,
            user_id__in=_active_members(community).values("user_id"),
        )
        .select_related("user")
        .order_by("-created_at", "-id")
        .first()
    )


def spotlight_history(community: Community) -> QuerySet[Spotlight]:
    return (
        Spotlight.objects.filter(community=community)
        .select_related("user", "created_by")
        .order_by("-created_at", "-id")
    )


def featured_for(actor: Actor, community: Community, limit: int = HOME_FEATURES) -> list[Feature]:
    """What the home page highlights to this viewer: content they may read that is also
    open to every visitor (a category tightened after featuring drops out)."""
    return list(
        Feature.objects.filter(
            discussion_policy.readable_categories_filter(Actor(user=None), "topic__category__"),
            community=community,
            removed_at__isnull=True,
            topic__in=discussion_policy.visible_topics(actor, community),
            topic__merged_into__isnull=True,
        )
        .filter(Q(post__isnull=True) | Q(post__deleted_at__isnull=True))
        .select_related("topic__category", "topic__author", "post__author")
        .order_by("-created_at", "-id")[:limit]
    )


def home_features(
    community: Community, *, sees_in_review: bool, limit: int = HOME_FEATURES
) -> list[Feature]:
    """``featured_for`` for an audience rather than one viewer (the home caches the panel
    per audience): content open to every visitor, published (and, for those who see posts
    in review, in review too). Who may view the community at all is the view's check; a
    member's own featured topic in review is left out, as for everyone but staff."""
    visitor = Actor(user=None, community=community)
    topics = Topic.objects.filter(
        Q() if sees_in_review else discussion_policy.in_review_filter(visitor),
        discussion_policy.readable_categories_filter(visitor, "category__"),
        community=community,
        deleted_at__isnull=True,
    )
    return list(
        Feature.objects.filter(
            community=community,
            removed_at__isnull=True,
            topic__in=topics,
            topic__merged_into__isnull=True,
        )
        .filter(Q(post__isnull=True) | Q(post__deleted_at__isnull=True))
        .select_related("topic__category", "topic__author", "post__author")
        .order_by("-created_at", "-id")[:limit]
    )


def features_for_staff(actor: Actor, community: Community) -> QuerySet[Feature]:
    """The staff page's list: only features whose topic ``actor`` may still read (a
    category tightened to admins after featuring drops out of a moderator's list)."""
    return (
        Feature.objects.filter(
            community=community,
            removed_at__isnull=True,
            topic__category__in=discussion_policy.visible_categories(actor, community),
        )
        .select_related("topic__category", "topic__author", "post__author", "created_by")
        .order_by("-created_at", "-id")
    )


def feature_for(actor: Actor, community: Community, feature_id: int) -> Feature:
    """A feature whose topic ``actor`` may read, or 404."""
    feature = Feature.objects.filter(
        community=community,
        pk=feature_id,
        topic__category__in=discussion_policy.visible_categories(actor, community),
    ).first()
    if feature is None:
        raise Http404
    return feature
