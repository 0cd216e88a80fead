"""The community the import goes into (found, or made and owned by the backup's first
admin) and its members: role, trust level, join date, and a suspension still running."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from hearth.archive.common import ArchiveError
from hearth.archive.discourse import events
from hearth.archive.discourse.convert import get
from hearth.archive.discourse.dump import parse_bool, parse_int, parse_time
from hearth.archive.discourse.state import State

SOURCE = "discourse"
DEFAULT_RULES = (
    "1. **Be kind.** Disagree with ideas, never attack people.\n"
    "2. **Stay on topic** and search before you post.\n"
    "3. **No spam.**\n\n"
    "_These rules were set when the forum moved from Discourse; the owner can change them._"
)


def check_empty(community) -> None:
    from hearth.discussions.models import Topic

    if Topic.objects.filter(community=community).exists():
        raise ArchiveError(
            f"The community {community.slug!r} already has topics: import into a new community "
            "(--create) or an empty one."
        )


def find_or_create_community(state: State, slug: str, create: str | None, owner: str | None):
    from hearth.accounts.models import User
    from hearth.communities import services
    from hearth.communities.models import Community

    if create is None:
        community = Community.objects.select_for_update().get(slug=slug)
        check_empty(community)  # again, under the lock
        return community
    if owner:
        owner_user = User.objects.filter(username=owner).first()
        if owner_user is None:
            raise ArchiveError(f"No account named {owner!r} to own the community.")
    else:
        admins = state.db.execute(
            "SELECT id FROM users WHERE admin IN ('t', 'true') AND CAST(id AS INTEGER) > 0 "
            "AND COALESCE(staged, 'f') NOT IN ('t', 'true') ORDER BY CAST(id AS INTEGER)"
        )
        first = next(
            (state.users[int(r["id"])] for r in admins if int(r["id"]) in state.users), None
        )
        if first is None:
            raise ArchiveError(
                "The backup has no admin account to own the community: give --owner USERNAME."
            )
        owner_user = User.objects.get(pk=first)
    try:
        return services.community_create(
            user=owner_user, name=create, slug=slug, rules=DEFAULT_RULES
        )
    except ValidationError as exc:
        messages = "; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in exc.message_dict.items())
        raise ArchiveError(f"Cannot create the community: {messages}") from exc


def import_memberships(state: State) -> None:
    from hearth.communities.models import Membership, MembershipStatus, Role

    existing = {m.user_id: m for m in Membership.objects.filter(community=state.community)}
    now = timezone.now()
    new = []
    rows = state.db.execute("SELECT * FROM users ORDER BY CAST(id AS INTEGER)")
    for row in rows:
        d_id = parse_int(row["id"])
        user_id = state.users.get(d_id)
        if user_id is None:
            continue
        level = min(max(parse_int(row["trust_level"]) or 0, 0), 4)
        state.trust[user_id] = level
        joined = parse_time(row["created_at"]) or now
        if user_id in existing:
            membership = existing[user_id]
            if membership.joined_at is None or joined < membership.joined_at:
                Membership.objects.filter(pk=membership.pk).update(joined_at=joined)
            state.trust[user_id] = membership.trust_level
            continue
        role = (
            Role.ADMIN
            if parse_bool(row["admin"])
            else Role.MODERATOR
            if parse_bool(row["moderator"])
            else Role.MEMBER
        )
        membership = Membership(
            community=state.community,
            user_id=user_id,
            role=role,
            status=MembershipStatus.ACTIVE,
            trust_level=level,
            source=SOURCE,
            requested_at=joined,
            joined_at=joined,
        )
        suspended = parse_time(get(row, "suspended_till"))
        if suspended is not None and suspended > now:
            membership.status = MembershipStatus.BANNED
            membership.banned_until = suspended
            membership.status_before_ban = MembershipStatus.ACTIVE
            membership.role_before_ban = role
            membership.role = Role.MEMBER
            membership.ban_reason = "Suspended on Discourse."
        silenced = parse_time(get(row, "silenced_till"))
        if silenced is not None and silenced > now:
            membership.silenced_until = silenced
        new.append(membership)
        existing[user_id] = membership
    Membership.objects.bulk_create(new, batch_size=500)
    _regulars_keep_their_level(state, new)
    for membership in new:
        if membership.status != MembershipStatus.ACTIVE:
            continue
        events.record(
            state, membership.joined_at, "member.join", membership.user_id, None,
            "communities.membership", membership.pk, {"source": SOURCE, "campaign": ""},
        )  # fmt: skip


def _regulars_keep_their_level(state: State, memberships) -> None:
    """Level 3 is kept on recent activity Hearth cannot see before the import: imported
    regulars get the grace period a fresh promotion gets."""
    from hearth.trust.models import MemberTrust
    from hearth.trust.policy import REGULAR

    now = timezone.now()
    MemberTrust.objects.bulk_create(
        [
            MemberTrust(community=state.community, user_id=m.user_id, changed_at=now)
            for m in memberships
            if m.trust_level == REGULAR
        ],
        ignore_conflicts=True,
    )
