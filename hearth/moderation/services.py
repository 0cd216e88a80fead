"""Writes for flags, the review queue, sanctions and appeals. One transaction each; each
checks the policy for the acting user, writes the staff log and records the interaction
events the people concerned are told through (the notifications app delivers them later;
the pages here show the same outcome today)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities import services as community_services
from hearth.communities.models import Community, Membership
from hearth.communities.services import staff_log_record
from hearth.core.actor import Actor
from hearth.core.events import record_event
from hearth.discussions import services as discussion_services
from hearth.discussions.models import Post, ReviewState
from hearth.moderation import policy, ratelimits
from hearth.moderation.models import (
    DEFAULT_FLAG_THRESHOLD,
    DEFAULT_FLAG_WEIGHTS,
    Appeal,
    AppealDecision,
    Flag,
    FlagReason,
    FlagStatus,
    ModerationSettings,
    PostReview,
    ReviewSource,
    ReviewStatus,
    Sanction,
    SanctionKind,
)

MAX_REASON_CHARS = 2000
MAX_DETAIL_CHARS = 1000
SPAM_HIDES_AT_ONCE_LEVEL = 3  # a trust level 3+ member's spam flag hides the post at once


def settings_for(community: Community) -> ModerationSettings:
    """The community's settings, or unsaved defaults."""
    found = ModerationSettings.objects.filter(community=community).first()
    return found or ModerationSettings(community=community)


def _clean_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: [_("Give a reason: the member sees it.")]})
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError({field: [_("Keep the reason under 2,000 characters.")]})
    return reason


def _locked_post(post: Post) -> Post:
    # Lock the post row only: PostgreSQL cannot lock the nullable side of the author join.
    return (
        Post.objects.select_for_update(of=("self",))
        .select_related("topic", "author")
        .get(pk=post.pk)
    )


def _pending_review(post: Post) -> PostReview | None:
    return PostReview.objects.select_for_update().filter(post=post, status="pending").first()


def _open_review(post: Post, *, source: str, reason: str) -> PostReview:
    """The post's pending review, created if there is none. Caller holds the post lock."""
    review = _pending_review(post)
    if review is None:
        review = PostReview.objects.create(
            community_id=post.community_id, post=post, source=source, reason=reason[:500]
        )
    return review


# Flags -----------------------------------------------------------------------------------


def flag_weight(settings: ModerationSettings, trust_level: int) -> float:
    weights = settings.flag_weights or DEFAULT_FLAG_WEIGHTS
    return float(weights[min(max(trust_level, 0), len(weights) - 1)])


def _reasons_text(post: Post) -> str:
    """What the author is told: the distinct reasons of the post's pending flags."""
    reasons = []
    for flag in Flag.objects.filter(post=post, status=FlagStatus.PENDING).order_by("created_at"):
        if flag.summary not in reasons:
            reasons.append(flag.summary)
    return "; ".join(reasons)[:500]


def _hide_after_flags(post: Post, review: PostReview, *, actor_user) -> None:
    note = _reasons_text(post)
    discussion_services.post_set_review_state(post=post, state=ReviewState.FLAGGED, note=note)
    record_event(
        community=post.community,
        actor=actor_user,
        verb="post.hidden",
        target_user=post.author,
        obj=post,
        data={"topic": post.topic_id, "reasons": note, "review": review.pk},
    )


