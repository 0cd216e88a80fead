"""Who may take their data and leave.

Any signed-in member may ask for their data. Deleting the account is refused only to the
sole owner of a community: the community would be left with no one able to run it, so
they transfer ownership (or make another owner) first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils.translation import gettext as _

from hearth.communities.models import Community, Membership, MembershipStatus, Role

if TYPE_CHECKING:
    from hearth.accounts.models import User


def communities_solely_owned(user: User) -> list[Community]:
    """The communities where ``user`` is the only active owner."""
    owners = Membership.objects.filter(role=Role.OWNER, status=MembershipStatus.ACTIVE)
    owned = owners.filter(user=user).values("community_id")
    sole = (
        owners.filter(community_id__in=owned)
        .values("community_id")
        .annotate(n=Count("id"))
        .filter(n=1)
        .values("community_id")
    )
    return list(Community.objects.filter(pk__in=sole).order_by("name"))


def delete_account_denial(user: User) -> str | None:
    if user.is_anonymous:
        return _("Sign in to delete your account.")
    if user.is_deleted:
        return _("This account is already deleted.")
    sole = communities_solely_owned(user)
    if sole:
        names = ", ".join(c.name for c in sole)
        return _(
            "You are the only owner of %(names)s. Make another member an owner there "
            "(Manage → Members → Role) before you delete your account."
        ) % {"names": names}
    return None


def can_delete_account(user: User) -> bool:
    return delete_account_denial(user) is None


def ensure_delete_account(user: User) -> None:
    if (reason := delete_account_denial(user)) is not None:
        raise PermissionDenied(reason)


def can_request_export(user: User) -> bool:
    return user.is_authenticated and not user.is_deleted


def can_manage_privacy_settings(actor) -> bool:
    from hearth.communities import policy as community_policy

    return community_policy.can_manage_community(actor)


def ensure_manage_privacy_settings(actor) -> None:
    from hearth.communities import policy as community_policy

    community_policy.ensure_manage_community(actor)
