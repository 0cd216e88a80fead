"""``/api/v1/communities/{slug}/sanctions`` and ``…/members/{username}/sanctions``: the
staff's sanctions (the key needs the ``moderate`` scope).

The list is the sanctions page's (``selectors.current_sanctions``: those in force now),
each with whether the caller may lift it. Imposing and lifting go through the services the
staff pages call (``sanction_create``, ``sanction_lift``), whose policy decides: staff
sanction members below their role, never themselves; a ban is also a removal (see the
communities policy) and only owners and admins lift one."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from hearth.api.access import community_actor, staff_only
from hearth.api.auth import API_AUTH
from hearth.api.cursor import CursorQuery, page
from hearth.api.models import Scope
from hearth.api.schemas import READ_ERRORS, WRITE_ERRORS, Moment, Text, errors
from hearth.core.actor import Actor
from hearth.discussions.api import ID, Strict
from hearth.members.api import USERNAME, staff_membership
from hearth.moderation import policy, selectors, services
from hearth.moderation.models import Sanction, SanctionKind

router = Router(tags=["moderation"], auth=API_AUTH)

KindName = Literal[tuple(SanctionKind.values)]  # type: ignore[valid-type]
ORDERING = ("-starts_at", "-id")


class StaffSanctionOut(Schema):
    id: int
    username: str
    kind: str = Field(..., description="silence, suspend or ban")
    reason: str
    starts_at: datetime
    ends_at: datetime | None = Field(..., description="Empty for a ban until lifted.")
    created_by: str | None = Field(..., description="The username of who imposed it.")
    in_force: bool
    lifted_at: datetime | None
    can_lift: bool = Field(..., description="Whether the caller may lift it.")


class SanctionPage(Schema):
    items: list[StaffSanctionOut]
    next_cursor: str | None


class SanctionQuery(CursorQuery):
    kind: KindName | None = Field(None, description="Only sanctions of this kind.")


class SanctionIn(Strict):
    kind: KindName = Field(
        ...,
        description="silence: reads, cannot post; suspend: cannot take part; ban: removed.",
    )
    reason: Text = Field(
        ..., min_length=1, max_length=services.MAX_REASON_CHARS, description="The member sees it."
    )
    ends_at: Moment | None = Field(
        None,
        description="When it ends (with its offset, e.g. `2026-06-01T12:00:00Z`): required "
        "for a silence or suspension; a ban without one lasts until lifted.",
    )


class LiftIn(Strict):
    reason: Text = Field(
        ...,
        min_length=1,
        max_length=services.MAX_REASON_CHARS,
        description="Kept in the staff log; the member sees it.",
    )


def _out(actor: Actor, sanction: Sanction) -> StaffSanctionOut:
    return StaffSanctionOut(
        id=sanction.pk,
        username=sanction.user.username,
        kind=sanction.kind,
        reason=sanction.reason,
        starts_at=sanction.starts_at,
        ends_at=sanction.ends_at,
        created_by=sanction.created_by.username if sanction.created_by else None,
        in_force=sanction.is_current,
        lifted_at=sanction.lifted_at,
        can_lift=policy.can_lift_sanction(actor, sanction),
    )


def _fresh(actor: Actor, sanction_id: int) -> StaffSanctionOut:
    sanction = selectors.sanction_for(actor, sanction_id)
    return _out(actor, sanction)


@router.get("/{slug}/sanctions", response={200: SanctionPage, **errors(*READ_ERRORS)})
def sanction_list(request, slug: str, query: Query[SanctionQuery]):
    """Sanctions in force now, newest first (cursor-paginated), as on the sanctions page
    (staff; the key needs ``moderate``)."""
    community, actor = community_actor(request, slug, Scope.MODERATE)
    staff_only(actor)
    sanctions = selectors.current_sanctions(community)
    if query.kind is not None:
        sanctions = sanctions.filter(kind=query.kind)
    scope = f"sanctions:{community.pk}:{query.kind or ''}"
    result = page(sanctions, ORDERING, query, scope=scope)
    result["items"] = [_out(actor, sanction) for sanction in result["items"]]
    return result


@router.post(
    "/{slug}/members/{username}/sanctions",
    response={201: StaffSanctionOut, **errors(*WRITE_ERRORS)},
)
def sanction_create(request, slug: str, payload: SanctionIn, username: str = USERNAME):
    """Silence, suspend or ban a member, with the reason they are shown and an end (staff;
    the key needs ``moderate``). The policy refuses sanctioning yourself, staff of your
    rank or above, and a member already removed."""
    _community, actor = community_actor(request, slug, Scope.MODERATE)
    membership = staff_membership(actor, username)
    sanction = services.sanction_create(
        actor=actor,
        membership=membership,
        kind=payload.kind,
        reason=payload.reason,
        ends_at=payload.ends_at,
    )
    return Status(201, _fresh(actor, sanction.pk))


@router.post(
    "/{slug}/sanctions/{sanction_id}/lift",
    response={200: StaffSanctionOut, **errors(*WRITE_ERRORS)},
)
def sanction_lift(request, slug: str, payload: LiftIn, sanction_id: int = ID):
    """Lift a sanction in force now, with a reason (staff; the key needs ``moderate``; a
    ban: owners and admins). The member stands where they stood before it."""
    _community, actor = community_actor(request, slug, Scope.MODERATE)
    staff_only(actor)
    sanction = selectors.sanction_for(actor, sanction_id)
    services.sanction_lift(actor=actor, sanction=sanction, reason=payload.reason)
    return _fresh(actor, sanction.pk)