@transaction.atomic
def flag_create(*, actor: Actor, post: Post, reason: str, rule: str = "", detail: str = "") -> Flag:
    """A member flags a post. Weighted by their trust level; past the community's threshold
    (or at once for a level-3+ member's spam flag) the post is hidden pending review."""
    post = _locked_post(post)
    policy.ensure_flag_post(actor, post)
    rule, detail = (rule or "").strip()[:300], (detail or "").strip()
    errors: dict[str, list] = {}
    if reason not in FlagReason.values:
        errors["reason"] = [_("Choose why you are flagging this post.")]
    elif reason == FlagReason.RULE and not rule:
        errors["rule"] = [_("Choose which rule the post breaks.")]
    elif reason == FlagReason.OTHER and not detail:
        errors["detail"] = [_("Tell the moderators what is wrong.")]
    if len(detail) > MAX_DETAIL_CHARS:
        errors["detail"] = [_("Keep it under 1,000 characters.")]
    if errors:
        raise ValidationError(errors)
    ratelimits.consume_flag(actor)
    settings = settings_for(actor.community)
    trust = actor.membership.trust_level
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                community=actor.community, post=post, flagger=actor.user, reason=reason,
                rule=rule if reason == FlagReason.RULE else "", detail=detail,
                weight=flag_weight(settings, trust),
            )  # fmt: skip
    except IntegrityError as exc:  # a double-clicked submit
        raise ValidationError(
            _("You already flagged this post; the moderators will look at it.")
        ) from exc
    review = _open_review(post, source=ReviewSource.FLAGS, reason=flag.summary)
    score = Flag.objects.filter(post=post, status=FlagStatus.PENDING).aggregate(s=Sum("weight"))
    review.score = score["s"] or 0
    review.save(update_fields=["score"])
    record_event(
        community=actor.community, actor=actor.user, verb="post.flag", target_user=post.author,
        obj=post, data={"topic": post.topic_id, "reason": reason, "flag": flag.pk},
    )  # fmt: skip
    spam_at_once = reason == FlagReason.SPAM and trust >= SPAM_HIDES_AT_ONCE_LEVEL
    threshold = settings.flag_threshold or DEFAULT_FLAG_THRESHOLD
    if not post.is_in_review and (spam_at_once or review.score >= threshold):
        _hide_after_flags(post, review, actor_user=actor.user)
    return flag


@transaction.atomic
def flag_post_automatically(*, post: Post, reason: str) -> PostReview:
    """A flag raised by the system (a watched word's "flag" action): the post stays visible
    and goes to the review queue."""
    post = _locked_post(post)
    Flag.objects.create(
        community_id=post.community_id, post=post, flagger=None, reason=FlagReason.OTHER,
        detail=reason[:MAX_DETAIL_CHARS], weight=0,
    )  # fmt: skip
    return _open_review(post, source=ReviewSource.FLAGS, reason=reason)


@transaction.atomic
def hold_post_for_review(*, post: Post, reason: str, source: str) -> PostReview:
    """Hold a post (watched word, a new member's first post, a spam signal…): invisible to
    everyone but its author and staff, the author sees "waiting for review: <reason>", and it
    is in the review queue until staff approve or reject it."""
    post = _locked_post(post)
    review = _pending_review(post)
    if review is None:
        review = PostReview.objects.create(
            community_id=post.community_id, post=post, source=source, reason=reason[:500]
        )
    elif review.source == ReviewSource.FLAGS:
        # A hold is the stronger claim: only staff may release it.
        review.source, review.reason = source, reason[:500]
        review.save(update_fields=["source", "reason"])
    discussion_services.post_set_review_state(post=post, state=ReviewState.HELD, note=reason)
    record_event(
        community=post.community, actor=None, verb="post.held", target_user=post.author,
        obj=post, data={"topic": post.topic_id, "reason": reason, "source": source},
    )  # fmt: skip
    return review


def hold_first_post_if_required(*, actor: Actor, post: Post) -> None:
    """Registered with discussions: a trust-level-0 member's first post waits for approval
    when the community asks for it."""
    if not post.is_first_post or actor.is_staff or actor.membership is None:
        return
    if actor.membership.trust_level > 0 or not settings_for(actor.community).approve_first_posts:
        return
    hold_post_for_review(
        post=post,
        reason=_("new members' first posts are approved by the moderators"),
        source=ReviewSource.FIRST_POST,
    )


