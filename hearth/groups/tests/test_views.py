"""Group pages and actions: happy paths, bad input (never a 500) and who may not."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hearth.groups.models import Group, GroupMembership, GroupSettings, MembershipStatus
from hearth.testing.factories import actor_for, image_upload

pytestmark = pytest.mark.django_db

G = "/c/garden/groups/"


def test_list_and_group_page_for_a_member_of_it(client, private_group, private_topic, gus):
    client.force_login(gus)
    listing = client.get(G).content.decode()
    assert "Beta testers" in listing and "You are in it" in listing
    body = client.get(f"{G}{private_group.slug}/").content.decode()
    assert private_topic.title in body and "About <strong>Beta testers</strong>" in body
    assert "/c/garden/u/gina/" in body  # the member list
    assert "Leave group" in body and "Run the group" not in body


def test_the_group_page_lists_its_upcoming_events_to_those_who_read_it(
    client, community, private_group, owner, general, gus, member
):
    from hearth.events import services as event_services
    from hearth.events.tests.conftest import event_fields

    in_group = private_group.categories.get()
    actor = actor_for(owner, community)
    event_services.event_create(
        actor=actor, category=in_group, **event_fields(title="Beta test night")
    )
    event_services.event_create(actor=actor, category=general, **event_fields(title="Open day"))
    client.force_login(gus)
    body = client.get(f"{G}{private_group.slug}/").content.decode()
    assert "Upcoming events" in body and "Beta test night" in body
    assert "Open day" not in body  # the community's, not the group's
    client.force_login(member)
    body = client.get(f"{G}{private_group.slug}/").content.decode()
    assert "Beta test night" not in body


def test_the_owner_sees_the_tools(client, private_group, member, gina):
    client.force_login(member)
    client.post(f"{G}{private_group.slug}/join")
    client.force_login(gina)
    body = client.get(f"{G}{private_group.slug}/").content.decode()
    assert "Run the group" in body and "Asking to join" in body and "@mel" in body


def test_create_form(client, gina, group_settings):
    client.force_login(gina)
    assert client.get(f"{G}new").status_code == 200
    response = client.post(
        f"{G}new",
        {"name": "Night owls", "visibility": "private", "join_policy": "request",
         "description": "We *post* late", "cover": image_upload()},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == f"{G}night-owls/"
    assert Group.objects.get(slug="night-owls").cover


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "", "visibility": "private", "join_policy": "open"},
        {"name": "Ok", "visibility": "nope", "join_policy": "open"},
        {"name": "Ok", "slug": "NO WAY", "visibility": "public", "join_policy": "open"},
        {"name": "Ok\x00", "visibility": "public", "join_policy": "open"},
        {
            "name": "Ok",
            "visibility": "public",
            "join_policy": "open",
            "cover": SimpleUploadedFile("x.png", b"not an image", content_type="image/png"),
        },
    ],
)
def test_create_form_bad_input_rerenders(client, gina, group_settings, data):
    client.force_login(gina)
    response = client.post(f"{G}new", data)
    assert response.status_code in (200, 400)
    assert not Group.objects.exists()


def test_create_is_refused_to_members_below_the_level_and_visitors(client, member, gus):
    assert client.get(f"{G}new").status_code == 302  # to sign in
    client.force_login(member)
    assert client.get(f"{G}new").status_code == 403
    assert client.post(f"{G}new", {"name": "X"}).status_code == 403


def test_edit(client, private_group, gina, gus):
    client.force_login(gus)
    assert client.get(f"{G}{private_group.slug}/edit").status_code == 403
    client.force_login(gina)
    assert client.get(f"{G}{private_group.slug}/edit").status_code == 200
    response = client.post(
        f"{G}{private_group.slug}/edit",
        {
            "name": "Beta crew",
            "slug": "beta-testers",
            "visibility": "secret",
            "join_policy": "invite",
        },
    )
    assert response.status_code == 302
    private_group.refresh_from_db()
    assert (private_group.name, private_group.visibility) == ("Beta crew", "secret")


def test_join_ask_invite_accept_and_leave(client, public_group, secret_group, member, gina):
    client.force_login(member)
    assert client.post(f"{G}{public_group.slug}/join").status_code == 302
    assert GroupMembership.objects.get(group=public_group, user=member).status == "member"
    assert client.post(f"{G}{public_group.slug}/leave").status_code == 302
    assert not GroupMembership.objects.filter(group=public_group, user=member).exists()
    # Leaving twice: told so, not an error page.
    assert client.post(f"{G}{public_group.slug}/leave").status_code in (302, 403)
    client.force_login(gina)
    assert client.post(f"{G}{secret_group.slug}/invite", {"username": "mel"}).status_code == 302
    client.force_login(member)
    page = client.get(f"{G}{secret_group.slug}/").content.decode()
    assert "Accept the invitation" in page
    client.post(f"{G}{secret_group.slug}/join")
    assert GroupMembership.objects.get(group=secret_group, user=member).status == "member"


def test_actions_on_a_secret_group_are_404_to_non_members(client, secret_group, member):
    client.force_login(member)
    for action in ("join", "leave", "invite", "categories", "edit"):
        assert client.post(f"{G}{secret_group.slug}/{action}").status_code == 404, action
    assert client.post(f"{G}{secret_group.slug}/requests/1/approve").status_code == 404
    assert client.post(f"{G}{secret_group.slug}/members/1/role").status_code == 404


def test_bad_action_input_is_a_message_not_an_error(client, private_group, gina, member):
    client.force_login(member)
    client.post(f"{G}{private_group.slug}/join")
    request = GroupMembership.objects.get(group=private_group, user=member)
    client.force_login(gina)
    base = f"{G}{private_group.slug}"
    for path, data in [
        (f"{base}/invite", {}),
        (f"{base}/invite", {"username": "x" * 500}),
        (f"{base}/requests/{request.pk}/maybe", {}),
        (f"{base}/requests/999999999/approve", {}),
        (f"{base}/members/{request.pk}/role", {"role": "king"}),
        (f"{base}/members/999999999/role", {"role": "member"}),
        (f"{base}/categories", {"name": ""}),
    ]:
        assert client.post(path, data).status_code == 302, path
    assert client.post(f"{base}/requests/{request.pk}/approve").status_code == 302
    request.refresh_from_db()
    assert request.status == MembershipStatus.MEMBER


def test_a_huge_id_is_a_404(client, private_group, gina):
    client.force_login(gina)
    response = client.post(f"{G}{private_group.slug}/requests/{10**30}/approve")
    assert response.status_code == 404


def test_actions_need_post_and_sign_in(client, public_group):
    assert client.get(f"{G}{public_group.slug}/join").status_code == 405
    response = client.post(f"{G}{public_group.slug}/join")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_group_is_404(client, member):
    client.force_login(member)
    assert client.get(f"{G}nothing-here/").status_code == 404


def test_settings_page(client, owner, member, community):
    client.force_login(member)
    assert client.get("/c/garden/manage/groups/").status_code in (403, 404)
    client.force_login(owner)
    assert client.get("/c/garden/manage/groups/").status_code == 200
    assert client.post("/c/garden/manage/groups/", {"create_trust_level": "2"}).status_code == 302
    assert client.post("/c/garden/manage/groups/", {"create_trust_level": "9"}).status_code == 200
    assert GroupSettings.objects.get(community=community).create_trust_level == 2


def test_the_member_list_respects_hidden_profiles(client, private_group, gus, gina):
    from hearth.members.models import MemberProfile

    MemberProfile.objects.filter(user=gus).update(hide_from_directory=True)
    client.force_login(gina)
    body = client.get(f"{G}{private_group.slug}/").content.decode()
    assert "/c/garden/u/gina/" in body and "/c/garden/u/gus/" not in body


def test_a_public_groups_page_shows_its_topics_to_visitors(client, public_group_topic, gus):
    body = client.get(f"{G}{public_group_topic.category.group.slug}/").content.decode()
    assert public_group_topic.title in body
    assert "/c/garden/u/gus/" in body  # a public group's member list is public too


def test_approving_from_htmx_swaps_the_row(client, private_group, gina, member):
    client.force_login(member)
    client.post(f"{G}{private_group.slug}/join")
    request = GroupMembership.objects.get(group=private_group, user=member)
    client.force_login(gina)
    page = client.get(f"{G}{private_group.slug}/").content.decode()
    assert f'data-hx-target="#group-request-{request.pk}"' in page and " hx-post" not in page
    response = client.post(
        f"{G}{private_group.slug}/requests/{request.pk}/approve", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Approved" in response.content.decode()
    request.refresh_from_db()
    assert request.status == MembershipStatus.MEMBER
