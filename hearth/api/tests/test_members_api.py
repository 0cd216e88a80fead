"""Members' profiles over the API: privacy as on the pages, staff details for staff only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hearth.api.tests.test_resources import BASE, call, error, key
from hearth.communities.models import Membership, MembershipStatus
from hearth.members.models import MemberProfile
from hearth.members.services import profile_for_membership
from hearth.moderation import services as moderation_services
from hearth.testing.factories import actor_for, community_factory


@pytest.fixture
def silenced(community, owner, newcomer):
    membership = Membership.objects.get(community=community, user=newcomer)
    moderation_services.sanction_create(
        actor=actor_for(owner, community),
        membership=membership,
        kind="silence",
        reason="Too loud",
        ends_at=timezone.now() + timedelta(days=2),
    )
    return newcomer


def test_a_profile(client, community, member, owner):
    token = key(owner, community, scopes=["read"])
    profile = profile_for_membership(Membership.objects.get(community=community, user=member))
    MemberProfile.objects.filter(pk=profile.pk).update(location="Lyon")
    response = call(client, "get", f"{BASE}/members/{member.username}", token)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["username"] == member.username and body["location"] == "Lyon"
    # A community key without the moderate scope sees no staff details.
    assert body["staff"] is None


def test_staff_details_for_staff_only(client, community, owner, member, silenced):
    path = f"{BASE}/members/{silenced.username}"
    moderator_key = key(owner, community, scopes=["read", "moderate"])
    staff = call(client, "get", path, moderator_key).json()["staff"]
    assert staff["role"] == "member" and staff["trust_level"] >= 0
    assert [s["kind"] for s in staff["sanctions"]] == ["silence"]
    assert staff["sanctions"][0]["reason"] == "Too loud"
    member_key = key(member, community, kind="member", scopes=["read", "write"])
    seen_by_member = call(client, "get", path, member_key).json()
    assert seen_by_member["staff"] is None
    assert "sanctions" not in str(seen_by_member) and "trust_level" not in str(seen_by_member)


def test_privacy_as_on_the_pages(client, community, owner, member, newcomer, outsider):
    membership = Membership.objects.get(community=community, user=member)
    profile = profile_for_membership(membership)
    MemberProfile.objects.filter(pk=profile.pk).update(hide_from_non_members=True)
    path = f"{BASE}/members/{member.username}"
    client.force_login(outsider)
    error(call(client, "get", path), 404)
    client.logout()
    error(call(client, "get", path), 401)
    Membership.objects.filter(pk=membership.pk).update(status=MembershipStatus.LEFT)
    other_member = key(newcomer, community, kind="member", scopes=["read"])
    error(call(client, "get", path, other_member), 404)  # a past member: staff only
    staff_key = key(owner, community, scopes=["read"])
    assert call(client, "get", path, staff_key).status_code == 200


def test_denials(client, community, owner, member):
    other = community_factory(slug="other", owner=owner)
    foreign = key(owner, other, scopes=["read", "moderate"])
    error(call(client, "get", f"{BASE}/members/{member.username}", foreign), 404)
    token = key(owner, community, scopes=["read"])
    error(call(client, "get", f"{BASE}/members/nobody-here", token), 404)
    error(call(client, "get", f"{BASE}/members/{'x' * 151}", token), 422)
    writer_only = key(owner, community, scopes=["write"])
    error(call(client, "get", f"{BASE}/members/{member.username}", writer_only), 403)
