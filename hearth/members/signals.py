"""Every membership has a profile, created in the same transaction as the membership.

A ``post_save`` receiver rather than a line in each service because memberships are created
by several paths (joining, invites, community creation, staff tools, imports, test
factories) and the directory, which reads profiles, must never miss a member. Bulk loaders
that bypass ``save()`` call :func:`hearth.members.services.profiles_backfill`."""

from __future__ import annotations

from django.utils import timezone


def create_profile_with_membership(sender, instance, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    from hearth.members.models import MemberProfile

    MemberProfile.objects.create(
        membership=instance,
        community_id=instance.community_id,
        user_id=instance.user_id,
        last_active_at=instance.joined_at or instance.requested_at or timezone.now(),
    )
