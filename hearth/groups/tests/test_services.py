"""Group writes: create, edit, join, ask, invite, approve, leave, roles; bad input and
denials; the interaction events they record."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hearth.communities.models import Membership
from hearth.core.models import InteractionEvent
from hearth.discussions import services as discussion_services
from hearth.discussions.models import Category, ReadAccess, Topic
from hearth.groups import services
from hearth.groups.models import (
    Group,
    GroupMembership,
    GroupRole,
    GroupSettings,
    JoinPolicy,
    MembershipStatus,
    Visibility,
)
from hearth.testing.factories import actor_for, image_upload, membership_factory, user_factory

pytestmark = pytest.mark.django_db


def verbs(community):
    return list(
        InteractionEvent.objects.filter(community=community, verb__startswith="group.")
        .order_by("id")
        .values_list("verb", flat=True)
    )


def test_create_makes_the_owner_a_category_and_events(community, gina, group_settings):
    group = services.group_create(
        actor=actor_for(gina, community), name="  Berlin   members ", description="Hi *there*",
        visibility=Visibility.PRIVATE, join_policy=JoinPolicy.REQUEST, cover=image_upload(),
    )  # fmt: skip
    assert group.name == "Berlin members" and group.slug == "berlin-members"
    assert "<em>there</em>" in group.description_html
    assert group.cover.name.startswith("groups/")
    owner = GroupMembership.objects.get(group=group)
    assert (owner.user, owner.role, owner.status) == (gina, GroupRole.OWNER, "member")
    category = Category.objects.get(group=group)
    assert category.read_access == ReadAccess.MEMBERS and category.slug == "berlin-members"
    assert verbs(community) == ["group.create", "group.join"]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"name": "Ok", "slug": "Not A Slug!"}, "slug"),
        ({"name": "Ok", "visibility": "hidden"}, "visibility"),
        ({"name": "Ok", "join_policy": "anyone"}, "join_policy"),
        ({"name": "Ok", "description": "x" * 5001}, "description"),
    ],
)
def test_create_refuses_bad_input(community, moderator, fields, field):
    with pytest.raises(ValidationError) as exc:
        services.group_create(actor=actor_for(moderator, community), **fields)
    assert field in exc.value.message_dict
    assert not Group.objects.exists()


def test_create_refuses_a_bad_cover_and_a_taken_slug(community, moderator):
    actor = actor_for(moderator, community)
    with pytest.raises(ValidationError) as exc:
        services.group_create(actor=actor, name="Ok", cover=image_upload(fmt="BMP"))
    assert "cover" in exc.value.message_dict
    services.group_create(actor=actor, name="Ok")
    with pytest.raises(ValidationError) as exc:
        services.group_create(actor=actor, name="Ok")
    assert "slug" in exc.value.message_dict


def test_create_is_refused_below_the_trust_level(community, gus, member, group_settings):
    for user in (gus, member):
        with pytest.raises(PermissionDenied):
            services.group_create(actor=actor_for(user, community), name="Mine")


def test_a_group_category_slug_never_clashes(community, moderator):
    Category.objects.create(community=community, name="Taken", slug="taken")
    group = services.group_create(actor=actor_for(moderator, community), name="Taken")
    assert Category.objects.get(group=group).slug == "taken-2"


def test_open_group_join_and_leave(community, public_group, member):
    actor = actor_for(member, community)
    membership = services.group_join(actor=actor, group=public_group)
    assert membership.status == MembershipStatus.MEMBER
    public_group.refresh_from_db()
    assert public_group.member_count == 3
    with pytest.raises(PermissionDenied):
        services.group_join(actor=actor, group=public_group)
    services.group_leave(actor=actor, group=public_group)
    public_group.refresh_from_db()
    assert public_group.member_count == 2
    assert verbs(community)[-2:] == ["group.join", "group.leave"]


def test_request_then_approve(community, private_group, member, gina, gus):
    request = services.group_join(actor=actor_for(member, community), group=private_group)
    assert request.status == MembershipStatus.REQUESTED
    with pytest.raises(PermissionDenied):
        services.group_join(actor=actor_for(member, community), group=private_group)
    # A plain member of the group may not approve.
    with pytest.raises(PermissionDenied):
        services.group_review(
            actor=actor_for(gus, community), group=private_group, request_id=request.pk,
            approve=True,
        )  # fmt: skip
    services.group_review(
        actor=actor_for(gina, community), group=private_group, request_id=request.pk, approve=True
    )
    request.refresh_from_db()
    assert request.status == MembershipStatus.MEMBER
    assert "group.request" in verbs(community)


def test_decline_and_a_review_of_something_that_is_not_a_request(
    community, private_group, member, gina, gus
):
    request = services.group_join(actor=actor_for(member, community), group=private_group)
    services.group_review(
        actor=actor_for(gina, community), group=private_group, request_id=request.pk, approve=False
    )
    assert not GroupMembership.objects.filter(pk=request.pk).exists()
    gus_membership = GroupMembership.objects.get(group=private_group, user=gus)
    for request_id in (gus_membership.pk, 10**9):
        with pytest.raises((PermissionDenied, ValidationError)):
            services.group_review(
                actor=actor_for(gina, community), group=private_group, request_id=request_id,
                approve=True,
            )  # fmt: skip


def test_invite_only_takes_no_requests_but_invitations(community, secret_group, member, gina):
    with pytest.raises(PermissionDenied):
        services.group_join(actor=actor_for(member, community), group=secret_group)
    services.group_invite(actor=actor_for(gina, community), group=secret_group, username="@mel")
    membership = services.group_join(actor=actor_for(member, community), group=secret_group)
    assert membership.status == MembershipStatus.MEMBER
    assert verbs(community)[-2:] == ["group.invite", "group.join"]


def test_invitation_can_be_declined(community, secret_group, member, gina):
    services.group_invite(actor=actor_for(gina, community), group=secret_group, username="mel")
    services.group_leave(actor=actor_for(member, community), group=secret_group)
    assert not GroupMembership.objects.filter(group=secret_group, user=member).exists()


@pytest.mark.parametrize("username", ["", "nobody", "otto", "gus"])
def test_invite_refuses_unknown_outside_and_existing_members(
    community, secret_group, gina, gus, outsider, username
):
    with pytest.raises(ValidationError):
        services.group_invite(
            actor=actor_for(gina, community), group=secret_group, username=username
        )


def test_only_those_who_run_the_group_invite(community, secret_group, gus, member):
    with pytest.raises(PermissionDenied):
        services.group_invite(actor=actor_for(gus, community), group=secret_group, username="mel")
    with pytest.raises(PermissionDenied):
        services.group_invite(
            actor=actor_for(member, community), group=secret_group, username="mel"
        )


def test_inviting_someone_who_asked_lets_them_in(community, private_group, member, gina):
    services.group_join(actor=actor_for(member, community), group=private_group)
    services.group_invite(actor=actor_for(gina, community), group=private_group, username="mel")
    assert GroupMembership.objects.get(group=private_group, user=member).status == "member"


def test_roles_and_the_last_owner(community, private_group, gina, gus):
    gus_m = GroupMembership.objects.get(group=private_group, user=gus)
    gina_m = GroupMembership.objects.get(group=private_group, user=gina)
    with pytest.raises(PermissionDenied):
        services.group_set_role(
            actor=actor_for(gus, community), group=private_group, member_id=gina_m.pk,
            role=GroupRole.MEMBER,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):  # a group keeps one owner
        services.group_set_role(
            actor=actor_for(gina, community), group=private_group, member_id=gina_m.pk,
            role=GroupRole.MEMBER,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.group_set_role(
            actor=actor_for(gina, community), group=private_group, member_id=gus_m.pk,
            role="king",
        )  # fmt: skip
    services.group_set_role(
        actor=actor_for(gina, community), group=private_group, member_id=gus_m.pk,
        role=GroupRole.OWNER,
    )  # fmt: skip
    services.group_leave(actor=actor_for(gina, community), group=private_group)
    assert not GroupMembership.objects.filter(group=private_group, user=gina).exists()


def test_edit_by_owner_and_refused_to_members(community, private_group, gina, gus):
    group = services.group_update(
        actor=actor_for(gina, community), group=private_group, name="Beta crew",
        visibility=Visibility.SECRET,
    )  # fmt: skip
    assert (group.name, group.visibility, group.slug) == ("Beta crew", "secret", "beta-testers")
    with pytest.raises(PermissionDenied):
        services.group_update(actor=actor_for(gus, community), group=group, name="Mine")


def test_group_category_create(community, private_group, gina, gus):
    category = services.group_category_create(
        actor=actor_for(gina, community), group=private_group, name="Bugs"
    )
    assert category.group == private_group and category.slug == "beta-testers-bugs"
    with pytest.raises(PermissionDenied):
        services.group_category_create(
            actor=actor_for(gus, community), group=private_group, name="Mine"
        )
    with pytest.raises(ValidationError):
        services.group_category_create(
            actor=actor_for(gina, community), group=private_group, name="   "
        )


def test_settings_only_for_admins_and_in_range(community, owner, moderator):
    with pytest.raises(PermissionDenied):
        services.group_settings_update(actor=actor_for(moderator, community), create_trust_level=1)
    with pytest.raises(ValidationError):
        services.group_settings_update(actor=actor_for(owner, community), create_trust_level=9)
    services.group_settings_update(actor=actor_for(owner, community), create_trust_level=3)
    assert GroupSettings.objects.get(community=community).create_trust_level == 3


def test_members_like_you_counts_shared_groups(community, private_group, gina, gus, member):
    from hearth.members.like_you import members_like_you

    suggestions = members_like_you(actor_for(gina, community), community)
    assert [(s.profile.user, s.reason) for s in suggestions] == [
        (gus, "Also in the group Beta testers")
    ]
    # Mel is in no group with anyone: no suggestion from groups.
    assert members_like_you(actor_for(member, community), community) == []


def test_a_topic_moves_into_a_group_category_only_for_its_members_and_staff(
    community, public_group, gus, moderator, topic
):
    target = public_group.categories.get()
    outsider = membership_factory(community, user=user_factory(username="tl3"), trust_level=3)
    with pytest.raises(ValidationError) as refused:
        discussion_services.topic_move(
            actor=actor_for(outsider.user, community), topic=topic, category=target
        )
    assert "category" in refused.value.message_dict
    topic.refresh_from_db()
    assert topic.category.slug == "general"
    # A leader of the same trust who is in the group may; so may staff, who read every group.
    Membership.objects.filter(community=community, user=gus).update(trust_level=3)
    discussion_services.topic_move(actor=actor_for(gus, community), topic=topic, category=target)
    assert Topic.objects.get(pk=topic.pk).category_id == target.pk
    general = Category.objects.get(community=community, slug="general")
    discussion_services.topic_move(
        actor=actor_for(moderator, community), topic=topic, category=general
    )
    assert Topic.objects.get(pk=topic.pk).category_id == general.pk
