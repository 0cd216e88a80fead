"""Writes for groups: create and edit, join, ask, invite, approve, leave, roles, and a
group's own categories. Each is one transaction, checks ``groups.policy`` for the acting
member, and records an interaction event (``group.create``, ``group.join``,
``group.request``, ``group.invite``, ``group.leave``) that analytics and badges can read."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hearth.accounts.models import User
from hearth.communities.models import Membership
from hearth.communities.models import MembershipStatus as CommunityStatus
from hearth.core.actor import Actor
from hearth.core.events import record_event
from hearth.core.images import process_image
from hearth.core.markdown import clean_text, render_markdown
from hearth.core.uploads import store_in_field
from hearth.discussions.models import Category, CategoryKind, PostAccess, ReadAccess
from hearth.discussions.services import SLUG_SAFE
from hearth.groups import policy
from hearth.groups.models import (
    Group,
    GroupMembership,
    GroupRole,
    GroupSettings,
    JoinPolicy,
    MembershipStatus,
    Visibility,
)

COVER_MAX_SIDE = 1600
MAX_DESCRIPTION = 5000


def group_settings(community) -> GroupSettings | None:
    return GroupSettings.objects.filter(community=community).first()


def _clean(*, community, name, slug, description, visibility, join_policy, cover, exclude_pk=None):
    errors: dict[str, list] = {}
    name = " ".join(clean_text(name or "").split())
    if not name or len(name) > 80:
        errors["name"] = [_("Give the group a name of up to 80 characters.")]
    slug = (slug or slugify(name))[:60]
    if not SLUG_SAFE.match(slug):
        errors["slug"] = [_("Use lowercase letters, digits and hyphens.")]
    elif Group.objects.filter(community=community, slug=slug).exclude(pk=exclude_pk).exists():
        errors["slug"] = [_("Another group already uses that slug.")]
    description = clean_text(description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = [_("Keep the description under 5,000 characters.")]
    if visibility not in Visibility.values:
        errors["visibility"] = [_("Choose who may see the group.")]
    if join_policy not in JoinPolicy.values:
        errors["join_policy"] = [_("Choose how members join.")]
    cover_file = None
    if cover:
        try:
            cover_file = process_image(cover, max_side=COVER_MAX_SIDE, prefix="groups")
        except ValidationError as exc:
            errors["cover"] = exc.messages
    if errors:
        raise ValidationError(errors)
    fields = {
        "name": name,
        "slug": slug,
        "description": description,
        "description_html": render_markdown(description),
        "visibility": visibility,
        "join_policy": join_policy,
    }
    return fields, cover_file


def _category_slug(community, base: str) -> str:
    slug, n = base[:60], 2
    while Category.objects.filter(community=community, slug=slug).exists():
        suffix = f"-{n}"
        slug, n = base[: 60 - len(suffix)] + suffix, n + 1
    return slug


@transaction.atomic
def group_create(
    *,
    actor: Actor,
    name: str,
    slug: str = "",
    description: str = "",
    visibility: str = Visibility.PUBLIC,
    join_policy: str = JoinPolicy.OPEN,
    cover=None,
) -> Group:
    """Create a group with its creator as owner and one category of its own."""
    policy.ensure_create_group(actor, group_settings(actor.community))
    fields, cover_file = _clean(
        community=actor.community, name=name, slug=slug, description=description,
        visibility=visibility, join_policy=join_policy, cover=cover,
    )  # fmt: skip
    try:
        with transaction.atomic():
            group = Group.objects.create(
                community=actor.community, created_by=actor.user, member_count=1, **fields
            )
    except IntegrityError as exc:
        raise ValidationError({"slug": [_("Another group already uses that slug.")]}) from exc
    if cover_file is not None:
        store_in_field(group.cover, cover_file, field="cover")
        group.save(update_fields=["cover"])
    now = timezone.now()
    GroupMembership.objects.create(
        community=actor.community, group=group, user=actor.user, role=GroupRole.OWNER,
        status=MembershipStatus.MEMBER, joined_at=now,
    )  # fmt: skip
    group_category_create(actor=actor, group=group, name=group.name, _checked=True)
    record_event(community=actor.community, actor=actor.user, verb="group.create", obj=group)
    record_event(
        community=actor.community, actor=actor.user, verb="group.join", obj=group,
        data={"group": group.pk, "role": GroupRole.OWNER},
    )  # fmt: skip
    return group


@transaction.atomic
def group_update(*, actor: Actor, group: Group, cover=None, **changes) -> Group:
    group = Group.objects.select_for_update().get(pk=group.pk)
    policy.ensure_edit_group(actor, group, membership_of(group, actor.user))
    current = {
        f: getattr(group, f) for f in ("name", "slug", "description", "visibility", "join_policy")
    }
    fields, cover_file = _clean(
        community=actor.community, exclude_pk=group.pk, cover=cover, **{**current, **changes}
    )
    for field, value in fields.items():
        setattr(group, field, value)
    group.save()
    if cover_file is not None:
        store_in_field(group.cover, cover_file, field="cover")
        group.save(update_fields=["cover"])
    return group


@transaction.atomic
def group_category_create(
    *, actor: Actor, group: Group, name: str, _checked: bool = False
) -> Category:
    """A category of the group's own. Its read level is "members"; who reads it beyond that
    follows the group's visibility (``discussions.policy``)."""
    if not _checked:
        policy.ensure_edit_group(actor, group, membership_of(group, actor.user))
    name = " ".join(clean_text(name or "").split())[:60]
    if not name:
        raise ValidationError({"name": [_("Give the category a name.")]})
    base = slugify(f"{group.slug}-{name}" if name.lower() != group.name.lower() else group.slug)
    last = Category.objects.filter(community=group.community_id).order_by("-position").first()
    return Category.objects.create(
        community_id=group.community_id,
        group=group,
        name=name,
        slug=_category_slug(group.community_id, base or "group"),
        read_access=ReadAccess.EVERYONE if group.is_public else ReadAccess.MEMBERS,
        post_access=PostAccess.MEMBERS,
        kind=CategoryKind.DISCUSSION,
        position=(last.position + 1 if last else 0),
    )


