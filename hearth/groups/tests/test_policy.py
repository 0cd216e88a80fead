"""Who reads a group's categories (the one rule in discussions.policy), who may know a
group exists, and who may run one: tables of persona × visibility."""

import pytest

from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import Category, Topic
from hearth.groups import policy
from hearth.groups.models import GroupMembership, GroupSettings, Visibility
from hearth.groups.services import membership_of
from hearth.testing.factories import actor_for

pytestmark = pytest.mark.django_db

PERSONAS = ["gina", "gus", "member", "moderator", "owner", "outsider", "anonymous", "banned"]


@pytest.fixture
def people(request, personas, gina, gus):
    return {**personas, "gina": gina, "gus": gus}


@pytest.fixture
def groups(public_group, private_group, secret_group):
    return {
        Visibility.PUBLIC: public_group,
        Visibility.PRIVATE: private_group,
        Visibility.SECRET: secret_group,
    }


# persona: (reads public, reads private, reads secret)
READS = {
    "gina": (True, True, True),
    "gus": (True, True, True),
    "member": (True, False, False),
    "moderator": (True, True, True),  # community staff, for moderation
    "owner": (True, True, True),
    "outsider": (True, False, False),  # the community is public, so is a public group
    "anonymous": (True, False, False),
    "banned": (True, False, False),  # reads a public community as any visitor does
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reads_a_groups_category(people, groups, community, persona):
    actor = actor_for(people[persona], community)
    visible = set(
        discussion_policy.visible_categories(actor, community)
        .filter(group__isnull=False)
        .values_list("group__visibility", flat=True)
    )
    for visibility, allowed in zip(Visibility.values, READS[persona], strict=True):
        category = groups[visibility].categories.get()
        assert discussion_policy.can_read_category(actor, category) is allowed, visibility
        # The list rule and the per-object rule agree.
        assert (visibility in visible) is allowed, visibility


# persona: (knows public, knows private, knows secret)
KNOWS = {
    "gina": (True, True, True),
    "gus": (True, True, True),
    "member": (True, True, False),
    "moderator": (True, True, True),
    "outsider": (True, True, False),
    "anonymous": (True, True, False),
    "banned": (True, True, False),
}


@pytest.mark.parametrize("persona", list(KNOWS))
def test_who_knows_a_group_exists(people, groups, community, persona):
    actor = actor_for(people[persona], community)
    listed = set(policy.visible_groups(actor, community).values_list("visibility", flat=True))
    for visibility, allowed in zip(Visibility.values, KNOWS[persona], strict=True):
        group = groups[visibility]
        membership = membership_of(group, actor.user)
        assert policy.can_see_group(actor, group, membership) is allowed, visibility
        assert (visibility in listed) is allowed, visibility


def test_an_invitation_reveals_a_secret_group_to_the_invitee(community, secret_group, gina, member):
    from hearth.groups import services

    assert not policy.can_see_group(actor_for(member, community), secret_group, None)
    services.group_invite(actor=actor_for(gina, community), group=secret_group, username="mel")
    invitation = membership_of(secret_group, member)
    actor = actor_for(member, community)
    assert policy.can_see_group(actor, secret_group, invitation)
    # ...but not its content until they accept.
    assert not discussion_policy.can_read_category(actor, secret_group.categories.get())


def test_a_member_who_left_the_community_reads_no_group_content(
    community, private_group, gus, private_topic
):
    from hearth.communities.models import Membership, MembershipStatus

    Membership.objects.filter(community=community, user=gus).update(status=MembershipStatus.LEFT)
    actor = actor_for(gus, community)
    assert not discussion_policy.can_read_topic(actor, private_topic)
    assert not discussion_policy.visible_topics(actor, community).filter(pk=private_topic.pk)


def test_a_visibility_change_applies_at_once(community, public_group, public_group_topic, member):
    actor = actor_for(member, community)
    assert discussion_policy.can_read_topic(actor, Topic.objects.get(pk=public_group_topic.pk))
    public_group.visibility = Visibility.PRIVATE
    public_group.save()
    topic = Topic.objects.get(pk=public_group_topic.pk)
    assert not discussion_policy.can_read_topic(actor, topic)
    assert not discussion_policy.visible_topics(actor, community).filter(pk=topic.pk).exists()


# persona: may create a group (settings: from trust level 2)
CREATES = {
    "gina": True,  # trust level 2
    "gus": False,  # trust level 1
    "member": False,
    "moderator": True,
    "owner": True,
    "outsider": False,
    "anonymous": False,
    "banned": False,
}


@pytest.mark.parametrize("persona", list(CREATES))
def test_who_may_create_a_group(people, community, persona):
    settings = GroupSettings.objects.create(community=community, create_trust_level=2)
    actor = actor_for(people[persona], community)
    assert policy.can_create_group(actor, settings) is CREATES[persona]


def test_without_a_setting_only_staff_create_groups(community, gina, moderator):
    assert not policy.can_create_group(actor_for(gina, community), None)
    assert policy.can_create_group(actor_for(moderator, community), None)


# persona: (edits/invites to the private group, joins it)
RUNS = {
    "gina": (True, False),  # owner; already in it
    "gus": (False, False),  # plain member; already in it
    "member": (False, True),  # asks to join (request policy)
    "moderator": (True, True),
    "outsider": (False, False),
    "anonymous": (False, False),
    "banned": (False, False),
}


@pytest.mark.parametrize("persona", list(RUNS))
def test_who_runs_and_who_joins_the_private_group(people, community, private_group, persona):
    actor = actor_for(people[persona], community)
    membership = membership_of(private_group, actor.user)
    edits, joins = RUNS[persona]
    assert policy.can_edit_group(actor, private_group, membership) is edits
    assert policy.can_invite(actor, private_group, membership) is edits
    assert policy.can_join(actor, private_group, membership) is joins


def test_an_invite_only_group_takes_no_requests(community, secret_group, moderator, member):
    # Mona (staff) sees the secret group but it is by invitation.
    actor = actor_for(moderator, community)
    assert not policy.can_join(actor, secret_group, None)


def test_only_group_members_start_topics_in_a_public_groups_category(
    community, public_group, member, gus
):
    category = Category.objects.get(group=public_group)
    assert discussion_policy.can_read_category(actor_for(member, community), category)
    assert not discussion_policy.can_start_topic(actor_for(member, community), category)
    assert discussion_policy.can_start_topic(actor_for(gus, community), category)


def test_the_last_owner_cannot_leave_a_group_with_members(community, private_group, gina):
    actor = actor_for(gina, community)
    assert not policy.can_leave(actor, private_group, membership_of(private_group, gina))
    assert GroupMembership.objects.filter(group=private_group).count() == 2