def review_reopen_after_edit(*, actor: Actor, post: Post) -> None:
    """Registered with discussions: a post hidden after flags stays hidden when its author
    edits it, and goes back to the queue for a moderator to look again."""
    if post.review_state != ReviewState.FLAGGED or actor.user.pk != post.author_id:
        return
    review = _open_review(
        post, source=ReviewSource.FLAGS, reason=_("Edited by its author after being hidden")
    )
    record_event(
        community=post.community, actor=actor.user, verb="post.edited_in_review", obj=post,
        data={"topic": post.topic_id, "review": review.pk},
    )  # fmt: skip


# Review decisions ------------------------------------------------------------------------

FLAG_OUTCOME = {
    "approve": FlagStatus.NOT_UPHELD,
    "reject": FlagStatus.UPHELD,
    "dismiss": FlagStatus.DISMISSED,
}
REVIEW_OUTCOME = {
    "approve": ReviewStatus.APPROVED,
    "reject": ReviewStatus.REJECTED,
    "dismiss": ReviewStatus.DISMISSED,
}


def _resolve_flags(actor: Actor, post: Post, outcome: str, note: str) -> None:
    """Close the post's pending flags; each flagger learns the outcome, and each upheld flag
    counts against the post's author (trust levels read ``flag.upheld``)."""
    now = timezone.now()
    flags = list(Flag.objects.filter(post=post, status=FlagStatus.PENDING).order_by("pk"))
    Flag.objects.filter(pk__in=[f.pk for f in flags]).update(
        status=outcome, resolved_at=now, resolved_by=actor.user, resolution_note=note
    )
    for flag in flags:
        if flag.flagger_id is not None:
            record_event(
                community=actor.community, actor=actor.user, verb="flag.resolved",
                target_user=flag.flagger, obj=flag,
                data={"post": post.pk, "topic": post.topic_id, "outcome": outcome},
            )  # fmt: skip
        if outcome == FlagStatus.UPHELD:
            record_event(
                community=actor.community, actor=actor.user, verb="flag.upheld",
                target_user=post.author, obj=flag,
                data={"post": post.pk, "topic": post.topic_id, "flagger": flag.flagger_id},
            )  # fmt: skip


@transaction.atomic
def review_decide(*, actor: Actor, review: PostReview, action: str, note: str) -> PostReview:
    """approve: publish the post, flags not upheld; reject: soft-delete the post, flags
    upheld; dismiss: close the flags without judging, the post published again."""
    if action not in REVIEW_OUTCOME:
        raise ValidationError({"action": [_("Choose approve, reject or dismiss.")]})
    review = PostReview.objects.select_for_update().select_related("post__topic").get(pk=review.pk)
    policy.ensure_review_action(actor, review, action)
    note = _clean_reason(note)
    post = review.post
    if action == "reject":
        discussion_services.post_delete_after_review(actor=actor, post=post)
    elif post.is_in_review:
        discussion_services.post_set_review_state(post=post, state=ReviewState.PUBLISHED)
    _resolve_flags(actor, post, FLAG_OUTCOME[action], note)
    review.status = REVIEW_OUTCOME[action]
    review.resolved_at, review.resolved_by, review.resolution_note = (
        timezone.now(),
        actor.user,
        note,
    )
    review.save(update_fields=["status", "resolved_at", "resolved_by", "resolution_note"])
    staff_log_record(
        actor, actor.community, f"review.{action}", target_user=post.author, reason=note,
        details={"post": post.pk, "topic": post.topic_id, "source": review.source},
    )  # fmt: skip
    record_event(
        community=actor.community, actor=actor.user, verb=f"review.{action}",
        target_user=post.author, obj=post, data={"topic": post.topic_id, "review": review.pk},
    )  # fmt: skip
    return review


# Sanctions -------------------------------------------------------------------------------


