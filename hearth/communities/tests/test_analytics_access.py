"""The owner gives a moderator the analytics permission (business figures, customer data)
on the members page, and takes it back; nobody else can, and it is logged."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hearth.communities import services
from hearth.communities.models import Membership, Role, StaffAction
from hearth.testing.factories import actor_for, community_factory, membership_factory

pytestmark = pytest.mark.django_db


def _membership(community, user):
    return Membership.objects.get(community=community, user=user)


def test_the_owner_gives_and_takes_back_the_permission(client, owner, moderator, community):
    membership = _membership(community, moderator)
    path = reverse("communities:member-analytics-access", args=["garden", membership.pk])
    client.force_login(owner)
    page = client.get(reverse("communities:manage-members", args=["garden"])).content.decode()
    assert "Give business figures" in page
    assert client.post(path, {"allowed": "1"}).status_code == 302
    assert _membership(community, moderator).analytics_access
    log = StaffAction.objects.get(community=community, action="member.analytics_access")
    assert log.target_user == moderator and log.details == {"allowed": True}
    assert client.get(reverse("customers:customers", args=["garden"])).status_code == 200
    client.force_login(moderator)
    assert client.get(reverse("customers:customers", args=["garden"])).status_code == 200
    client.force_login(owner)
    client.post(path, {"allowed": "0"})
    assert not _membership(community, moderator).analytics_access
    client.force_login(moderator)
    assert client.get(reverse("customers:customers", args=["garden"])).status_code == 404


@pytest.mark.parametrize("persona", ["admin", "moderator", "member"])
def test_only_owners_may_change_it(persona, personas, moderator, community):
    target = _membership(community, moderator)
    with pytest.raises(PermissionDenied):
        services.membership_set_analytics_access(
            actor=actor_for(personas[persona], community), membership=target, allowed=True
        )
    assert not _membership(community, moderator).analytics_access


def test_it_is_for_moderators_of_this_community_only(owner, admin, member, community):
    actor = actor_for(owner, community)
    for user in (admin, member):
        with pytest.raises(PermissionDenied):
            services.membership_set_analytics_access(
                actor=actor, membership=_membership(community, user), allowed=True
            )
    elsewhere = membership_factory(community_factory(), role=Role.MODERATOR)
    with pytest.raises(PermissionDenied):
        services.membership_set_analytics_access(actor=actor, membership=elsewhere, allowed=True)


def test_a_new_role_starts_without_it(owner, moderator, community):
    actor = actor_for(owner, community)
    membership = services.membership_set_analytics_access(
        actor=actor, membership=_membership(community, moderator), allowed=True
    )
    services.membership_set_role(actor=actor, membership=membership, role=Role.MEMBER)
    services.membership_set_role(
        actor=actor, membership=_membership(community, moderator), role=Role.MODERATOR
    )
    assert not _membership(community, moderator).analytics_access


def test_an_admin_posting_the_form_is_refused_with_a_message(client, admin, moderator, community):
    membership = _membership(community, moderator)
    client.force_login(admin)
    response = client.post(
        reverse("communities:member-analytics-access", args=["garden", membership.pk]),
        {"allowed": "1"},
        follow=True,
    )
    assert "Only owners can give or take the analytics permission." in response.content.decode()
    assert not _membership(community, moderator).analytics_access
