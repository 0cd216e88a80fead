import pytest

from hearth.testing.factories import user_factory

PAGES = [
    "/admin/",
    "/admin/accounts/user/",
    "/admin/communities/community/",
    "/admin/communities/membership/",
    "/admin/communities/staffaction/",
    "/admin/communities/invite/",
    "/admin/core/interactionevent/",
]


@pytest.mark.parametrize("path", PAGES)
def test_admin_pages_work_for_platform_staff(client, community, member, path):
    client.force_login(user_factory(is_staff=True, is_superuser=True))
    assert client.get(path).status_code == 200


def test_admin_is_closed_to_community_owners(client, community, owner):
    client.force_login(owner)
    assert client.get("/admin/communities/community/").status_code == 302
