"""Who a Discourse-style request acts as.

A Discourse client sends ``Api-Key`` and ``Api-Username``. Here the key is a Hearth API key
(:mod:`hearth.api`) and always belongs to one community; it acts as its creator (or, for a
member's key, as that member) through ``hearth.api.policy.key_actor``. ``Api-Username``
may name someone else only under these rules:

* the key must be a community key (a member key acts only as its member), and its actor
  (its creator) still staff of the key's community;
* the named user must be an active member of that same community, and their account active;
* they must not outrank the key's creator (an admin's key cannot act as the owner);
* they must not be platform staff (whose standing reaches past the community).

The request then acts as that member: their own ``Actor`` decides every permission, exactly
as if they had signed in. A name that is blank, the key's own user, or ``system`` (the
name Discourse bots use for the site's robot account, when no member here has it) means the
key's own actor. Whoever it acts as, the key's scopes still narrow what the request may do
(``read`` for the GET endpoints, ``write`` to post: ``hearth.api.policy.scope_denial``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hearth.communities.models import Membership
from hearth.core.actor import Actor

# What Discourse calls its robot account: bots written for Discourse send it by default.
SYSTEM_USERNAME = "system"


def act_as_denial(
    key_actor: Actor, membership: Membership | None, *, community_key: bool = True
) -> str | None:
    """Why the key's actor may not act as the member (None: it may). ``membership`` is the
    named user's membership in the key's community (``user`` loaded), or None;
    ``community_key`` whether the key is a community key (not a member's own key)."""
    if membership is None or not membership.is_active or not membership.user.is_active:
        return _("That user is not a member of this community.")
    if key_actor.user is not None and membership.user_id == key_actor.user.pk:
        return None
    if not community_key or not key_actor.is_staff:
        return _("This key can only act as its own user.")
    if membership.rank > key_actor.membership.rank:
        return _("This key cannot act as someone who outranks its creator.")
    if membership.user.is_staff or membership.user.is_superuser:
        return _("This key cannot act as a platform administrator.")
    return None


def can_act_as(
    key_actor: Actor, membership: Membership | None, *, community_key: bool = True
) -> bool:
    return act_as_denial(key_actor, membership, community_key=community_key) is None
