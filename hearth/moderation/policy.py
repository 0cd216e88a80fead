"""Every permission decision about flags, the review queue, sanctions and appeals.

Who may open the queue: staff (owner, admin, moderator) see every item; leaders (trust
level 4) see flagged posts only and may approve, reject or dismiss them, but not sanction
anyone. A sanction's *effect* (a silenced or suspended member may not post, react, message
or flag) is enforced where every surface already asks: ``communities.policy.participate_denial``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from hearth.communities import policy as community_policy
from hearth.communities.models import Membership, MembershipStatus, Role
from hearth.core.actor import Actor
from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import Post
from hearth.moderation.models import Appeal, Flag, PostReview, ReviewSource, Sanction, SanctionKind

LEADER_TRUST_LEVEL = 4
LEADER_ACTIONS = frozenset({"approve", "reject", "dismiss"})


def _ensure(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDenied(reason)


def _same_community(actor: Actor, obj) -> bool:
    return actor.community is not None and obj.community_id == actor.community.pk


def is_leader(actor: Actor) -> bool:
    return actor.is_member and actor.membership.trust_level >= LEADER_TRUST_LEVEL


# Flags -----------------------------------------------------------------------------------


def flag_post_denial(actor: Actor, post: Post) -> str | None:
    if (reason := discussion_policy.flag_post_denial(actor, post)) is not None:
        return reason
    if Flag.objects.filter(post=post, flagger=actor.user).exists():
        return _("You already flagged this post; the moderators will look at it.")
    return None


def can_flag_post(actor: Actor, post: Post) -> bool:
    return flag_post_denial(actor, post) is None


def ensure_flag_post(actor: Actor, post: Post) -> None:
    _ensure(flag_post_denial(actor, post))


def view_my_flags_denial(actor: Actor) -> str | None:
    if actor.user is None or actor.membership is None:
        return _("Only members have flags here.")
    return None


# The review queue ------------------------------------------------------------------------


def review_queue_denial(actor: Actor) -> str | None:
    if actor.is_staff or is_leader(actor):
        return None
    return _("Only staff and community leaders (trust level 4) can open the review queue.")


def can_view_review_queue(actor: Actor) -> bool:
    return review_queue_denial(actor) is None


def ensure_view_review_queue(actor: Actor) -> None:
    _ensure(review_queue_denial(actor))


def sees_whole_queue(actor: Actor) -> bool:
    """Held posts, join requests, reported conversations and appeals are for staff only."""
    return actor.is_staff


def review_action_denial(actor: Actor, review: PostReview, action: str) -> str | None:
    if not _same_community(actor, review):
        return _("That review item does not exist.")
    if (reason := review_queue_denial(actor)) is not None:
        return reason
    if review.status != "pending":
        return _("That item has already been reviewed.")
    if actor.is_staff:
        return None
    if review.source != ReviewSource.FLAGS:
        return _("Only staff review held posts.")
    if action not in LEADER_ACTIONS:
        return _("Only staff can silence or suspend members.")
    if review.post.author_id == actor.user.pk:
        return _("Someone else must review your own post.")
    return None


def can_review_action(actor: Actor, review: PostReview, action: str) -> bool:
    return review_action_denial(actor, review, action) is None


def ensure_review_action(actor: Actor, review: PostReview, action: str) -> None:
    _ensure(review_action_denial(actor, review, action))


# Sanctions -------------------------------------------------------------------------------


def sanction_denial(actor: Actor, membership: Membership, kind: str) -> str | None:
    if not _same_community(actor, membership):
        return _("That member belongs to another community.")
    if not actor.is_staff:
        return _("Only staff can sanction members.")
    if kind not in SanctionKind.values:
        return _("Choose silence, suspension or ban.")
    if actor.membership.pk == membership.pk:
        return _("You cannot sanction yourself.")
    if membership.role != Role.MEMBER and membership.rank >= actor.rank:
        if not actor.is_admin:
            return _("A moderator cannot sanction an admin, an owner or another moderator.")
        return _("You can only sanction members whose role is below yours.")
    if kind == SanctionKind.BAN:
        return community_policy.ban_denial(actor, membership)
    if membership.status != MembershipStatus.ACTIVE:
        return _("Only active members can be silenced or suspended.")
    return None


def can_sanction(actor: Actor, membership: Membership, kind: str) -> bool:
    return sanction_denial(actor, membership, kind) is None


def ensure_sanction(actor: Actor, membership: Membership, kind: str) -> None:
    _ensure(sanction_denial(actor, membership, kind))


def lift_sanction_denial(actor: Actor, sanction: Sanction) -> str | None:
    if not _same_community(actor, sanction):
        return _("That sanction does not exist.")
    if not actor.is_staff:
        return _("Only staff can lift sanctions.")
    if sanction.user_id == actor.user.pk:
        return _("You cannot lift your own sanction.")
    if not sanction.is_current:
        return _("That sanction is no longer in force.")
    if sanction.kind == SanctionKind.BAN:
        return community_policy.unban_denial(actor, sanction.membership)
    return None


def can_lift_sanction(actor: Actor, sanction: Sanction) -> bool:
    return lift_sanction_denial(actor, sanction) is None


def ensure_lift_sanction(actor: Actor, sanction: Sanction) -> None:
    _ensure(lift_sanction_denial(actor, sanction))


def view_sanctions_denial(actor: Actor) -> str | None:
    """A member's own sanction page (banned members included: they appeal from it)."""
    if actor.user is None or actor.membership is None:
        return _("Sign in to see your standing in this community.")
    return None


