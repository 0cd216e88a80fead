"""Email through a real local SMTP server: the round trip, unsubscribe, failing addresses,
bad addresses and subjects, and a worker dying mid-send."""

from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from hearth.discussions import services as discussions
from hearth.notifications import emails, fanout, scheduler
from hearth.notifications.models import (
    EmailAddressHealth,
    Kind,
    OutboxEmail,
    Preference,
)
from hearth.testing.factories import actor_for


def _reply(community, author, topic, body="Hi there"):
    post = discussions.post_reply(actor=actor_for(author, community), topic=topic, body=body)
    fanout.process(community)
    return post


def _row(user):
    return OutboxEmail.objects.get(recipient=user)


def test_smtp_round_trip_with_unsubscribe_headers(smtp, community, member, admin, topic):
    _reply(community, admin, topic)
    assert emails.send_outbox(_row(member).pk)
    (message,) = smtp.messages
    assert message["To"] == "mel@example.com"
    assert "Garden Club" in message["Subject"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip("<>")
    assert "/notifications/unsubscribe/" in url
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "/notifications/preferences" in text and "#2f6f4e" in html
    assert _row(member).sent_at is not None
    # Sent already: a second run (a retried task) sends nothing.
    assert not emails.send_outbox(_row(member).pk)
    assert len(smtp.messages) == 1


def test_read_meanwhile_drops_the_email(smtp, community, member, admin, topic):
    _reply(community, admin, topic)
    row = _row(member)
    row.notification.read_at = timezone.now()
    row.notification.save()
    assert not emails.send_outbox(row.pk)
    assert smtp.messages == []
    assert _row(member).drop_reason == "read"


def test_no_email_about_what_the_recipient_can_no_longer_read(
    smtp, community, member, admin, topic
):
    post = _reply(community, admin, topic)
    post.deleted_at = timezone.now()
    post.save()
    assert not emails.send_outbox(_row(member).pk)
    assert smtp.messages == []


def test_one_click_unsubscribe_needs_no_login(client, community, member):
    token = emails.unsubscribe_token(member.pk, community.pk, Kind.REPLY)
    url = reverse("notifications:unsubscribe", args=[token])
    assert "Unsubscribe" in client.get(url).content.decode()
    assert not Preference.objects.exists()
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Preference.objects.get(user=member, kind=Kind.REPLY).channel == "app"


@pytest.mark.parametrize("mangle", ["tamper", "expire", "garbage"])
def test_bad_unsubscribe_token_changes_nothing(client, settings, community, member, mangle):
    token = emails.unsubscribe_token(member.pk, community.pk, Kind.REPLY)
    if mangle == "tamper":
        payload = signing.TimestampSigner(salt=emails.UNSUBSCRIBE_SALT).sign_object(
            {"u": member.pk, "c": community.pk, "t": Kind.REPLY}
        )
        token = payload[:-2] + ("aa" if not payload.endswith("aa") else "bb")
    elif mangle == "expire":
        settings.HEARTH_UNSUBSCRIBE_MAX_AGE_DAYS = -1
    else:
        token = "not-a-token"
    response = client.post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not Preference.objects.exists()


def test_header_injection_in_title_does_not_fail(smtp, community, member, admin, general):
    topic = discussions.topic_create(
        actor=actor_for(member, community), category=general, title="Hi", body="Body"
    )
    type(topic).objects.filter(pk=topic.pk).update(title="Hi\nBcc: evil@example.com")
    _reply(community, admin, topic)
    assert emails.send_outbox(_row(member).pk)
    (message,) = smtp.messages
    assert "\n" not in message["Subject"]
    assert message["Bcc"] is None


def test_unicode_address_is_delivered(smtp, community, member, admin, topic):
    member.email = "mél@exämple.org"
    member.save()
    _reply(community, admin, topic)
    assert emails.send_outbox(_row(member).pk)
    assert len(smtp.envelopes) == 1


def test_newline_in_address_is_a_failure_not_a_crash(smtp, community, member, admin, topic):
    member.email = "mel@example.com\nBcc: evil@example.com"
    member.save()
    _reply(community, admin, topic)
    assert not emails.send_outbox(_row(member).pk)
    assert smtp.envelopes == []


def test_repeated_failures_stop_sending_and_tell_the_member(
    client, settings, community, member, admin, topic
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens
    settings.EMAIL_USE_TLS = False
    _reply(community, admin, topic)
    for _attempt in range(settings.HEARTH_EMAIL_FAILURE_LIMIT):
        emails.send_outbox(_row(member).pk)
    assert EmailAddressHealth.objects.get(address="mel@example.com").suppressed_at is not None
    assert _row(member).dropped_at is not None
    response = client.post(
        reverse("account_login"), {"login": "mel", "password": "correct-horse-battery"},
        follow=True,
    )  # fmt: skip
    assert "kept failing" in response.content.decode()


def test_worker_killed_after_making_rows_sends_nothing_twice(smtp, community, member, admin, topic):
    """The first run dies inside the send (after the rows exist); the retry sends once, a
    further retry sends nothing."""
    _reply(community, admin, topic)
    row = _row(member)
    with (
        mock.patch.object(emails, "send", side_effect=SystemExit("kill -9")),
        pytest.raises(SystemExit),
    ):
        emails.send_outbox(row.pk)
    assert _row(member).sent_at is None and smtp.messages == []
    fanout.process(community)  # the cursor run again makes no second row
    assert OutboxEmail.objects.filter(recipient=member).count() == 1
    scheduler.resend_stale_outbox(timezone.now() + scheduler.STALE_OUTBOX * 2, "")
    scheduler.resend_stale_outbox(timezone.now() + scheduler.STALE_OUTBOX * 2, "")
    assert len(smtp.messages) == 1


def test_weekly_health_email_has_the_same_unsubscribe(client, community, owner):
    from hearth.analytics.emails import weekly_emails

    (message,) = weekly_emails(community)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = (
        message.extra_headers["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:8000")
    )
    client.post(url)
    assert weekly_emails(community) == []
