"""Writes: reading notifications, choosing channels, unsubscribing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities import policy as community_policy
from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.notifications import bell, emails, policy, selectors
from hearth.notifications.models import (
    Channel,
    CommunityDefault,
    DigestFrequency,
    DigestSubscription,
    Kind,
    Notification,
    Preference,
)


def notification_mark_read(*, user, notification: Notification) -> Notification:
    """The caller got ``notification`` through selectors.notification_for (the user's own)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        bell.bump(user.pk)
    return notification


def notifications_mark_all_read(*, user, community: Community | None = None) -> int:
    marked = Notification.objects.filter(
        pk__in=policy.visible_notifications(user, community)
        .filter(read_at__isnull=True)
        .values("pk")
    ).update(read_at=timezone.now())
    bell.bump(user.pk)
    return marked


def _check_channels(channels: dict[str, str]) -> None:
    unknown = [k for k in channels if k not in Kind.values]
    bad = [v for v in channels.values() if v not in Channel.values]
    if unknown or bad:
        raise ValidationError(_("Unknown notification kind or channel."))


@transaction.atomic
def preferences_save(*, actor: Actor, channels: dict[str, str], digest: str | None = None) -> None:
    """The member's own channels in the actor's community; kinds left at the community's
    default store nothing, so a later change of the default reaches them."""
    if not actor.is_authenticated or actor.membership is None:
        raise ValidationError(_("Only members have notification preferences here."))
    _check_channels(channels)
    if digest is not None and digest not in DigestFrequency.values:
        raise ValidationError(_("Unknown digest frequency."))
    community, user = actor.community, actor.user
    defaults = selectors.community_channels(community)
    for kind, channel in channels.items():
        if channel == defaults[kind]:
            Preference.objects.filter(user=user, community=community, kind=kind).delete()
        else:
            Preference.objects.update_or_create(
                user=user, community=community, kind=kind, defaults={"channel": channel}
            )
    if digest is not None:
        DigestSubscription.objects.update_or_create(
            user=user, community=community, defaults={"frequency": digest}
        )


@transaction.atomic
def community_defaults_save(*, actor: Actor, channels: dict[str, str]) -> None:
    community_policy.ensure_manage_community(actor)
    _check_channels(channels)
    for kind, channel in channels.items():
        if channel == selectors.global_channel(kind):
            CommunityDefault.objects.filter(community=actor.community, kind=kind).delete()
        else:
            CommunityDefault.objects.update_or_create(
                community=actor.community, kind=kind, defaults={"channel": channel}
            )


@transaction.atomic
def unsubscribe(request: emails.Unsubscribe) -> bool:
    """Stop the emails the token names (the member keeps in-app notifications). False
    when the member or community is gone."""
    from hearth.accounts.models import User

    user = User.objects.filter(pk=request.user_id).first()
    community = Community.objects.filter(pk=request.community_id).first()
    if user is None or community is None:
        return False
    if request.topic == emails.DIGEST:
        DigestSubscription.objects.update_or_create(
            user=user, community=community, defaults={"frequency": DigestFrequency.OFF}
        )
    elif request.topic == emails.HEALTH:
        DigestSubscription.objects.update_or_create(
            user=user,
            community=community,
            defaults={"health_email": False},
            create_defaults={
                "health_email": False,
                "frequency": selectors.digest_subscription(user, community).frequency,
            },
        )
    else:
        channel = selectors.channels_for(community, [user.pk])(user.pk, request.topic)
        if channel == Channel.EMAIL:
            Preference.objects.update_or_create(
                user=user, community=community, kind=request.topic,
                defaults={"channel": Channel.APP},
            )  # fmt: skip
    return True
