"""The weekly health email's benefits section: only for recipients allowed the business
figures, with the estimate labelled and its assumptions beside it."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from hearth.analytics.emails import send_weekly_email
from hearth.communities.models import Membership


def _by_recipient():
    return {m.to[0]: m for m in mail.outbox}


def test_the_section_goes_only_to_those_with_the_business_figures(
    community, owner, moderator, ask, view, newcomer, member
):
    now = timezone.now()
    question = ask(newcomer, member, now - timedelta(days=2))
    view(question, (now - timedelta(days=1)).date(), None, n=20)
    send_weekly_email(community, as_of=now)
    emails = _by_recipient()
    owners = emails[owner.email]
    assert "Benefits: support deflection" in owners.body
    assert "1 question solved, 1 by members" in owners.body
    assert "20 views of solved answers by people other than the asker" in owners.body
    # 20 × 5% = 1 ticket × $15.
    assert "Estimate: about 1 support ticket avoided, about $15 saved." in owners.body
    assert "Assumes 5% of the 20 answer views" in owners.body
    assert f"/c/{community.slug}/health/benefits/?start=" in owners.body
    html = owners.alternatives[0][0]
    assert "Benefits: support deflection" in html and "Estimate" in html
    mods = emails[moderator.email]
    assert "Benefits" not in mods.body and "Benefits" not in mods.alternatives[0][0]


def test_a_moderator_given_the_permission_gets_the_section(community, owner, moderator):
    Membership.objects.filter(user=moderator).update(analytics_access=True)
    send_weekly_email(community)
    assert "Benefits: support deflection" in _by_recipient()[moderator.email].body


def test_the_section_carries_the_customer_figures_to_those_allowed(community, owner, moderator):
    from datetime import date

    from hearth.customers import services as customer_services
    from hearth.customers.tests.conftest import HEADER, csv_bytes, joined_member
    from hearth.testing.factories import actor_for

    joined_member(community, "cara", "2024-01-10")
    rows = [
        ["cara@example.com", "2023-01-01", "pro", "1200", ""],
        ["dan@example.com", "2023-01-01", "pro", "300", "2023-09-01"],
    ]
    actor = actor_for(owner, community)
    staged = customer_services.upload_stage(
        actor=actor, file_name="list.csv", data=csv_bytes([HEADER, *rows])
    )
    customer_services.customers_import_staged(
        actor=actor, staged=staged,
        mapping={"email": "0", "customer_since": "1", "plan": "2", "revenue": "3",
                 "churned_at": "4"},
        as_of=date(2025, 6, 30),
    )  # fmt: skip
    send_weekly_email(community)
    emails = _by_recipient()
    assert "Customers who are members: 1 of 2" in emails[owner.email].body
    assert "Customers who are members: 1 of 2" in emails[owner.email].alternatives[0][0]
    assert "Customers who are members" not in emails[moderator.email].body
