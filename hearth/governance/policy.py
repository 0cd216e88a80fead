"""Every permission decision about governance: who may read the rules history and the
proposals, change the rules of voting, propose, vote and veto.

As in ``communities.policy``, each decision is a ``<verb>_denial`` returning the reason
or None, with its ``can_<verb>`` and ``ensure_<verb>`` shapes. Who may *see* anything
here is who sees inside the community (``communities.policy.sees_inside``): the rules
history and the proposals are as public as the community's content."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hearth.communities import policy as community_policy
from hearth.communities.selectors import can_cast_vote
from hearth.core.actor import Actor
from hearth.governance.models import GovernanceSettings, Proposal, ProposalStatus


def _ensure(reason: str | None) -> None:
    if reason is not None:
        raise PermissionDenied(reason)


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def can_view(actor: Actor) -> bool:
    """The rules history, the proposals and their results: what is inside the community
    (in a private one, not for banned or suspended members nor applicants)."""
    return actor.community is not None and community_policy.sees_inside(actor, actor.community)


def ensure_view(actor: Actor) -> None:
    """Absent and forbidden look alike: a private community's pages are a 404."""
    if not can_view(actor):
        raise Http404


def _same_community(actor: Actor, proposal: Proposal) -> bool:
    return actor.community is not None and proposal.community_id == actor.community.pk


# The rules of voting (owners and admins) -------------------------------------------------


def manage_settings_denial(actor: Actor) -> str | None:
    if not actor.is_admin:
        return _("Only the community's owners and admins can change the rules of voting.")
    return None


def can_manage_settings(actor: Actor) -> bool:
    return manage_settings_denial(actor) is None


def ensure_manage_settings(actor: Actor) -> None:
    _ensure(manage_settings_denial(actor))


# Proposing --------------------------------------------------------------------------------


def propose_denial(
    actor: Actor, settings: GovernanceSettings, *, has_open_proposal: bool = False
) -> str | None:
    """Members at or above the trust level the owner set (staff at any level) propose,
    when proposals are allowed; one open proposal per member at a time."""
    if not settings.proposals_enabled:
        return _("This community does not take rules proposals from members.")
    if (reason := community_policy.participate_denial(actor)) is not None:
        return reason
    if not actor.is_staff and actor.membership.trust_level < settings.propose_trust_level:
        return _(
            "Members can propose rule changes from trust level %(level)s; you are at level "
            "%(yours)s."
        ) % {"level": settings.propose_trust_level, "yours": actor.membership.trust_level}
    if has_open_proposal:
        return _("You already have a proposal being voted on; wait for its result.")
    return None


def can_propose(actor: Actor, settings: GovernanceSettings, **kwargs) -> bool:
    return propose_denial(actor, settings, **kwargs) is None


def ensure_propose(actor: Actor, settings: GovernanceSettings, **kwargs) -> None:
    _ensure(propose_denial(actor, settings, **kwargs))


# Voting -----------------------------------------------------------------------------------


def vote_denial(
    actor: Actor, proposal: Proposal, *, is_elector: bool, now: datetime | None = None
) -> str | None:
    """Members on the proposal's electorate (fixed when it opened) who may still cast a
    ballot (active, neither suspended nor banned), until the close: a late close task
    does not keep the vote open."""
    now = now or timezone.now()
    if not _same_community(actor, proposal):
        return _("That proposal belongs to another community.")
    if proposal.status != ProposalStatus.OPEN or now >= proposal.closes_at:
        return _("Voting on this proposal has closed.")
    if actor.user is None:
        return _("Sign in to vote.")
    if actor.is_banned:
        return _("You were removed from this community.")
    if actor.is_suspended:
        return _("Your membership is suspended: you cannot vote until it ends.")
    if not is_elector:
        return _(
            "Only members who could vote when this proposal opened (%(when)s) vote on it: "
            "trust level %(level)s and %(days)s days of membership by then."
        ) % {
            "when": _when(proposal.opened_at),
            "level": proposal.vote_trust_level,
            "days": proposal.vote_member_days,
        }
    if not can_cast_vote(actor.membership):
        return _("Only active members can vote.")
    return None


def can_vote(actor: Actor, proposal: Proposal, *, is_elector: bool, **kwargs) -> bool:
    return vote_denial(actor, proposal, is_elector=is_elector, **kwargs) is None


def ensure_vote(actor: Actor, proposal: Proposal, *, is_elector: bool, **kwargs) -> None:
    _ensure(vote_denial(actor, proposal, is_elector=is_elector, **kwargs))


# The owner's veto -------------------------------------------------------------------------


def veto_denial(actor: Actor, proposal: Proposal, now: datetime | None = None) -> str | None:
    now = now or timezone.now()
    if not _same_community(actor, proposal):
        return _("That proposal belongs to another community.")
    if not actor.is_owner:
        return _("Only the community's owner can veto a proposal.")
    if proposal.status != ProposalStatus.AWAITING_VETO:
        return _("Only a passed proposal in its veto window can be vetoed.")
    if proposal.veto_until is None or now >= proposal.veto_until:
        return _("The veto window of this proposal has ended.")
    return None


def can_veto(actor: Actor, proposal: Proposal, **kwargs) -> bool:
    return veto_denial(actor, proposal, **kwargs) is None


def ensure_veto(actor: Actor, proposal: Proposal, **kwargs) -> None:
    _ensure(veto_denial(actor, proposal, **kwargs))