def ensure_view_sanctions(actor: Actor) -> None:
    _ensure(view_sanctions_denial(actor))


# Appeals ---------------------------------------------------------------------------------


def appeal_denial(actor: Actor, sanction: Sanction) -> str | None:
    if not _same_community(actor, sanction) or actor.user is None:
        return _("That sanction does not exist.")
    if sanction.user_id != actor.user.pk:
        return _("That sanction does not exist.")
    if hasattr(sanction, "appeal"):
        return _("You already appealed this sanction. Each sanction can be appealed once.")
    if not sanction.is_current:
        return _("That sanction is no longer in force.")
    return None


def can_appeal(actor: Actor, sanction: Sanction) -> bool:
    return appeal_denial(actor, sanction) is None


def ensure_appeal(actor: Actor, sanction: Sanction) -> None:
    _ensure(appeal_denial(actor, sanction))


def decide_appeal_denial(actor: Actor, appeal: Appeal) -> str | None:
    if not _same_community(actor, appeal):
        return _("That appeal does not exist.")
    if not actor.is_staff:
        return _("Only staff decide appeals.")
    if appeal.user_id == actor.user.pk:
        return _("You cannot decide your own appeal.")
    if not appeal.is_pending:
        return _("That appeal has already been decided.")
    return None


def can_decide_appeal(actor: Actor, appeal: Appeal) -> bool:
    return decide_appeal_denial(actor, appeal) is None


def ensure_decide_appeal(actor: Actor, appeal: Appeal) -> None:
    _ensure(decide_appeal_denial(actor, appeal))


# Settings --------------------------------------------------------------------------------


def can_manage_moderation(actor: Actor) -> bool:
    return community_policy.can_manage_community(actor)


def ensure_manage_moderation(actor: Actor) -> None:
    community_policy.ensure_manage_community(actor)


# Watched words and posting limits --------------------------------------------------------
# Owners and admins change them; moderators read them (they review what the words hold and
# need to know the list), members never see the list.


def view_filters_denial(actor: Actor) -> str | None:
    if not actor.is_staff:
        return _("Only staff can see the watched words and posting limits.")
    return None


def can_view_filters(actor: Actor) -> bool:
    return view_filters_denial(actor) is None


def ensure_view_filters(actor: Actor) -> None:
    _ensure(view_filters_denial(actor))


def manage_filters_denial(actor: Actor) -> str | None:
    if not community_policy.can_manage_community(actor):
        return _("Only the owner and admins can change the watched words and posting limits.")
    return None


def can_manage_filters(actor: Actor) -> bool:
    return manage_filters_denial(actor) is None


def ensure_manage_filters(actor: Actor) -> None:
    _ensure(manage_filters_denial(actor))
