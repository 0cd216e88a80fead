"""The personal invite email of a bulk invite, branded with the community (HTML + text)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from hearth.communities.models import Invite
from hearth.growth.models import BulkInvite, BulkInviteRow


def invite_url(invite: Invite, campaign: str = "") -> str:
    query = {"invite": invite.code, **({"utm_campaign": campaign} if campaign else {})}
    path = reverse("growth:welcome", args=[invite.community.slug])
    return f"{settings.SITE_URL}{path}?{urlencode(query)}"


def send_invite_email(batch: BulkInvite, row: BulkInviteRow, invite: Invite) -> None:
    community = batch.community
    inviter = batch.created_by
    context = {
        "community": community,
        "palette": community.palette,
        "name": row.name,
        "inviter": inviter.name if inviter else "",
        "message": batch.message,
        "url": invite_url(invite, batch.campaign),
        "expires_at": invite.expires_at,
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=_("You're invited to join %(name)s") % {"name": community.name},
        body=render_to_string("growth/email/invite.txt", context),
        to=[row.email],
    )
    message.attach_alternative(render_to_string("growth/email/invite.html", context), "text/html")
    message.send()
