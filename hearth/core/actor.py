"""The request principal: who is acting, in which community, with what standing.

Resolved once per request by ``CommunityActorMiddleware`` (one membership query) and passed
to every policy function, so no policy re-queries membership."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hearth.accounts.models import User
    from hearth.communities.models import Community, Membership


@dataclass(frozen=True)
class Actor:
    user: User | None
    community: Community | None = None
    membership: Membership | None = None

    @classmethod
    def for_user(cls, user: User | None, community: Community | None = None) -> Actor:
        from hearth.communities.models import Membership

        if user is None or not user.is_authenticated:
            return cls(user=None, community=community)
        membership = None
        if community is not None:
            membership = Membership.objects.filter(community=community, user=user).first()
        return cls(user=user, community=community, membership=membership)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_platform_staff(self) -> bool:
        return self.user is not None and self.user.is_active and self.user.is_staff

    @property
    def status(self) -> str | None:
        return self.membership.status if self.membership else None

    @property
    def is_member(self) -> bool:
        """An active member of the actor's community, in good standing (a suspended member
        keeps their membership but acts as a visitor until the suspension ends)."""
        return (
            self.membership is not None
            and self.membership.is_active
            and not self.membership.is_suspended
        )

    @property
    def is_suspended(self) -> bool:
        return self.membership is not None and self.membership.is_suspended

    @property
    def is_silenced(self) -> bool:
        """Silenced members read but do not post, react, message or flag."""
        return self.is_member and self.membership.is_silenced

    @property
    def role(self) -> str | None:
        return self.membership.role if self.is_member else None

    @property
    def rank(self) -> int:
        return self.membership.rank if self.is_member else 0

    @property
    def is_staff(self) -> bool:
        return self.membership is not None and self.membership.is_staff

    @property
    def is_admin(self) -> bool:
        from hearth.communities.models import Role

        return self.is_member and self.role in (Role.OWNER, Role.ADMIN)

    @property
    def is_owner(self) -> bool:
        from hearth.communities.models import Role

        return self.is_member and self.role == Role.OWNER

    @property
    def is_banned(self) -> bool:
        return self.membership is not None and self.membership.is_banned

    @property
    def needs_rules_acceptance(self) -> bool:
        return (
            self.is_member
            and self.community is not None
            and self.membership.rules_version_accepted < self.community.rules_version
        )