def _current_until(membership: Membership, kind: str) -> datetime | None:
    ends = (
        Sanction.objects.filter(
            membership=membership, kind=kind, lifted_at__isnull=True, ends_at__gt=timezone.now()
        )
        .order_by("-ends_at")
        .values_list("ends_at", flat=True)
        .first()
    )
    return ends


def _sync_membership(membership: Membership) -> None:
    """Copy the member's current silence and suspension ends onto their membership, where
    the policy of every surface reads them."""
    Membership.objects.filter(pk=membership.pk).update(
        silenced_until=_current_until(membership, SanctionKind.SILENCE),
        suspended_until=_current_until(membership, SanctionKind.SUSPEND),
    )


def _locked_membership(membership: Membership) -> Membership:
    return Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)


@transaction.atomic
def sanction_create(
    *,
    actor: Actor,
    membership: Membership,
    kind: str,
    reason: str,
    ends_at: datetime | None = None,
    review: PostReview | None = None,
) -> Sanction:
    """Silence or suspend a member until ``ends_at``, or ban them (until ``ends_at``, or
    until lifted without one). From the review queue, the post under review is rejected
    (removed, its flags upheld) as well."""
    membership = _locked_membership(membership)
    policy.ensure_sanction(actor, membership, kind)
    errors: dict[str, list] = {}
    try:
        reason = _clean_reason(reason)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if kind == SanctionKind.BAN and ends_at is not None and ends_at <= timezone.now():
        errors["ends_at"] = [_("Choose an end in the future, or none for a lasting ban.")]
    elif kind != SanctionKind.BAN and (ends_at is None or ends_at <= timezone.now()):
        errors["ends_at"] = [_("Choose an end in the future.")]
    if errors:
        raise ValidationError(errors)
    if review is not None:
        if review.post.author_id != membership.user_id:
            raise ValidationError(_("That post is not this member's."))
        review_decide(actor=actor, review=review, action="reject", note=reason)
    if kind == SanctionKind.BAN:
        community_services.membership_ban(
            actor=actor, membership=membership, reason=reason, until=ends_at
        )
    sanction = Sanction.objects.create(
        community=actor.community, membership=membership, user=membership.user, kind=kind,
        reason=reason, ends_at=ends_at, created_by=actor.user,
        post=review.post if review is not None else None,
    )  # fmt: skip
    if kind != SanctionKind.BAN:
        _sync_membership(membership)
        staff_log_record(
            actor, actor.community, f"member.{kind}", target_user=membership.user, reason=reason,
            details={"sanction": sanction.pk, "ends_at": ends_at.isoformat()},
        )  # fmt: skip
    record_event(
        community=actor.community, actor=actor.user, verb=f"sanction.{kind}",
        target_user=membership.user, obj=sanction,
        data={"ends_at": ends_at.isoformat() if ends_at else None},
    )  # fmt: skip
    return sanction


def _lift(actor: Actor, sanction: Sanction, reason: str) -> None:
    """End a sanction now; the member stands where they stood before it. Caller checked."""
    sanction.lifted_at, sanction.lifted_by, sanction.lift_reason = (
        timezone.now(),
        actor.user,
        reason,
    )
    sanction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    if sanction.kind == SanctionKind.BAN:
        community_services.membership_unban(
            actor=actor, membership=sanction.membership, reason=reason
        )
    else:
        _sync_membership(sanction.membership)


def _locked_sanction(sanction: Sanction) -> Sanction:
    return (
        Sanction.objects.select_for_update()
        .select_related("membership", "user")
        .get(pk=sanction.pk)
    )


@transaction.atomic
def sanction_lift(*, actor: Actor, sanction: Sanction, reason: str) -> Sanction:
    sanction = _locked_sanction(sanction)
    policy.ensure_lift_sanction(actor, sanction)
    reason = _clean_reason(reason)
    _lift(actor, sanction, reason)
    staff_log_record(
        actor, actor.community, "sanction.lift", target_user=sanction.user, reason=reason,
        details={"sanction": sanction.pk, "kind": sanction.kind},
    )  # fmt: skip
    record_event(
        community=actor.community, actor=actor.user, verb="sanction.lift",
        target_user=sanction.user, obj=sanction, data={"kind": sanction.kind},
    )  # fmt: skip
    return sanction


