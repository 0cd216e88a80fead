"""Writes by staff: manual badges and their grants, reputation weights, the member
spotlight and featured content. Each checks the policy, validates, and logs staff actions."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities.models import Membership
from hearth.communities.services import staff_log_record
from hearth.core.actor import Actor
from hearth.core.markdown import clean_text, render_markdown
from hearth.discussions.models import Post, Topic
from hearth.recognition import awards, policy, reputation
from hearth.recognition.models import (
    MAX_WEIGHT,
    Badge,
    BadgeGrant,
    Feature,
    ReputationSettings,
    Spotlight,
)
from hearth.recognition.rules import RULES

MAX_REASON_CHARS = 500
MAX_SPOTLIGHT_CHARS = 500
MAX_NOTE_CHARS = 300
# Emoji are symbols, joined and varied by these marks; letters, digits and markup are not.
_ICON_CATEGORIES = {"So", "Sk", "Mn", "Me", "Cf"}


def clean_icon(icon: str) -> str:
    icon = unicodedata.normalize("NFC", (icon or "").strip())
    if not icon:
        raise ValidationError({"icon": [_("Choose an emoji for the badge.")]})
    if len(icon) > 8 or not all(unicodedata.category(c) in _ICON_CATEGORIES for c in icon):
        raise ValidationError({"icon": [_("The icon must be one emoji, like 🌱 or 🏆.")]})
    if not any(unicodedata.category(c) == "So" for c in icon):
        raise ValidationError({"icon": [_("The icon must be one emoji, like 🌱 or 🏆.")]})
    return icon


@transaction.atomic
def badge_create(*, actor: Actor, name: str, description: str, icon: str) -> Badge:
    """Define a manual badge (admins)."""
    policy.ensure_manage_badges(actor)
    community = actor.community
    name = " ".join(clean_text(name).split())
    description = " ".join(clean_text(description).split())
    errors: dict[str, list] = {}
    if not 2 <= len(name) <= 60:
        errors["name"] = [_("Give the badge a name of 2 to 60 characters.")]
    else:
        taken = {str(rule.name).lower() for rule in RULES.values()}
        taken |= set(
            Badge.objects.filter(community=community)
            .annotate(lower=Lower("name"))
            .values_list("lower", flat=True)
        )
        if name.lower() in taken:
            errors["name"] = [_("There is already a badge called “%(name)s”.") % {"name": name}]
    if len(description) > 300:
        errors["description"] = [_("Keep the description under 300 characters.")]
    try:
        icon = clean_icon(icon)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    badge = Badge.objects.create(
        community=community, name=name, description=description, icon=icon, created_by=actor.user
    )
    staff_log_record(actor, community, "badge.create", details={"badge": name})
    return badge


@transaction.atomic
def badge_grant(*, actor: Actor, badge: Badge, membership: Membership, reason: str) -> BadgeGrant:
    """Grant a manual badge to an active member, with a reason shown on the badge page."""
    policy.ensure_grant_badge(actor, badge)
    if membership.community_id != actor.community.pk or not membership.is_active:
        raise ValidationError({"username": [_("Choose an active member of this community.")]})
    reason = " ".join(clean_text(reason).split())
    if not reason:
        raise ValidationError({"reason": [_("Say why the member gets this badge.")]})
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError({"reason": [_("Keep the reason under 500 characters.")]})
    holding = awards.grant(badge, membership.user, granted_by=actor.user, reason=reason)
    if holding is None:
        raise ValidationError(
            _("%(name)s already has the “%(badge)s” badge.")
            % {"name": membership.user.name, "badge": badge.label}
        )
    staff_log_record(
        actor,
        actor.community,
        "badge.grant",
        target_user=membership.user,
        reason=reason,
        details={"badge": badge.name},
    )
    return holding


@transaction.atomic
def reputation_settings_update(
    *, actor: Actor, reaction_points, accepted_answer_points, idea_vote_points
) -> ReputationSettings:
    """Set the weights and recompute every member's points from their kept tallies."""
    policy.ensure_manage_reputation(actor)
    values = {
        "reaction_points": reaction_points,
        "accepted_answer_points": accepted_answer_points,
        "idea_vote_points": idea_vote_points,
    }
    errors: dict[str, list] = {}
    for field, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WEIGHT:
            errors[field] = [_("Use a whole number from 0 to 1,000.")]
    if errors:
        raise ValidationError(errors)
    row, _created = ReputationSettings.objects.update_or_create(
        community=actor.community, defaults=values
    )
    reputation.reweigh(actor.community)
    staff_log_record(actor, actor.community, "reputation.weights", details=values)
    return row


@transaction.atomic
def spotlight_set(*, actor: Actor, membership: Membership, text: str) -> Spotlight:
    """Put a member in the spotlight (the previous one ends; all stay in the history)."""
    policy.ensure_spotlight(actor, membership)
    text = clean_text(text).strip()
    if not text:
        raise ValidationError({"text": [_("Say a few words about this member.")]})
    if len(text) > MAX_SPOTLIGHT_CHARS:
        raise ValidationError({"text": [_("Keep the text under 500 characters.")]})
    now = timezone.now()
    Spotlight.objects.filter(community=actor.community, ended_at__isnull=True).update(ended_at=now)
    spotlight = Spotlight.objects.create(
        community=actor.community,
        user=membership.user,
        text=text,
        html=render_markdown(text),
        created_by=actor.user,
        created_at=now,
    )
    staff_log_record(actor, actor.community, "spotlight.set", target_user=membership.user)
    return spotlight


@transaction.atomic
def spotlight_end(*, actor: Actor) -> int:
    policy.ensure_manage_highlights(actor)
    ended = Spotlight.objects.filter(community=actor.community, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    if ended:
        staff_log_record(actor, actor.community, "spotlight.end")
    return ended


@transaction.atomic
def feature_add(*, actor: Actor, topic: Topic, post: Post | None = None, note: str = "") -> Feature:
    """Feature a topic (an idea, a question, a discussion) or one of its posts on the home
    page. Only content every visitor of the home may read can be featured."""
    policy.ensure_feature(actor, topic, post)
    note = " ".join(clean_text(note).split())
    if len(note) > MAX_NOTE_CHARS:
        raise ValidationError({"note": [_("Keep the note under 300 characters.")]})
    if post is not None and post.number == 1:
        post = None
    already = Feature.objects.filter(
        community=actor.community, topic=topic, post=post, removed_at__isnull=True
    )
    if already.exists():
        raise ValidationError(_("That is already featured."))
    feature = Feature.objects.create(
        community=actor.community, topic=topic, post=post, note=note, created_by=actor.user
    )
    staff_log_record(
        actor,
        actor.community,
        "feature.add",
        target_user=(post or topic).author,
        details={"topic": topic.pk, "post": post.number if post else 1},
    )
    return feature


@transaction.atomic
def feature_remove(*, actor: Actor, feature: Feature) -> Feature:
    policy.ensure_manage_highlights(actor)
    if feature.community_id != actor.community.pk:
        raise ValidationError(_("That feature belongs to another community."))
    if feature.removed_at is None:
        feature.removed_at = timezone.now()
        feature.save(update_fields=["removed_at"])
        staff_log_record(
            actor, actor.community, "feature.remove", details={"topic": feature.topic_id}
        )
    return feature
