"""Writes of the way in: attributing a sign-up to the campaign it came from, and bulk
email invites (the upload here; the sending on the worker, :mod:`hearth.growth.tasks`)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from hearth.communities.models import Community, Invite, MembershipStatus
from hearth.core.actor import Actor
from hearth.growth import attribution, policy
from hearth.growth.invite_csv import read_invite_csv
from hearth.growth.models import Arrival, BulkInvite, BulkInviteRow, BulkInviteStatus, RowResult

PERSONAL_INVITE_DAYS = 30
SEND_CHUNK = 100


def arrival_record_signup(sender, request, user, **kwargs) -> Arrival | None:
    """``user_signed_up`` receiver: attribute the new account to the community and campaign
    the visitor last landed from, if any (a sign-up from nowhere in particular has none)."""
    session = getattr(request, "session", None)
    slug = attribution.last_landed(session) if session is not None else None
    community = Community.objects.filter(slug=slug).first() if slug else None
    if community is None:
        return None
    came_from = attribution.remembered(session, slug)
    invite = (
        Invite.objects.filter(community=community, code=came_from.invite).first()
        if came_from.invite
        else None
    )
    arrival, _ = Arrival.objects.get_or_create(
        user=user,
        defaults={
            "community": community,
            "source": came_from.source or (invite.source if invite else ""),
            "campaign": came_from.campaign,
            "invite": invite,
        },
    )
    return arrival


def _member_emails(community: Community, emails: set[str]) -> set[str]:
    """Which of ``emails`` (lowercase) belong to people already in the community (members,
    pending requests and bans alike: none of them should get an invite)."""
    users = get_user_model().objects.annotate(lower_email=Lower("email"))
    found: set[str] = set()
    chunk = sorted(emails)
    for i in range(0, len(chunk), 500):
        found.update(
            users.filter(
                lower_email__in=chunk[i : i + 500],
                memberships__community=community,
            )
            .exclude(memberships__status__in=[MembershipStatus.LEFT, MembershipStatus.DECLINED])
            .values_list("lower_email", flat=True)
        )
    return found


@transaction.atomic
def bulk_invite_create(
    *,
    actor: Actor,
    data: bytes,
    file_name: str = "",
    campaign: str = "",
    message: str = "",
) -> BulkInvite:
    """Read the uploaded CSV (ValidationError when the file cannot be used), keep one row
    per line with what will happen to it, and queue the sending after commit."""
    policy.ensure_manage_growth(actor)
    rows = read_invite_csv(data)
    community = actor.community
    members = _member_emails(community, {r.email.lower() for r in rows if r.valid})
    batch = BulkInvite.objects.create(
        community=community,
        created_by=actor.user,
        file_name=file_name[:200],
        campaign=attribution.clean_source(campaign),
        message=message.strip()[:2000],
        total=len(rows),
    )
    seen: set[str] = set()
    objects = []
    for row in rows:
        key = row.email.lower()
        if not row.valid:
            result = RowResult.INVALID
        elif key in seen:
            result = RowResult.DUPLICATE
        elif key in members:
            result = RowResult.MEMBER
        else:
            result = RowResult.PENDING
        seen.add(key)
        objects.append(
            BulkInviteRow(
                community=community,
                batch=batch,
                line=row.line,
                email=row.email,
                name=row.name,
                result=result,
            )
        )
    BulkInviteRow.objects.bulk_create(objects, batch_size=500)
    batch.processed = sum(1 for o in objects if o.result != RowResult.PENDING)
    batch.save(update_fields=["processed"])

    from hearth.growth.tasks import send_bulk_invite

    transaction.on_commit(lambda: send_bulk_invite.enqueue(batch.pk))
    return batch


def bulk_invite_send(batch: BulkInvite, *, send) -> int:
    """Send every waiting row of ``batch`` a personal single-use invite, in chunks, each
    row committed with its invite so a worker restarted midway sends nobody twice.
    ``send(row, invite)`` delivers one email and raises on failure. Returns rows sent."""
    BulkInvite.objects.filter(pk=batch.pk, status=BulkInviteStatus.QUEUED).update(
        status=BulkInviteStatus.SENDING
    )
    sent = 0
    while True:
        chunk = list(
            BulkInviteRow.objects.filter(batch=batch, result=RowResult.PENDING).order_by("line")[
                :SEND_CHUNK
            ]
        )
        if not chunk:
            break
        for row in chunk:
            with transaction.atomic():
                claimed = BulkInviteRow.objects.select_for_update().filter(
                    pk=row.pk, result=RowResult.PENDING
                )
                if not claimed.exists():
                    continue  # another worker took it
                invite = Invite.objects.create(
                    community_id=batch.community_id,
                    created_by_id=batch.created_by_id,
                    source=batch.source,
                    max_uses=1,
                    expires_at=timezone.now() + timedelta(days=PERSONAL_INVITE_DAYS),
                )
                try:
                    send(row, invite)
                except Exception:  # noqa: BLE001 - SMTP and friends raise anything
                    row.result, row.invite = RowResult.FAILED, None
                    invite.delete()
                else:
                    row.result, row.invite = RowResult.SENT, invite
                    sent += 1
                row.save(update_fields=["result", "invite"])
                BulkInvite.objects.filter(pk=batch.pk).update(processed=F("processed") + 1)
    BulkInvite.objects.filter(pk=batch.pk).update(
        status=BulkInviteStatus.DONE, finished_at=timezone.now()
    )
    return sent
