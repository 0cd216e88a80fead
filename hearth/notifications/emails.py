"""Email: the outbox, one-click unsubscribe, and failing addresses.

**Outbox.** A notification on the email channel gets an :class:`OutboxEmail` row in the
transaction that made it; :func:`send_outbox` sends it after HEARTH_NOTIFICATION_EMAIL_DELAY_SECONDS
unless the member read it meanwhile (or may no longer see it), and marks ``sent_at`` once
the mail server accepted it. A worker killed between the server's answer and that commit
sends the email again when the row is retried: delivery is at least once, never lost.

**Unsubscribe.** Every email carries RFC 8058 headers: ``List-Unsubscribe`` with a link
holding a token signed by :class:`~django.core.signing.TimestampSigner` (recipient,
community and what to stop), valid HEARTH_UNSUBSCRIBE_MAX_AGE_DAYS, and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``, so a mail client can unsubscribe with
one POST and no login.

**Failing addresses.** Each refused delivery counts against the address; after
HEARTH_EMAIL_FAILURE_LIMIT in a row nothing more is sent there, and the member is told at
their next sign-in. A success resets the count.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.discussions.models import TopicRead
from hearth.notifications import display, policy, selectors
from hearth.notifications.models import Channel, EmailAddressHealth, Kind, OutboxEmail, OutboxKind

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "hearth.notifications.unsubscribe"
DIGEST = "digest"
HEALTH = "health"
UNSUBSCRIBE_TOPICS = frozenset({*Kind.values, DIGEST, HEALTH})


def one_line(text: str, limit: int = 180) -> str:
    """A header-safe subject: newlines and runs of spaces become one space."""
    return " ".join(str(text).split())[:limit]


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# Unsubscribe -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    community_id: int
    topic: str


def unsubscribe_token(user_id: int, community_id: int, topic: str) -> str:
    if topic not in UNSUBSCRIBE_TOPICS:
        raise ValueError(topic)
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign_object(
        {"u": user_id, "c": community_id, "t": topic}
    )


def read_unsubscribe_token(token: str) -> Unsubscribe | None:
    """The request the token names, or None when it is tampered with, malformed or older
    than HEARTH_UNSUBSCRIBE_MAX_AGE_DAYS."""
    try:
        data = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).unsign_object(
            token, max_age=settings.HEARTH_UNSUBSCRIBE_MAX_AGE_DAYS * 86400
        )
        result = Unsubscribe(int(data["u"]), int(data["c"]), str(data["t"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return result if result.topic in UNSUBSCRIBE_TOPICS else None


def unsubscribe_headers(user, community, topic: str) -> tuple[str, dict[str, str]]:
    """The unsubscribe URL and the RFC 8058 headers that carry it."""
    url = absolute(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(user.pk, community.pk, topic)])
    )
    return url, {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def branded_message(
    *, user, community, topic: str, subject: str, template: str, context: dict
) -> EmailMultiAlternatives:
    """An email in the community's colours and name, with the unsubscribe headers and a
    link to the member's preferences in both the text and HTML parts."""
    unsubscribe_url, headers = unsubscribe_headers(user, community, topic)
    logo = absolute(community.logo.url) if community.logo else ""
    context = {
        **context,
        "community": community,
        "accent": community.palette["accent"],
        "logo_url": logo if logo.startswith(("http://", "https://")) else "",
        "home_url": absolute(reverse("communities:home", args=[community.slug])),
        "preferences_url": absolute(reverse("notifications:preferences", args=[community.slug])),
        "unsubscribe_url": unsubscribe_url,
        "recipient": user,
    }
    message = EmailMultiAlternatives(
        subject=one_line(subject),
        body=render_to_string(f"{template}.txt", context),
        to=[user.email],
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


# Failing addresses ---------------------------------------------------------------------------


def address_suppressed(address: str) -> bool:
    return EmailAddressHealth.objects.filter(
        address=address.lower(), suppressed_at__isnull=False
    ).exists()


def _record_failure(address: str, error: Exception) -> None:
    health, _created = EmailAddressHealth.objects.get_or_create(address=address.lower())
    health.failures += 1
    health.last_error = str(error)[:500]
    if health.failures >= settings.HEARTH_EMAIL_FAILURE_LIMIT and health.suppressed_at is None:
        health.suppressed_at = timezone.now()
        health.member_told_at = None
    health.save()


def _record_success(address: str) -> None:
    EmailAddressHealth.objects.filter(address=address.lower(), failures__gt=0).update(
        failures=0, last_error=""
    )


def send(message: EmailMultiAlternatives) -> bool:
    """Send one email and keep count of the address's failures; False when it failed (a
    refused or unreachable server, or an address no server would take)."""
    from hearth.core.metrics import EMAILS_FAILED, EMAILS_SENT  # see its docstring

    address = message.to[0]
    try:
        message.send()
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        # ValueError: Django refuses an address with a newline (header injection).
        logger.warning("Email to %r failed: %s", address, exc)
        EMAILS_FAILED.inc()
        _record_failure(address, exc)
        return False
    EMAILS_SENT.inc()
    _record_success(address)
    return True


def warn_about_failing_address(sender, request, user, **kwargs) -> None:
    """Signal receiver (allauth's user_logged_in): tell the member once that email to
    their address stopped."""
    if not user.email:
        return
    told = EmailAddressHealth.objects.filter(
        address=user.email.lower(), suppressed_at__isnull=False, member_told_at__isnull=True
    ).update(member_told_at=timezone.now())
    if told:
        messages.warning(
            request,
            _(
                "Emails to %(address)s kept failing, so we stopped sending them. "
                "Check the address in your account settings."
            )
            % {"address": user.email},
        )


# The outbox ----------------------------------------------------------------------------------


def _drop_reason(row: OutboxEmail) -> str:
    user = row.recipient
    if not user.email or not user.is_active:
        return "no address"
    if address_suppressed(user.email):
        return "address failing"
    notification = row.notification
    if notification is None:
        return ""
    if notification.read_at is not None:
        return "read"
    if not policy.visible_notifications(user, row.community).filter(pk=notification.pk).exists():
        return "not visible"
    if selectors.channels_for(row.community, [user.pk])(user.pk, notification.kind) != (
        Channel.EMAIL
    ):
        return "preference changed"
    post = notification.post
    if (
        post is not None
        and TopicRead.objects.filter(
            user=user, topic_id=post.topic_id, last_read_number__gte=post.number
        ).exists()
    ):
        return "seen"
    return ""


def notification_message(row: OutboxEmail) -> EmailMultiAlternatives:
    notification = row.notification
    sentence = display.sentence(notification)
    return branded_message(
        user=row.recipient,
        community=row.community,
        topic=notification.kind,
        subject=f"[{row.community.name}] {sentence}",
        template="notifications/email/notification",
        context={
            "notification": notification,
            "sentence": sentence,
            "excerpt": (notification.post.body[:500] if notification.post_id else ""),
            "open_url": absolute(reverse("notifications:open", args=[notification.pk])),
        },
    )


def send_outbox(outbox_id: int) -> bool:
    """Send one outbox email unless it is done or no longer wanted; True when sent."""
    from hearth.notifications import digests

    with transaction.atomic():
        row = (
            OutboxEmail.objects.select_for_update(of=("self",))
            .select_related("recipient", "community", "notification__post", "notification__topic")
            .filter(pk=outbox_id)
            .first()
        )
        if row is None or row.is_done:
            return False
        reason = _drop_reason(row)
        message = None
        if not reason:
            if row.kind == OutboxKind.DIGEST:
                message = digests.digest_message(row)
                reason = "" if message is not None else "nothing new"
            else:
                message = notification_message(row)
        if reason:
            row.dropped_at, row.drop_reason = timezone.now(), reason
            row.save(update_fields=["dropped_at", "drop_reason"])
            return False
        row.attempts += 1
        sent = send(message)
        if sent:
            row.sent_at = timezone.now()
            if row.kind == OutboxKind.DIGEST:
                digests.mark_sent(row)
        elif row.attempts >= settings.HEARTH_EMAIL_FAILURE_LIMIT:
            row.dropped_at, row.drop_reason = timezone.now(), "failed"
        row.save(update_fields=["attempts", "sent_at", "dropped_at", "drop_reason"])
        return sent
