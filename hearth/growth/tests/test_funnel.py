"""Attribution through the whole funnel: visited → signed up → joined → first post →
reciprocated, for one campaign, through the real pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hearth.analytics import rollups
from hearth.analytics.dashboard import Window, campaign_funnel
from hearth.audience.recording import buffer
from hearth.communities.models import Invite, JoinPolicy, Membership
from hearth.discussions import services as discussions
from hearth.growth.models import Arrival
from hearth.testing.factories import actor_for, community_factory

pytestmark = pytest.mark.django_db
PASSWORD = "a long and unusual passphrase 42"


def sign_up(client, username, next_url):
    return client.post(
        "/accounts/signup/",
        {
            "username": username,
            "email": f"{username}@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": next_url,
        },
    )


def report_row(community, source, campaign):
    rollups.update(community, lag=timedelta(0))
    today = timezone.now().date()
    report = campaign_funnel(community, Window(today - timedelta(days=27), today))
    return next(r for r in report.rows if (r.source, r.campaign) == (source, campaign))


def test_every_step_is_attributed_to_the_campaign(browser_client, community, member, general):
    landing = browser_client.get(
        f"/c/{community.slug}/welcome?utm_source=instagram&utm_campaign=spring"
    )
    assert landing.status_code == 200
    signed_up = sign_up(browser_client, "rosa", "/c/garden/join")
    assert signed_up.status_code == 302 and signed_up["Location"] == "/c/garden/join"
    arrival = Arrival.objects.get(user__username="rosa")
    assert (arrival.community, arrival.source, arrival.campaign) == (
        community,
        "instagram",
        "spring",
    )
    assert browser_client.post("/c/garden/join", {"accept_rules": "on"}).status_code == 302
    rosa = Membership.objects.get(community=community, user__username="rosa")
    assert (rosa.source, rosa.campaign) == ("instagram", "spring")
    topic = discussions.topic_create(
        actor=actor_for(rosa.user, community), category=general, title="Hi all", body="New here"
    )
    welcome = discussions.post_reply(
        actor=actor_for(member, community), topic=topic, body="Welcome!"
    )
    discussions.post_reply(
        actor=actor_for(rosa.user, community), topic=topic, body="Thanks", reply_to=welcome
    )
    buffer.flush()

    row = report_row(community, "instagram", "spring")
    assert [row.count(s) for s in ("visited", "signed_up", "joined", "first_post")] == [1, 1, 1, 1]
    assert row.count("reciprocated") == 1
    assert row.count("returned_week_2") == 0


def test_a_sign_up_that_has_not_joined_counts_as_signed_up(browser_client, community):
    browser_client.get(f"/c/{community.slug}/welcome?source=newsletter")
    sign_up(browser_client, "sam", "/c/garden/join")
    buffer.flush()
    row = report_row(community, "newsletter", "")
    assert [row.count(s) for s in ("visited", "signed_up", "joined")] == [1, 1, 0]


def test_attribution_survives_confirming_the_email_in_another_browser(client, django_user_model):
    club = community_factory(slug="club", join_policy=JoinPolicy.INVITE)
    invite = Invite.objects.create(community=club, source="poster")
    client.get(f"/c/club/welcome?invite={invite.code}&utm_campaign=autumn")
    sign_up(client, "tess", f"/c/club/join?invite={invite.code}")
    client.logout()

    # The confirmation link opened on a phone: a new session, no landing page seen there.
    from django.test import Client

    phone = Client()
    response = phone.post("/accounts/login/", {"login": "tess", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == f"/c/club/join?invite={invite.code}"
    page = phone.get(response["Location"])
    assert page.status_code == 200
    phone.post(response["Location"], {"invite_code": invite.code, "accept_rules": "on"})
    tess = Membership.objects.get(community=club, user__username="tess")
    assert (tess.source, tess.campaign, tess.invite) == ("poster", "autumn", invite)
    # Once joined, signing in goes where it always did.
    phone.logout()
    again = phone.post("/accounts/login/", {"login": "tess", "password": PASSWORD})
    assert again["Location"] == "/"


def test_a_plain_sign_up_is_attributed_to_nothing(client):
    sign_up(client, "uma", "/")
    assert not Arrival.objects.exists()
