"""``/api/v1/communities/{slug}/invites`` and ``…/campaigns``: the staff's invite links and
campaigns (the key needs the ``admin`` scope: these are community settings, the owners'
and admins').

What the staff pages offer, through the same policy and services: the invites page's list,
new invites (``communities.services.invite_create``) and revoking
(``invite_revoke``), the campaigns page's funnel per campaign and its campaign links
(``attribution.campaign_path``; nothing is stored, so a GET)."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from hearth.analytics.funnel import FunnelRow
from hearth.api.access import community_actor, staff_only
from hearth.api.auth import API_AUTH
from hearth.api.cursor import CursorQuery, page
from hearth.api.models import Scope
from hearth.api.schemas import READ_ERRORS, WRITE_ERRORS, Text, errors
from hearth.audience.recording import MAX_SOURCE_CHARS
from hearth.communities import selectors as community_selectors
from hearth.communities import services as community_services
from hearth.communities.models import Invite
from hearth.discussions.api import ID, Strict
from hearth.growth import attribution, policy, selectors

router = Router(tags=["invites and campaigns"], auth=API_AUTH)

ORDERING = ("-created_at", "-id")


class InviteOut(Schema):
    id: int
    code: str
    url: str = Field(..., description="The link to share: the landing page with the code.")
    source: str
    max_uses: int | None
    use_count: int
    expires_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime
    created_by: str | None = Field(..., description="The username of who made it.")
    usable: bool = Field(..., description="Not revoked, expired or used up.")


class InvitePage(Schema):
    items: list[InviteOut]
    next_cursor: str | None


class InviteIn(Strict):
    source: Text = Field(
        "", max_length=MAX_SOURCE_CHARS, description="Where you share it: newsletter, instagram…"
    )
    max_uses: int | None = Field(None, ge=1, le=100_000, description="Empty: no limit.")
    expires_in_days: int | None = Field(None, ge=1, le=365, description="Empty: never.")


class StageOut(Schema):
    name: str = Field(..., description="visited, signed_up, joined, first_post, …")
    count: int | None = Field(..., description="Empty when not measured.")


class CampaignOut(Schema):
    source: str = Field(..., description="`direct` for no source; `total` for the total row.")
    campaign: str | None
    stages: list[StageOut]


class CampaignReportOut(Schema):
    start: date
    end: date
    rows: list[CampaignOut]
    total: CampaignOut


class CampaignQuery(Schema):
    days: int = Field(
        selectors.FUNNEL_DAYS, ge=1, le=366, description="The last this many UTC days."
    )


class CampaignLinkQuery(Schema):
    source: str = Field(..., min_length=1, max_length=MAX_SOURCE_CHARS)
    campaign: str = Field("", max_length=MAX_SOURCE_CHARS)


class CampaignLinkOut(Schema):
    url: str
    source: str
    campaign: str


def _manager(request, slug: str):
    community, actor = community_actor(request, slug, Scope.ADMIN)
    staff_only(actor)
    policy.ensure_manage_growth(actor)
    return community, actor


def _invite_out(request, community, invite: Invite) -> InviteOut:
    path = reverse("growth:welcome", args=[community.slug])
    return InviteOut(
        id=invite.pk,
        code=invite.code,
        url=request.build_absolute_uri(f"{path}?invite={invite.code}"),
        source=invite.source,
        max_uses=invite.max_uses,
        use_count=invite.use_count,
        expires_at=invite.expires_at,
        revoked_at=invite.revoked_at,
        created_at=invite.created_at,
        created_by=invite.created_by.username if invite.created_by else None,
        usable=invite.is_usable,
    )


@router.get("/{slug}/invites", response={200: InvitePage, **errors(*READ_ERRORS)})
def invite_list(request, slug: str, query: Query[CursorQuery]):
    """Every invite link of the community, newest first (cursor-paginated), revoked and
    used-up ones included, as on the invites page (owners and admins; ``admin`` scope)."""
    community, _actor = _manager(request, slug)
    result = page(
        community_selectors.invites(community), ORDERING, query, scope=f"invites:{community.pk}"
    )
    result["items"] = [_invite_out(request, community, i) for i in result["items"]]
    return result


@router.post("/{slug}/invites", response={201: InviteOut, **errors(*WRITE_ERRORS)})
def invite_create(request, slug: str, payload: InviteIn):
    """Make an invite link: it admits people directly, even to a private or invite-only
    community, and records where they came from (owners and admins; ``admin`` scope)."""
    community, actor = _manager(request, slug)
    invite = community_services.invite_create(
        actor=actor,
        source=payload.source,
        max_uses=payload.max_uses,
        expires_in_days=payload.expires_in_days,
    )
    invite = community_selectors.invites(community).get(pk=invite.pk)
    return Status(201, _invite_out(request, community, invite))


@router.post(
    "/{slug}/invites/{invite_id}/revoke", response={200: InviteOut, **errors(*WRITE_ERRORS)}
)
def invite_revoke(request, slug: str, invite_id: int = ID):
    """Revoke an invite link: it admits no one any more (revoking twice changes nothing).
    Owners and admins, and staff their own invites, as on the invites page; ``admin``
    scope."""
    community, actor = community_actor(request, slug, Scope.ADMIN)
    staff_only(actor)
    invite = community_selectors.invite_for(actor, invite_id)
    invite = community_services.invite_revoke(actor=actor, invite=invite)
    invite = community_selectors.invites(community).get(pk=invite.pk)
    return _invite_out(request, community, invite)


def _row(row: FunnelRow) -> CampaignOut:
    return CampaignOut(
        source=row.source,
        campaign=row.campaign,
        stages=[StageOut(name=stage.name, count=stage.count) for stage in row.stages],
    )


@router.get("/{slug}/campaigns", response={200: CampaignReportOut, **errors(*READ_ERRORS)})
def campaign_list(request, slug: str, query: Query[CampaignQuery]):
    """The funnel of each campaign (source and campaign) over the last ``days`` (90 by
    default), as on the campaigns page: visited, signed up, joined, first post,
    reciprocated, back in week 2, regular (owners and admins; ``admin`` scope)."""
    community, _actor = _manager(request, slug)
    window, report = selectors.campaign_report(community, query.days)
    return CampaignReportOut(
        start=window.start,
        end=window.end,
        rows=[_row(row) for row in report.rows],
        total=_row(report.total),
    )


@router.get("/{slug}/campaigns/link", response={200: CampaignLinkOut, **errors(*READ_ERRORS)})
def campaign_link(request, slug: str, query: Query[CampaignLinkQuery]):
    """A campaign link to share: the community's landing page with the ``source`` (and
    ``campaign``); each step visitors take from it is counted for the campaign. Nothing
    is stored (owners and admins; ``admin`` scope)."""
    community, _actor = _manager(request, slug)
    source = attribution.clean_source(query.source)
    campaign = attribution.clean_source(query.campaign)
    if not source:
        raise ValidationError({"source": [_("Name where you share the link.")]})
    path = attribution.campaign_path(community.slug, source, campaign)
    return CampaignLinkOut(url=request.build_absolute_uri(path), source=source, campaign=campaign)
