"""Writes for communities and memberships. Each function is one transaction, checks the
policy for the acting user, records interaction events and staff actions, and returns the
object it wrote."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.accounts.models import User
from hearth.communities import policy
from hearth.communities.models import (
    Community,
    Invite,
    JoinPolicy,
    JoinQuestion,
    Membership,
    MembershipStatus,
    Role,
    RulesVersion,
    StaffAction,
    Visibility,
)
from hearth.communities.validators import clean_join_questions, validate_rules, validate_slug
from hearth.core.actor import Actor
from hearth.core.colors import validate_hex_color
from hearth.core.events import record_event
from hearth.core.images import process_image
from hearth.core.markdown import render_markdown
from hearth.core.uploads import discard_uploads_on_error, store_in_field

MAX_ANSWER_CHARS = 1000
LOGO_MAX_SIDE = 512


def staff_log_record(
    actor: Actor | User | None, community: Community, action: str, **fields
) -> StaffAction:
    """Write one line of the community's staff action log (for any app's staff actions)."""
    user = actor.user if isinstance(actor, Actor) else actor
    return StaffAction.objects.create(community=community, actor=user, action=action, **fields)


# What a ban changes, and its end undoes.
BAN_FIELDS = [
    "status", "role", "ban_reason", "status_before_ban", "role_before_ban", "banned_until",
]  # fmt: skip


def _locked(membership: Membership) -> Membership:
    """Re-read a membership under a row lock: two staff may act on it at once. A timed ban
    whose end has passed is undone first, so every change starts from where the member
    stands now."""
    locked = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if locked.ban_has_ended:
        _restore_after_ban(locked)
        record_event(
            community=locked.community,
            actor=None,
            verb="member.ban_ended",
            target_user=locked.user,
            obj=locked,
        )
    return locked


def _restore_after_ban(membership: Membership) -> None:
    """The member stands where they stood before the ban (an active member with their role
    back, a pending applicant…); bans recorded before that was kept leave them "left"."""
    membership.status = membership.status_before_ban or MembershipStatus.LEFT
    membership.role = membership.role_before_ban or Role.MEMBER
    membership.status_before_ban = membership.role_before_ban = ""
    membership.ban_reason = ""
    membership.banned_until = None
    membership.save(update_fields=[*BAN_FIELDS, "updated_at"])
    if membership.is_active:
        _adjust_member_count(membership.community_id, +1)


@transaction.atomic
def membership_end_ban(membership: Membership) -> Membership:
    """Undo a timed ban whose end has passed (nothing otherwise). Policy already treats the
    member as not banned from that moment (``Membership.is_banned``); this puts their status
    and role back, when they are next looked at: their own request, or staff's members page.
    No task is needed."""
    return _locked(membership)


def memberships_end_bans(community: Community) -> None:
    """Undo every timed ban of ``community`` whose end has passed."""
    ended = Membership.objects.filter(
        community=community, status=MembershipStatus.BANNED, banned_until__lte=timezone.now()
    )
    for membership in ended:
        membership_end_ban(membership)


def _clean_shared_fields(
    errors: dict[str, list],
    *,
    name: str,
    tagline: str,
    accent_color: str,
    join_policy: str,
    visibility: str,
    join_questions: list[str],
    logo,
):
    """Validate what the wizard and the settings page share, adding messages to ``errors``.

    Returns the cleaned name, join questions and re-encoded logo (or None)."""
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Give the community a name.")]
    elif len(name) > 80:
        errors["name"] = [_("Keep the name under 80 characters.")]
    if len((tagline or "").strip()) > 160:
        errors["tagline"] = [_("Keep the tagline under 160 characters.")]
    try:
        validate_hex_color(accent_color)
    except ValidationError as exc:
        errors["accent_color"] = exc.messages
    if join_policy not in JoinPolicy.values:
        errors["join_policy"] = [_("Choose a join policy.")]
    if visibility not in Visibility.values:
        errors["visibility"] = [_("Choose public or private.")]
    questions: list[str] = []
    try:
        questions = clean_join_questions(join_questions)
    except ValidationError as exc:
        errors["join_questions"] = exc.messages
    logo_file = None
    if logo:
        try:
            logo_file = process_image(logo, max_side=LOGO_MAX_SIDE, prefix="logos")
        except ValidationError as exc:
            errors["logo"] = exc.messages
    return name, questions, logo_file


def _adjust_member_count(community_id: int, delta: int) -> None:
    Community.objects.filter(pk=community_id).update(member_count=F("member_count") + delta)


@discard_uploads_on_error()
@transaction.atomic
def community_create(
    *,
    user: User,
    name: str,
    slug: str,
    rules: str,
    tagline: str = "",
    accent_color: str = "#2f6f4e",
    join_policy: str = JoinPolicy.OPEN,
    visibility: str = Visibility.PUBLIC,
    join_questions: list[str] | None = None,
    logo=None,
) -> Community:
    """Create a community with its first rules version; the creator becomes its owner."""
    errors: dict[str, list] = {}
    try:
        validate_slug(slug)
    except ValidationError as exc:
        errors["slug"] = exc.messages
    try:
        validate_rules(rules)
    except ValidationError as exc:
        errors["rules"] = exc.messages
    name, questions, logo_file = _clean_shared_fields(
        errors,
        name=name,
        tagline=tagline,
        accent_color=accent_color,
        join_policy=join_policy,
        visibility=visibility,
        join_questions=join_questions or [],
        logo=logo,
    )
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            community = Community.objects.create(
                slug=slug,
                name=name,
                tagline=(tagline or "").strip(),
                accent_color=accent_color.lower(),
                join_policy=join_policy,
                visibility=visibility,
                created_by=user,
                member_count=1,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"slug": [_("“%(slug)s” is already taken.") % {"slug": slug}]}
        ) from exc
    if logo_file is not None:
        store_in_field(community.logo, logo_file, field="logo")
        community.save(update_fields=["logo"])
    text = validate_rules(rules)
    RulesVersion.objects.create(
        community=community, version=1, text=text, html=render_markdown(text), created_by=user
    )
    JoinQuestion.objects.bulk_create(
        JoinQuestion(community=community, position=i, text=q) for i, q in enumerate(questions)
    )
    now = timezone.now()
    membership = Membership.objects.create(
        community=community,
        user=user,
        role=Role.OWNER,
        status=MembershipStatus.ACTIVE,
        rules_version_accepted=1,
        joined_at=now,
        trust_level=4,
    )
    staff_log_record(user, community, "community.create", details={"slug": slug})
    from hearth.discussions.services import categories_create_defaults

    categories_create_defaults(community=community)
    record_event(community=community, actor=user, verb="member.join", obj=membership)
    return community


@discard_uploads_on_error()
@transaction.atomic
def community_update(
    *,
    actor: Actor,
    name: str,
    tagline: str,
    accent_color: str,
    join_policy: str,
    visibility: str,
    join_questions: list[str],
    logo=None,
    remove_logo: bool = False,
) -> Community:
    policy.ensure_manage_community(actor)
    community = Community.objects.select_for_update().get(pk=actor.community.pk)
    errors: dict[str, list] = {}
    name, questions, logo_file = _clean_shared_fields(
        errors,
        name=name,
        tagline=tagline,
        accent_color=accent_color,
        join_policy=join_policy,
        visibility=visibility,
        join_questions=join_questions,
        logo=logo,
    )
    if errors:
        raise ValidationError(errors)

    changed = {
        field: value
        for field, value in (
            ("name", name),
            ("tagline", (tagline or "").strip()),
            ("accent_color", accent_color.lower()),
            ("join_policy", join_policy),
            ("visibility", visibility),
        )
        if getattr(community, field) != value
    }
    for field, value in changed.items():
        setattr(community, field, value)
    if remove_logo and community.logo:
        community.logo = ""
        changed["logo"] = None
    if logo_file is not None:
        store_in_field(community.logo, logo_file, field="logo")
        changed["logo"] = community.logo.name
    community.save()
    old_questions = list(
        JoinQuestion.objects.filter(community=community).values_list("text", flat=True)
    )
    if old_questions != questions:
        JoinQuestion.objects.filter(community=community).delete()
        JoinQuestion.objects.bulk_create(
            JoinQuestion(community=community, position=i, text=q) for i, q in enumerate(questions)
        )
        changed["join_questions"] = questions
    if changed:
        staff_log_record(actor, community, "community.update", details={"fields": sorted(changed)})
    return community


@transaction.atomic
def rules_update(*, actor: Actor, text: str) -> RulesVersion:
    """Publish a new rules version. Members must accept it before they post again."""
    policy.ensure_manage_community(actor)
    try:
        text = validate_rules(text)
    except ValidationError as exc:
        raise ValidationError({"rules": exc.messages}) from exc
    community = Community.objects.select_for_update().get(pk=actor.community.pk)
    current = RulesVersion.objects.filter(
        community=community, version=community.rules_version
    ).first()
    if current is not None and current.text == text:
        return current
    version = rules_version_create(community=community, text=text, created_by=actor.user)
    # The editor accepts their own rules; everyone else is asked on their next visit.
    Membership.objects.filter(pk=actor.membership.pk).update(
        rules_version_accepted=community.rules_version
    )
    staff_log_record(actor, community, "rules.update", details={"version": version.version})
    return version


def rules_version_create(
    *, community: Community, text: str, created_by: User | None
) -> RulesVersion:
    """Make ``text`` the community's current rules as a new version; every member is asked
    to accept it on their next visit. No policy check: callers decide who may (staff
    through :func:`rules_update`, a vote through ``hearth.governance``). Caller holds a
    transaction and the community row lock (``select_for_update``)."""
    community.rules_version += 1
    community.save(update_fields=["rules_version"])
    return RulesVersion.objects.create(
        community=community,
        version=community.rules_version,
        text=text,
        html=render_markdown(text),
        created_by=created_by,
    )


def _resolve_invite(community: Community, code: str | None) -> Invite | None:
    code = (code or "").strip()
    if not code:
        return None
    invite = Invite.objects.filter(code=code).first()
    if invite is None or invite.community_id != community.pk:
        raise ValidationError(
            {"invite_code": [_("That invite code is not valid, has expired or has been used up.")]}
        )
    return invite


@transaction.atomic
def membership_join(
    *,
    actor: Actor,
    community: Community,
    accept_rules: bool,
    answers: list[str] | None = None,
    invite_code: str | None = None,
    source: str = "",
    campaign: str = "",
) -> Membership:
    """Join (open policy or a valid invite) or ask to join (approval policy).

    The member must accept the current rules; the accepted version is recorded."""
    invite = _resolve_invite(community, invite_code)
    policy.ensure_join(actor, community, invite)
    errors: dict[str, list] = {}
    if not accept_rules:
        errors["accept_rules"] = [_("Accept the rules to join.")]
    direct = policy.joins_without_review(community, invite)
    questions = list(JoinQuestion.objects.filter(community=community))
    answers = [(a or "").strip() for a in (answers or [])]
    join_answers = []
    if not direct and questions:
        if len(answers) != len(questions) or not all(answers):
            errors["answers"] = [_("Answer every question.")]
        elif any(len(a) > MAX_ANSWER_CHARS for a in answers):
            errors["answers"] = [
                _("Keep each answer under %(n)s characters.") % {"n": MAX_ANSWER_CHARS}
            ]
        else:
            join_answers = [
                {"question": q.text, "answer": a} for q, a in zip(questions, answers, strict=True)
            ]
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    membership, created = Membership.objects.select_for_update().get_or_create(
        community=community, user=actor.user
    )
    if membership.ban_has_ended:
        membership = _locked(membership)
    if not created:
        # Re-check under the row lock: a double-clicked join must not join twice.
        policy.ensure_join(Actor(actor.user, community, membership), community, invite)
    if invite is not None:
        used = Invite.objects.filter(pk=invite.pk, revoked_at__isnull=True)
        if invite.max_uses is not None:
            used = used.filter(use_count__lt=invite.max_uses)
        # Conditional update: two people racing for an invite's last use cannot both win.
        if used.update(use_count=F("use_count") + 1) != 1:
            raise ValidationError(
                {
                    "invite_code": [
                        _("That invite code is not valid, has expired or has been used up.")
                    ]
                }
            )
    membership.role = Role.MEMBER
    membership.rules_version_accepted = community.rules_version
    membership.join_answers = join_answers
    membership.source = (source or (invite.source if invite else ""))[:100]
    membership.campaign = (campaign or "")[:100]
    membership.invite = invite
    membership.ban_reason = ""
    membership.requested_at = now
    if direct:
        membership.status = MembershipStatus.ACTIVE
        membership.joined_at = now
    else:
        membership.status = MembershipStatus.PENDING
        membership.joined_at = None
    membership.save()
    data = {"source": membership.source, "campaign": membership.campaign}
    if direct:
        _adjust_member_count(community.pk, +1)
        record_event(
            community=community, actor=actor.user, verb="member.join", obj=membership, data=data
        )
    else:
        record_event(
            community=community, actor=actor.user, verb="member.request", obj=membership, data=data
        )
    return membership


@transaction.atomic
def membership_accept_rules(*, actor: Actor) -> Membership:
    policy.ensure_accept_rules(actor)
    membership = _locked(actor.membership)
    membership.rules_version_accepted = actor.community.rules_version
    membership.save(update_fields=["rules_version_accepted", "updated_at"])
    record_event(
        community=actor.community,
        actor=actor.user,
        verb="member.accept_rules",
        obj=membership,
        data={"version": membership.rules_version_accepted},
    )
    return membership


@transaction.atomic
def membership_leave(*, actor: Actor) -> Membership:
    policy.ensure_leave(actor)
    membership = _locked(actor.membership)
    membership.status = MembershipStatus.LEFT
    membership.role = Role.MEMBER
    membership.save(update_fields=["status", "role", "updated_at"])
    _adjust_member_count(membership.community_id, -1)
    record_event(community=actor.community, actor=actor.user, verb="member.leave", obj=membership)
    return membership


@transaction.atomic
def join_request_approve(*, actor: Actor, membership: Membership) -> Membership:
    membership = _locked(membership)
    policy.ensure_review_request(actor, membership)
    membership.status = MembershipStatus.ACTIVE
    membership.joined_at = timezone.now()
    membership.save(update_fields=["status", "joined_at", "updated_at"])
    _adjust_member_count(membership.community_id, +1)
    staff_log_record(actor, actor.community, "request.approve", target_user=membership.user)
    record_event(
        community=actor.community,
        actor=membership.user,
        verb="member.join",
        obj=membership,
        data={
            "source": membership.source,
            "campaign": membership.campaign,
            "approved_by": actor.user.pk,
        },
    )
    return membership


@transaction.atomic
def join_request_decline(*, actor: Actor, membership: Membership, reason: str = "") -> Membership:
    membership = _locked(membership)
    policy.ensure_review_request(actor, membership)
    membership.status = MembershipStatus.DECLINED
    membership.save(update_fields=["status", "updated_at"])
    staff_log_record(
        actor,
        actor.community,
        "request.decline",
        target_user=membership.user,
        reason=reason.strip(),
    )
    # The join page promised "we'll let you know": notifications read this.
    record_event(
        community=actor.community, actor=actor.user, verb="member.decline",
        target_user=membership.user, obj=membership,
    )  # fmt: skip
    return membership


@transaction.atomic
def membership_set_role(*, actor: Actor, membership: Membership, role: str) -> Membership:
    membership = _locked(membership)
    policy.ensure_change_role(actor, membership, role)
    old_role = membership.role
    if old_role == role:
        return membership
    membership.role = role
    # The analytics permission is given to a moderator: a new role starts without it.
    membership.analytics_access = False
    membership.save(update_fields=["role", "analytics_access", "updated_at"])
    details = {"from": old_role, "to": role}
    staff_log_record(
        actor, actor.community, "member.role", target_user=membership.user, details=details
    )
    record_event(
        community=actor.community,
        actor=actor.user,
        verb="member.role_change",
        target_user=membership.user,
        obj=membership,
        data=details,
    )
    return membership


@transaction.atomic
def membership_set_analytics_access(
    *, actor: Actor, membership: Membership, allowed: bool
) -> Membership:
    """Give a moderator the analytics permission (the business figures and the customer
    data), or take it back; owners only. Logged in the staff log."""
    membership = _locked(membership)
    policy.ensure_change_analytics_access(actor, membership)
    if membership.analytics_access == allowed:
        return membership
    membership.analytics_access = allowed
    membership.save(update_fields=["analytics_access", "updated_at"])
    staff_log_record(
        actor,
        actor.community,
        "member.analytics_access",
        target_user=membership.user,
        details={"allowed": allowed},
    )
    return membership


@transaction.atomic
def membership_set_role_by_vote(
    *, membership: Membership, role: str, action: str, details: dict
) -> Membership:
    """Change a role because the members voted (an election won, a term ended, a recall
    passed): no acting user, so no policy; a line in the staff log (``action``, e.g.
    ``election.seat``) and a ``member.role_change`` event whose data carries ``details``
    and ``"by_vote": True``. Only active members change role."""
    membership = _locked(membership)
    old_role = membership.role
    if old_role == role or not membership.is_active:
        return membership
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    data = {"from": old_role, "to": role, "by_vote": True, **details}
    staff_log_record(None, membership.community, action, target_user=membership.user, details=data)
    record_event(
        community=membership.community,
        actor=None,
        verb="member.role_change",
        target_user=membership.user,
        obj=membership,
        data=data,
    )
    return membership


@transaction.atomic
def membership_ban(
    *, actor: Actor, membership: Membership, reason: str, until: datetime | None = None
) -> Membership:
    """Remove a member for breaking the rules, until lifted or until ``until``, when the
    ban ends by itself. The reason is shown to them."""
    errors: dict[str, list] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say which rule was broken: the member sees this.")]
    elif len(reason) > 2000:
        errors["reason"] = [_("Keep the reason under 2,000 characters.")]
    if until is not None and until <= timezone.now():
        errors["banned_until"] = [_("Choose an end in the future, or none for a lasting ban.")]
    if errors:
        raise ValidationError(errors)
    membership = _locked(membership)
    policy.ensure_ban(actor, membership)
    was_active = membership.is_active
    membership.status_before_ban = membership.status
    membership.role_before_ban = membership.role
    membership.status = MembershipStatus.BANNED
    membership.role = Role.MEMBER
    membership.ban_reason = reason
    membership.banned_until = until
    membership.save(update_fields=[*BAN_FIELDS, "updated_at"])
    if was_active:
        _adjust_member_count(membership.community_id, -1)
    staff_log_record(
        actor,
        actor.community,
        "member.ban",
        target_user=membership.user,
        reason=reason,
        details={"until": until.isoformat()} if until else {},
    )
    record_event(
        community=actor.community,
        actor=actor.user,
        verb="member.ban",
        target_user=membership.user,
        obj=membership,
        data={"until": until.isoformat()} if until else None,
    )
    return membership


@transaction.atomic
def membership_unban(*, actor: Actor, membership: Membership, reason: str = "") -> Membership:
    """Lift a ban before its end: the person stands where they stood before it."""
    membership = _locked(membership)
    policy.ensure_unban(actor, membership)
    _restore_after_ban(membership)
    staff_log_record(
        actor, actor.community, "member.unban", target_user=membership.user, reason=reason.strip()
    )
    record_event(
        community=actor.community,
        actor=actor.user,
        verb="member.unban",
        target_user=membership.user,
        obj=membership,
    )
    return membership


# A non-admin's invites: at most this many uses, days to expiry (the default) and a day.
MEMBER_INVITE_LIMITS = (10, 30, 10)


@transaction.atomic
def invite_create(
    *,
    actor: Actor,
    source: str = "",
    max_uses: int | None = None,
    expires_in_days: int | None = None,
) -> Invite:
    """Admins' invites go to the staff log; other staff's and trusted members' invites are
    smaller (:data:`MEMBER_INVITE_LIMITS`) and recorded as an interaction event."""
    policy.ensure_create_invite(actor)
    if actor.is_admin:
        limits = (100_000, 365, None)
    else:
        limits = MEMBER_INVITE_LIMITS
        max_uses, expires_in_days = max_uses or 1, expires_in_days or limits[1]
    most_uses, longest, per_day = limits
    if max_uses is not None and not 1 <= max_uses <= most_uses:
        raise ValidationError(
            {"max_uses": [_("Allow between 1 and %(n)s uses.") % {"n": f"{most_uses:,}"}]}
        )
    if expires_in_days is not None and not 1 <= expires_in_days <= longest:
        raise ValidationError(
            {"expires_in_days": [_("Expire within 1 to %(n)s days.") % {"n": longest}]}
        )
    now = timezone.now()
    if (
        per_day is not None
        and Invite.objects.filter(
            community=actor.community,
            created_by=actor.user,
            created_at__gte=now - timedelta(days=1),
        ).count()
        >= per_day
    ):
        raise ValidationError(
            _("You can create %(n)s invites a day; try again tomorrow.") % {"n": per_day}
        )
    invite = Invite.objects.create(
        community=actor.community,
        created_by=actor.user,
        source=(source or "").strip()[:100],
        max_uses=max_uses,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    if actor.is_admin:
        staff_log_record(
            actor,
            actor.community,
            "invite.create",
            details={"code": invite.code, "source": invite.source},
        )
    else:
        record_event(community=actor.community, actor=actor.user, verb="invite.create", obj=invite)
    return invite


@transaction.atomic
def invite_revoke(*, actor: Actor, invite: Invite) -> Invite:
    policy.ensure_revoke_invite(actor, invite)
    if invite.revoked_at is None:
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])
        if actor.is_admin:
            staff_log_record(actor, actor.community, "invite.revoke", details={"code": invite.code})
    return invite
