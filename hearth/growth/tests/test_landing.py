"""The campaign landing page, and the invite links it refuses."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hearth.audience.models import SourceVisitDay
from hearth.audience.recording import buffer
from hearth.communities.models import Invite, JoinPolicy, Membership, Visibility
from hearth.discussions import services as discussions
from hearth.discussions.models import Category, ReadAccess
from hearth.testing.factories import actor_for, community_factory, user_factory

pytestmark = pytest.mark.django_db


def welcome(community, query=""):
    return f"/c/{community.slug}/welcome{query}"


@pytest.fixture
def public_topics(community, owner, member, general):
    owner_actor = actor_for(owner, community)
    lounge = discussions.category_create(
        actor=owner_actor, name="Members lounge", read_access=ReadAccess.MEMBERS
    )
    member_actor = actor_for(member, community)
    discussions.topic_create(actor=member_actor, category=general, title="Tomato tips", body="x")
    discussions.topic_create(actor=member_actor, category=lounge, title="Secret swap", body="x")


@pytest.fixture
def private_community(owner):
    return community_factory(
        owner=owner, slug="hidden", name="Hidden Grove", visibility=Visibility.PRIVATE
    )


def invite(community, **fields):
    return Invite.objects.create(community=community, source=fields.pop("source", "ig"), **fields)


class TestLanding:
    def test_shows_the_brand_rules_count_and_public_topics_only(
        self, browser_client, community, public_topics
    ):
        community.tagline = "Growing things together"
        community.save()
        response = browser_client.get(welcome(community, "?source=instagram&utm_campaign=spring"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Garden Club" in html and "Growing things together" in html
        assert "Be kind." in html  # the rules
        assert "Tomato tips" in html
        assert "Secret swap" not in html  # a members-only category stays out
        assert "/accounts/signup/?next=%2Fc%2Fgarden%2Fjoin" in html

    def test_counts_the_visit_for_the_campaign(self, browser_client, community):
        browser_client.get(welcome(community, "?utm_source=instagram&utm_campaign=spring"))
        buffer.flush()
        visit = SourceVisitDay.objects.get(community=community)
        assert (visit.source, visit.campaign) == ("instagram", "spring")

    def test_an_invite_link_is_a_visit_from_the_invite_source(self, browser_client, community):
        code = invite(community, source="newsletter").code
        browser_client.get(welcome(community, f"?invite={code}"))
        buffer.flush()
        assert SourceVisitDay.objects.get(community=community).source == "newsletter"

    def test_a_member_goes_to_the_community(self, client, community, member):
        client.force_login(member)
        response = client.get(welcome(community, "?source=x"))
        assert response.status_code == 302
        assert response["Location"] == f"/c/{community.slug}/"

    def test_private_community_shows_only_name_logo_and_tagline(
        self, client, private_community, owner
    ):
        private_community.tagline = "Quiet corner"
        private_community.save()
        discussions.topic_create(
            actor=actor_for(owner, private_community),
            category=Category.objects.filter(community=private_community).first(),
            title="Members-only news",
            body="x",
        )
        code = invite(private_community).code
        response = client.get(welcome(private_community, f"?invite={code}"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Hidden Grove" in html and "Quiet corner" in html
        assert "Members-only news" not in html
        assert "Be kind." not in html  # no content at all, rules included
        assert "1 member" not in html  # nor the member count

    def test_private_community_without_invite_is_not_found(self, client, private_community):
        assert client.get(welcome(private_community, "?source=ig")).status_code == 404


class TestDeadInviteLinks:
    @pytest.mark.parametrize(
        "fields",
        [
            {"expires_at": timezone.now() - timedelta(minutes=1)},
            {"max_uses": 1, "use_count": 1},
            {"revoked_at": timezone.now()},
        ],
        ids=["expired", "used-up", "revoked"],
    )
    def test_a_clear_page_and_nothing_joined(self, client, community, outsider, fields):
        code = invite(community, **fields).code
        page = client.get(welcome(community, f"?invite={code}"))
        assert page.status_code == 410
        assert "doesn't work any more" in page.content.decode()
        client.force_login(outsider)
        joined = client.post(
            f"/c/{community.slug}/join", {"invite_code": code, "accept_rules": "on"}
        )
        assert joined.status_code == 200
        assert "not valid, has expired or has been used up" in joined.content.decode()
        assert not Membership.objects.filter(community=community, user=outsider).exists()

    def test_a_deleted_invite(self, client, community):
        old = invite(community)
        code = old.code
        old.delete()
        page = client.get(welcome(community, f"?invite={code}"))
        assert page.status_code == 404
        assert "doesn't work any more" in page.content.decode()

    def test_a_dead_link_to_a_private_community_names_nothing(self, client, private_community):
        code = invite(private_community, revoked_at=timezone.now()).code
        page = client.get(welcome(private_community, f"?invite={code}"))
        assert page.status_code == 410
        assert "Hidden Grove" not in page.content.decode()

    def test_another_communitys_invite_opens_nothing(self, client, community, private_community):
        other = community_factory(slug="orchard", join_policy=JoinPolicy.INVITE)
        code = invite(community).code  # Garden Club's
        page = client.get(welcome(other, f"?invite={code}"))
        assert page.status_code == 404
        assert "doesn't work any more" in page.content.decode()
        hidden = client.get(welcome(private_community, f"?invite={code}"))
        assert hidden.status_code == 404 and "Hidden Grove" not in hidden.content.decode()
        person = user_factory()
        client.force_login(person)
        joined = client.post("/c/orchard/join", {"invite_code": code, "accept_rules": "on"})
        assert "not valid" in joined.content.decode()
        assert not Membership.objects.filter(user=person).exists()
