"""Groups over the API: the list, a group, its members, joining and leaving, with what
the pages allow and nothing more (a secret group is 404 to outsiders, a private group's
members to non-members)."""

import pytest

from hearth.api.tests.test_resources import BASE, call, error, key
from hearth.communities.models import Visibility as CommunityVisibility
from hearth.groups.models import GroupMembership
from hearth.testing.factories import community_factory

pytestmark = pytest.mark.django_db


def _slugs(response):
    return [g["slug"] for g in response.json()["items"]]


def test_list_shows_what_the_caller_may_know_of(
    client, public_group, private_group, secret_group, gus, member
):
    client.force_login(gus)
    mine = call(client, "get", f"{BASE}/groups").json()["items"]
    assert {(g["slug"], g["my_status"]) for g in mine} == {
        (public_group.slug, "member"), (private_group.slug, "member"),
        (secret_group.slug, "member"),
    }  # fmt: skip
    client.force_login(member)
    assert sorted(_slugs(call(client, "get", f"{BASE}/groups"))) == sorted(
        [public_group.slug, private_group.slug]
    )
    client.logout()
    error(call(client, "get", f"{BASE}/groups"), 401)


def test_a_secret_group_and_its_members_are_404_to_outsiders(client, secret_group, gus, member):
    client.force_login(member)
    error(call(client, "get", f"{BASE}/groups/{secret_group.slug}"), 404)
    error(call(client, "get", f"{BASE}/groups/{secret_group.slug}/members"), 404)
    error(call(client, "post", f"{BASE}/groups/{secret_group.slug}/join"), 404)
    client.force_login(gus)
    detail = call(client, "get", f"{BASE}/groups/{secret_group.slug}").json()
    assert detail["visibility"] == "secret" and detail["my_status"] == "member"
    names = [
        m["username"]
        for m in call(client, "get", f"{BASE}/groups/{secret_group.slug}/members").json()["items"]
    ]
    assert names == ["gina", "gus"]


def test_a_private_groups_members_are_for_its_members(client, private_group, gus, member):
    client.force_login(member)
    assert call(client, "get", f"{BASE}/groups/{private_group.slug}").status_code == 200
    error(call(client, "get", f"{BASE}/groups/{private_group.slug}/members"), 404)
    client.force_login(gus)
    assert call(client, "get", f"{BASE}/groups/{private_group.slug}/members").status_code == 200


def test_join_and_leave_an_open_group(client, public_group, member):
    client.force_login(member)
    joined = call(client, "post", f"{BASE}/groups/{public_group.slug}/join")
    assert joined.status_code == 200, joined.content
    assert joined.json()["my_status"] == "member"
    assert joined.json()["member_count"] == public_group.member_count + 1
    error(call(client, "post", f"{BASE}/groups/{public_group.slug}/join"), 403)
    left = call(client, "post", f"{BASE}/groups/{public_group.slug}/leave").json()
    assert left["my_status"] is None and left["member_count"] == public_group.member_count
    assert not GroupMembership.objects.filter(group=public_group, user=member).exists()


def test_asking_to_join_a_group_on_request(client, private_group, member):
    client.force_login(member)
    asked = call(client, "post", f"{BASE}/groups/{private_group.slug}/join").json()
    assert asked["my_status"] == "requested"


def test_the_last_owner_cannot_leave_and_strangers_cannot_leave(client, public_group, gina, member):
    client.force_login(gina)
    error(call(client, "post", f"{BASE}/groups/{public_group.slug}/leave"), 403)
    client.force_login(member)
    error(call(client, "post", f"{BASE}/groups/{public_group.slug}/leave"), 403)


def test_a_community_key_reads_but_does_not_join(client, community, owner, public_group):
    token = key(owner, community)
    assert call(client, "get", f"{BASE}/groups", token).status_code == 200
    error(call(client, "post", f"{BASE}/groups/{public_group.slug}/join", token), 403)


def test_visitors_cannot_join(client, public_group):
    error(call(client, "post", f"{BASE}/groups/{public_group.slug}/join"), 401)


def test_private_community_groups_are_404(client, owner, outsider):
    community_factory(owner=owner, slug="secret", visibility=CommunityVisibility.PRIVATE)
    client.force_login(outsider)
    assert call(client, "get", "/api/v1/communities/secret/groups").status_code == 404


@pytest.mark.parametrize("slug", ["bad%20slug", "x" * 61, "%C3%A9t%C3%A9"])
def test_bad_group_slugs_are_422(client, member, public_group, slug):
    client.force_login(member)
    error(call(client, "get", f"{BASE}/groups/{slug}"), 422)


def test_unknown_group_is_404(client, member):
    client.force_login(member)
    error(call(client, "get", f"{BASE}/groups/no-such-group"), 404)


def test_the_list_and_members_take_flat_queries(
    client, community, gina, public_group, django_assert_max_num_queries
):
    from hearth.groups import services
    from hearth.testing.factories import actor_for, membership_factory, user_factory

    for n in range(6):
        user = membership_factory(community, user=user_factory(username=f"joiner{n}")).user
        services.group_join(actor=actor_for(user, community), group=public_group)
        services.group_create(actor=actor_for(gina, community), name=f"Club {n}")
    client.force_login(gina)
    with django_assert_max_num_queries(12):
        assert len(_slugs(call(client, "get", f"{BASE}/groups"))) >= 7
    with django_assert_max_num_queries(12):
        members = call(client, "get", f"{BASE}/groups/{public_group.slug}/members")
        assert len(members.json()["items"]) == 8
