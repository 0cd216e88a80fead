"""Digests and the scheduler: once per slot, nothing when nothing is new, only what the
member may read."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from hearth.discussions import services as discussions
from hearth.discussions.models import Category, ReadAccess
from hearth.notifications import emails, scheduler
from hearth.notifications.models import OutboxEmail, PeriodicRun
from hearth.testing.factories import actor_for


def _send_all():
    for row in OutboxEmail.objects.filter(kind="digest", sent_at__isnull=True):
        emails.send_outbox(row.pk)


def test_a_slot_runs_once_however_often_it_is_called(community, member):
    now = timezone.now()
    first = scheduler.run_due(now)
    assert scheduler.run_due(now) == []
    assert {"digest:daily", "digest:weekly"} <= {ran.split()[0] for ran in first}
    assert PeriodicRun.objects.filter(job__startswith="digest:").count() == 2


def test_no_digest_when_nothing_is_new(community, member):
    from hearth.communities.models import Membership

    Membership.objects.update(joined_at=timezone.now() - timedelta(days=30))
    scheduler.run_due(timezone.now())
    _send_all()
    # Only the owner's weekly health email, no digest.
    assert [m.to for m in mail.outbox if "this week" not in m.subject] == []


def test_digest_names_only_what_the_member_may_read(community, member, admin, general):
    secret = Category.objects.create(
        community=community, name="Staff", slug="staff", read_access=ReadAccess.STAFF
    )
    for category, title in ((general, "Seed swap"), (secret, "Budget secrets")):
        topic = discussions.topic_create(
            actor=actor_for(admin, community), category=category, title=title, body="Body"
        )
        discussions.post_reply(actor=actor_for(admin, community), topic=topic, body="More")
    scheduler.run_due(timezone.now())
    _send_all()
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Seed swap" in bodies["mel@example.com"]
    assert "Budget secrets" not in bodies["mel@example.com"]
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers
    # The next week's slot has nothing newer than this digest.
    mail.outbox.clear()
    scheduler.run_due(timezone.now() + timedelta(days=7, hours=1))
    _send_all()
    assert "mel@example.com" not in {m.to[0] for m in mail.outbox}
