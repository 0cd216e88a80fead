"""Writes for trust levels: changing a member's level (automatically or by staff) and the
community's thresholds. Every level change records a ``trust.level_changed`` event."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities.models import Membership
from hearth.communities.services import staff_log_record
from hearth.core.actor import Actor
from hearth.core.events import record_event
from hearth.trust import policy
from hearth.trust.models import MemberTrust, TrustSettings

AUTO, MANUAL = "auto", "manual"
MAX_REASON_CHARS = 500


def level_change(
    *, membership: Membership, level: int, reason: str = AUTO, by: Actor | None = None
) -> bool:
    """Set the level if it is still what the caller read (a staff change made meanwhile
    wins over an automatic one); returns whether it changed. Caller holds a transaction."""
    before = membership.trust_level
    if before == level:
        return False
    updated = Membership.objects.filter(pk=membership.pk, trust_level=before).update(
        trust_level=level
    )
    if not updated:
        return False
    membership.trust_level = level
    now = timezone.now()
    MemberTrust.objects.update_or_create(
        community_id=membership.community_id,
        user_id=membership.user_id,
        defaults={"changed_at": now},
    )
    record_event(
        community=membership.community,
        actor=by.user if by else None,
        verb="trust.level_changed",
        target_user=membership.user,
        obj=membership,
        data={"from": before, "to": level, "reason": reason},
    )
    return True


@transaction.atomic
def trust_level_set(
    *, actor: Actor, membership: Membership, level: int, locked: bool, reason: str
) -> Membership:
    """Staff set a member's level (the only way to level 4) and whether it is locked
    against automatic changes, with a reason for the staff log."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why: the staff log keeps it.")]})
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError({"reason": [_("Keep the reason under 500 characters.")]})
    membership = (
        Membership.objects.select_for_update()
        .select_related("user", "community")
        .get(pk=membership.pk)
    )
    policy.ensure_set_level(actor, membership, level)
    record, _created = MemberTrust.objects.get_or_create(
        community_id=membership.community_id, user_id=membership.user_id
    )
    before, was_locked = membership.trust_level, record.is_locked
    if before == level and was_locked == locked:
        return membership
    if was_locked != locked:
        MemberTrust.objects.filter(pk=record.pk).update(is_locked=locked)
    level_change(membership=membership, level=level, reason=MANUAL, by=actor)
    staff_log_record(
        actor,
        actor.community,
        "trust.level",
        target_user=membership.user,
        reason=reason,
        details={"from": before, "to": level, "locked": locked},
    )
    return membership


@transaction.atomic
def trust_settings_update(
    *, actor: Actor, settings: TrustSettings, fields: list[str]
) -> TrustSettings:
    """Save the thresholds the form validated; every member is re-evaluated by a sweep
    queued at commit."""
    policy.ensure_edit_settings(actor)
    if settings.community_id != actor.community.pk:
        raise ValidationError(_("Those settings belong to another community."))
    settings.updated_at = timezone.now()
    settings.full_clean()
    settings.save()
    staff_log_record(actor, actor.community, "trust.settings", details={"fields": fields})
    from hearth.trust.tasks import sweep_trust_levels

    community_id = settings.community_id
    transaction.on_commit(lambda: sweep_trust_levels.enqueue(community_id))
    return settings
