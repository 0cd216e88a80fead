"""The weekly health email: staff only, the week's figures, and who needs attention."""

from django.core import mail
from django.core.management import call_command

from hearth.analytics.emails import send_weekly_email
from hearth.analytics.tests.test_metrics import END, town  # noqa: F401
from hearth.communities.models import Membership


def test_staff_get_the_weeks_figures_and_who_needs_attention(town):  # noqa: F811
    community, ids = town
    assert send_weekly_email(community, as_of=END) == 2  # olivia and mona
    staff_emails = set(
        Membership.objects.filter(
            community=community, user_id__in=[ids["olivia"], ids["mona"]]
        ).values_list("user__email", flat=True)
    )
    # One copy each: what it names depends on what its reader may open.
    assert sorted(tuple(m.to) for m in mail.outbox) == sorted((e,) for e in staff_emails)
    message = mail.outbox[0]
    assert "Town" in message.subject or community.name in message.subject
    body = message.body
    # eve's first post (day 4) got no reply within 24 hours: she is the first to welcome.
    assert "New member without a reply after 24 hours: Eve" in body
    assert f"/c/{community.slug}/health/" in body
    html = message.alternatives[0][0]
    assert "Needs someone now" in html and "<script" not in html


def test_a_quiet_community_gets_a_calm_email_not_an_error(community, owner):
    assert send_weekly_email(community) == 1
    assert "Nobody is waiting" in mail.outbox[0].body


def test_members_never_receive_it(town):  # noqa: F811
    community, ids = town
    send_weekly_email(community, as_of=END)
    member_email = Membership.objects.get(community=community, user_id=ids["dan"]).user.email
    assert all(member_email not in m.to for m in mail.outbox)


def test_command_sends_for_every_community(town, capsys):  # noqa: F811
    community, _ids = town
    call_command("analytics", "weekly-email", "--community", community.slug)
    assert "weekly email sent to 2 staff members" in capsys.readouterr().out