def membership_of(group: Group, user: User | None) -> GroupMembership | None:
    if user is None:
        return None
    return GroupMembership.objects.filter(
        community=group.community_id, group=group, user=user
    ).first()


def _locked_membership(group: Group, user: User) -> GroupMembership | None:
    return (
        GroupMembership.objects.select_for_update()
        .filter(community=group.community_id, group=group, user=user)
        .first()
    )


def _become_member(membership: GroupMembership, *, actor_user: User) -> None:
    membership.status = MembershipStatus.MEMBER
    membership.joined_at = timezone.now()
    membership.save(update_fields=["status", "joined_at"])
    Group.objects.filter(pk=membership.group_id).update(member_count=F("member_count") + 1)
    record_event(
        community=membership.group.community, actor=membership.user, verb="group.join",
        obj=membership.group, data={"group": membership.group_id, "by": actor_user.pk},
    )  # fmt: skip


@transaction.atomic
def group_join(*, actor: Actor, group: Group) -> GroupMembership:
    """Join an open group, accept an invitation, or ask to join a group on request."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    membership = _locked_membership(group, actor.user)
    policy.ensure_join(actor, group, membership)
    at_once = policy.joins_at_once(group, membership)
    if membership is None:
        membership = GroupMembership.objects.create(
            community=group.community, group=group, user=actor.user,
            status=MembershipStatus.REQUESTED,
        )  # fmt: skip
    membership.group = group
    if at_once:
        _become_member(membership, actor_user=actor.user)
    else:
        record_event(
            community=group.community, actor=actor.user, verb="group.request", obj=group,
            data={"group": group.pk},
        )  # fmt: skip
    return membership


@transaction.atomic
def group_leave(*, actor: Actor, group: Group) -> None:
    """Leave, withdraw a request, or decline an invitation."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    membership = _locked_membership(group, actor.user)
    policy.ensure_leave(actor, group, membership)
    was_member = membership.status == MembershipStatus.MEMBER
    membership.delete()
    if was_member:
        Group.objects.filter(pk=group.pk).update(member_count=F("member_count") - 1)
        record_event(
            community=group.community, actor=actor.user, verb="group.leave", obj=group,
            data={"group": group.pk},
        )  # fmt: skip


@transaction.atomic
def group_invite(*, actor: Actor, group: Group, username: str) -> GroupMembership:
    """Invite a member of the community; they accept by joining. Inviting someone who
    asked to join lets them in at once."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    policy.ensure_invite(actor, group, membership_of(group, actor.user))
    username = (username or "").strip().lstrip("@")
    target = (
        Membership.objects.filter(
            community=group.community, user__username__iexact=username,
            status=CommunityStatus.ACTIVE,
        ).select_related("user").first()
        if username else None
    )  # fmt: skip
    if target is None:
        raise ValidationError({"username": [_("No member of this community has that name.")]})
    existing = _locked_membership(group, target.user)
    if existing is not None and existing.status == MembershipStatus.MEMBER:
        raise ValidationError({"username": [_("They are already in this group.")]})
    if existing is not None and existing.status == MembershipStatus.INVITED:
        raise ValidationError({"username": [_("They are already invited.")]})
    if existing is not None:
        existing.group = group
        _become_member(existing, actor_user=actor.user)
        return existing
    invitation = GroupMembership.objects.create(
        community=group.community, group=group, user=target.user,
        status=MembershipStatus.INVITED, invited_by=actor.user,
    )  # fmt: skip
    record_event(
        community=group.community, actor=actor.user, verb="group.invite", obj=group,
        target_user=target.user, data={"group": group.pk},
    )  # fmt: skip
    return invitation


@transaction.atomic
def group_review(*, actor: Actor, group: Group, request_id: int, approve: bool) -> None:
    group = Group.objects.select_for_update().get(pk=group.pk)
    request = (
        GroupMembership.objects.select_for_update()
        .filter(community=group.community_id, group=group, pk=request_id)
        .first()
    )
    if request is None:
        raise ValidationError(_("That request does not exist."))
    policy.ensure_review(actor, group, membership_of(group, actor.user), request)
    if approve:
        request.group = group
        _become_member(request, actor_user=actor.user)
    else:
        request.delete()


@transaction.atomic
def group_set_role(*, actor: Actor, group: Group, member_id: int, role: str) -> GroupMembership:
    if role not in GroupRole.values:
        raise ValidationError(_("Choose a role."))
    group = Group.objects.select_for_update().get(pk=group.pk)
    target = (
        GroupMembership.objects.select_for_update()
        .filter(community=group.community_id, group=group, pk=member_id)
        .first()
    )
    if target is None:
        raise ValidationError(_("That member is not in this group."))
    policy.ensure_set_role(actor, group, membership_of(group, actor.user), target)
    target.role = role
    target.save(update_fields=["role"])
    return target


@transaction.atomic
def group_settings_update(*, actor: Actor, create_trust_level: int | None) -> GroupSettings:
    if not policy.can_manage_group_settings(actor):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Only owners and admins change group settings."))
    if create_trust_level is not None and not 0 <= create_trust_level <= 4:
        raise ValidationError({"create_trust_level": [_("Choose a trust level from 0 to 4.")]})
    settings, _created = GroupSettings.objects.update_or_create(
        community=actor.community, defaults={"create_trust_level": create_trust_level}
    )
    return settings
