"""Reads of the way in: what a landing page shows, sign-ups per campaign, bulk invites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone

from hearth.communities import selectors as community_selectors
from hearth.communities.models import Community, Membership, MembershipStatus
from hearth.core.actor import Actor
from hearth.discussions import selectors as discussion_selectors
from hearth.growth import attribution
from hearth.growth.models import Arrival, BulkInvite, BulkInviteRow

RECENT_TOPICS = 5
FUNNEL_DAYS = 90


@dataclass(frozen=True)
class Signup:
    user: int
    source: str
    campaign: str
    signed_up_at: datetime


def signups_in(community: Community, start: datetime, end: datetime) -> list[Signup]:
    """People who signed up from one of the community's landing pages in [start, end)."""
    return [
        Signup(*row)
        for row in Arrival.objects.filter(
            community=community, created_at__gte=start, created_at__lt=end
        ).values_list("user_id", "source", "campaign", "created_at")
    ]


def recent_public_topics(community: Community) -> list:
    """What a signed-out visitor could read: the discussions policy decides, as for them."""
    return list(
        discussion_selectors.topic_list(Actor(user=None, community=community), community)[
            :RECENT_TOPICS
        ]
    )


def pending_arrival(user) -> Arrival | None:
    """The community a new account came from, while they have not joined it yet."""
    arrival = Arrival.objects.select_related("community", "invite").filter(user=user).first()
    if arrival is None:
        return None
    joined = Membership.objects.filter(community=arrival.community, user=user).exclude(
        status__in=[MembershipStatus.LEFT, MembershipStatus.DECLINED]
    )
    return None if joined.exists() else arrival


def join_url_for_newcomer(request) -> str | None:
    """The join page of the community a signed-in newcomer came from and has not joined:
    from their account's arrival, else (just signed up, in this browser) the landing page
    they saw last. Always a path on this site."""
    user = request.user
    if not user.is_authenticated:
        return None
    arrival = pending_arrival(user)
    if arrival is not None:
        community = arrival.community
        code = arrival.invite.code if arrival.invite and arrival.invite.is_usable else ""
    else:
        slug = attribution.last_landed(request.session)
        community = Community.objects.filter(slug=slug).first() if slug else None
        if community is None or Membership.objects.filter(community=community, user=user).exists():
            return None
        code = attribution.remembered(request.session, slug).invite
    url = reverse("communities:join", args=[community.slug])
    return f"{url}?{urlencode({'invite': code})}" if code else url


def arrival_for(user, community: Community) -> Arrival | None:
    if user is None:
        return None
    return Arrival.objects.filter(user=user, community=community).select_related("invite").first()


def rules(community: Community):
    return community_selectors.current_rules(community)


def bulk_invites(community: Community) -> QuerySet[BulkInvite]:
    return BulkInvite.objects.filter(community=community).order_by("-created_at")


def bulk_invite_for(actor: Actor, batch_id: int) -> BulkInvite:
    """A batch of the actor's community, or DoesNotExist (a 404 in views)."""
    return BulkInvite.objects.get(community=actor.community, pk=batch_id)


def bulk_invite_counts(batch: BulkInvite) -> dict[str, int]:
    return dict(
        BulkInviteRow.objects.filter(batch=batch)
        .values_list("result")
        .annotate(n=Count("id"))
        .order_by()
    )


def bulk_invite_rows(batch: BulkInvite) -> QuerySet[BulkInviteRow]:
    return BulkInviteRow.objects.filter(batch=batch).order_by("line")


def campaign_report(community: Community, days: int = FUNNEL_DAYS):
    """The funnel per (source, campaign) of the last ``days`` UTC days, today included:
    ``(window, report)``."""
    from hearth.analytics.dashboard import Window, campaign_funnel

    today = timezone.now().date()
    window = Window(today - timedelta(days=days - 1), today)
    return window, campaign_funnel(community, window)