# Appeals ---------------------------------------------------------------------------------


@transaction.atomic
def appeal_create(*, actor: Actor, sanction: Sanction, text: str) -> Appeal:
    """The sanctioned member's one appeal; it goes to the review queue."""
    sanction = _locked_sanction(sanction)
    policy.ensure_appeal(actor, sanction)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Say why the sanction should be lifted.")]})
    if len(text) > MAX_REASON_CHARS:
        raise ValidationError({"text": [_("Keep your appeal under 2,000 characters.")]})
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                community=actor.community, sanction=sanction, user=actor.user, text=text
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("You already appealed this sanction. Each sanction can be appealed once.")
        ) from exc
    record_event(
        community=actor.community, actor=actor.user, verb="appeal.create", obj=appeal,
        data={"sanction": sanction.pk},
    )  # fmt: skip
    return appeal


@transaction.atomic
def appeal_decide(*, actor: Actor, appeal: Appeal, decision: str, reason: str) -> Appeal:
    """Uphold the sanction or lift it; the member sees the decision and its reason."""
    appeal = (
        Appeal.objects.select_for_update()
        .select_related("sanction__membership", "user")
        .get(pk=appeal.pk)
    )
    policy.ensure_decide_appeal(actor, appeal)
    if decision not in (AppealDecision.UPHELD, AppealDecision.LIFTED):
        raise ValidationError({"decision": [_("Choose to uphold or lift the sanction.")]})
    reason = _clean_reason(reason)
    sanction = appeal.sanction
    if decision == AppealDecision.LIFTED and sanction.is_current:
        # Lifting a ban stays the owners' and admins' call: membership_unban checks it.
        _lift(actor, sanction, reason)
    appeal.decision, appeal.decision_reason = decision, reason
    appeal.decided_at, appeal.decided_by = timezone.now(), actor.user
    appeal.save(update_fields=["decision", "decision_reason", "decided_at", "decided_by"])
    staff_log_record(
        actor, actor.community, f"appeal.{'lift' if decision == 'lifted' else 'uphold'}",
        target_user=appeal.user, reason=reason,
        details={"sanction": sanction.pk, "appeal": appeal.pk, "kind": sanction.kind},
    )  # fmt: skip
    record_event(
        community=actor.community, actor=actor.user, verb="appeal.decide",
        target_user=appeal.user, obj=appeal, data={"decision": decision, "sanction": sanction.pk},
    )  # fmt: skip
    return appeal


# Join requests in the queue reuse communities' services; settings ------------------------


@transaction.atomic
def settings_update(
    *, actor: Actor, flag_threshold: float, flag_weights: list[float], approve_first_posts: bool
) -> ModerationSettings:
    policy.ensure_manage_moderation(actor)
    errors: dict[str, list] = {}
    if not 0.5 <= flag_threshold <= 100:
        errors["flag_threshold"] = [_("Choose a threshold between 0.5 and 100.")]
    if len(flag_weights) != 5 or any(not 0 <= w <= 100 for w in flag_weights):
        errors["flag_weights"] = [_("Give five weights between 0 and 100, one per trust level.")]
    if errors:
        raise ValidationError(errors)
    settings, _created = ModerationSettings.objects.select_for_update().get_or_create(
        community=actor.community
    )
    settings.flag_threshold = flag_threshold
    settings.flag_weights = [float(w) for w in flag_weights]
    settings.approve_first_posts = approve_first_posts
    settings.save()
    staff_log_record(
        actor, actor.community, "moderation.settings",
        details={
            "flag_threshold": flag_threshold, "flag_weights": settings.flag_weights,
            "approve_first_posts": approve_first_posts,
        },
    )  # fmt: skip
    return settings
