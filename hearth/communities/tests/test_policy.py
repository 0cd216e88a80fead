import pytest

from hearth.communities import policy
from hearth.communities.models import Membership, Role, Visibility
from hearth.testing.factories import actor_for, community_factory, membership_factory, user_factory

ALL = ["owner", "admin", "moderator", "member", "newcomer", "banned", "outsider", "anonymous"]


def _allowed(names):
    return [(name, name in names) for name in ALL]


@pytest.mark.parametrize("persona, allowed", _allowed({"owner", "admin"}))
def test_who_may_manage_the_community(actor_of, persona, allowed):
    assert policy.can_manage_community(actor_of(persona)) is allowed


@pytest.mark.parametrize("persona, allowed", _allowed({"owner", "admin"}))
def test_who_may_review_join_requests(actor_of, persona, allowed):
    assert policy.can_review_requests(actor_of(persona)) is allowed


@pytest.mark.parametrize("persona, allowed", _allowed({"owner", "admin", "moderator"}))
def test_who_may_read_the_staff_log(actor_of, persona, allowed):
    assert policy.can_view_staff_log(actor_of(persona)) is allowed


@pytest.mark.parametrize(
    "persona, allowed", _allowed({"owner", "admin", "moderator", "member", "newcomer"})
)
def test_who_may_participate(actor_of, persona, allowed):
    assert policy.can_participate(actor_of(persona)) is allowed


@pytest.mark.parametrize("persona, allowed", _allowed({"outsider"}))
def test_who_may_join(actor_of, community, persona, allowed):
    assert policy.can_join(actor_of(persona), community) is allowed


@pytest.mark.parametrize("persona, allowed", _allowed({"admin", "moderator", "member", "newcomer"}))
def test_who_may_leave(actor_of, persona, allowed):
    # The owner is the only owner, so may not leave.
    assert policy.can_leave(actor_of(persona)) is allowed


# Banning: (actor, target) -> allowed. Only strictly lower roles, never oneself.
BAN_TABLE = [
    ("owner", "admin", True),
    ("owner", "moderator", True),
    ("owner", "member", True),
    ("admin", "owner", False),
    ("admin", "admin", False),
    ("admin", "moderator", True),
    ("admin", "member", True),
    ("moderator", "owner", False),
    ("moderator", "admin", False),
    ("moderator", "moderator", False),
    ("moderator", "member", True),
    ("member", "newcomer", False),
    ("newcomer", "member", False),
    ("banned", "member", False),
    ("outsider", "member", False),
    ("anonymous", "member", False),
    ("owner", "banned", False),
]


@pytest.mark.parametrize("persona, target, allowed", BAN_TABLE)
def test_who_may_ban_whom(actor_of, personas, community, persona, target, allowed):
    membership = Membership.objects.get(community=community, user=personas[target])
    assert policy.can_ban(actor_of(persona), membership) is allowed


# Roles: (actor, target, new role) -> allowed.
ROLE_TABLE = [
    ("owner", "member", Role.ADMIN, True),
    ("owner", "member", Role.OWNER, True),
    ("owner", "admin", Role.MEMBER, True),
    ("owner", "owner", Role.MEMBER, False),  # the last owner
    ("admin", "member", Role.MODERATOR, True),
    ("admin", "moderator", Role.MEMBER, True),
    ("admin", "member", Role.ADMIN, False),
    ("admin", "member", Role.OWNER, False),
    ("admin", "owner", Role.MEMBER, False),
    ("admin", "admin", Role.MEMBER, False),
    ("moderator", "member", Role.MODERATOR, False),
    ("member", "newcomer", Role.MODERATOR, False),
    ("member", "member", Role.ADMIN, False),
    ("outsider", "member", Role.ADMIN, False),
    ("anonymous", "member", Role.ADMIN, False),
    ("owner", "banned", Role.MEMBER, False),
    ("owner", "member", "emperor", False),
]


@pytest.mark.parametrize("persona, target, new_role, allowed", ROLE_TABLE)
def test_who_may_change_whose_role(
    actor_of, personas, community, persona, target, new_role, allowed
):
    membership = Membership.objects.get(community=community, user=personas[target])
    assert policy.can_change_role(actor_of(persona), membership, new_role) is allowed


def test_a_second_owner_lets_the_first_step_down(community, owner):
    membership_factory(community, role=Role.OWNER)
    me = Membership.objects.get(community=community, user=owner)
    assert policy.can_change_role(actor_for(owner, community), me, Role.MEMBER)
    assert policy.can_leave(actor_for(owner, community))


def test_staff_of_one_community_have_no_power_in_another(community, owner, personas):
    other = community_factory()
    stranger = membership_factory(other)
    actor = actor_for(owner, community)
    assert not policy.can_ban(actor, stranger)
    assert not policy.can_change_role(actor, stranger, Role.MODERATOR)


class TestVisibility:
    @pytest.fixture
    def private(self, owner):
        return community_factory(owner=owner, visibility=Visibility.PRIVATE)

    def test_public_is_visible_to_anonymous(self, community):
        assert policy.can_view_community(actor_for(None, community), community)

    def test_private_is_hidden_from_outsiders_and_anonymous(self, private, outsider):
        assert not policy.can_view_community(actor_for(None, private), private)
        assert not policy.can_view_community(actor_for(outsider, private), private)

    def test_private_is_visible_to_members(self, private, owner):
        member = membership_factory(private).user
        assert policy.can_view_community(actor_for(member, private), private)
        assert policy.can_view_community(actor_for(owner, private), private)

    def test_platform_staff_see_private(self, private):
        staff = user_factory(is_staff=True)
        assert policy.can_view_community(actor_for(staff, private), private)

    def test_listing_shows_public_and_my_private(self, community, private, outsider, owner):
        assert set(policy.visible_communities(actor_for(None))) == {community}
        assert set(policy.visible_communities(actor_for(outsider))) == {community}
        assert set(policy.visible_communities(actor_for(owner))) == {community, private}


class TestJoinDenials:
    def test_private_needs_invite(self, owner, outsider):
        private = community_factory(owner=owner, visibility=Visibility.PRIVATE)
        assert "invite" in policy.join_denial(actor_for(outsider, private), private)

    def test_invite_only_needs_invite(self, owner, outsider):
        closed = community_factory(owner=owner, join_policy="invite")
        assert "invite only" in policy.join_denial(actor_for(outsider, closed), closed)

    def test_banned_cannot_rejoin(self, actor_of, community):
        assert "cannot rejoin" in policy.join_denial(actor_of("banned"), community)

    def test_member_cannot_join_twice(self, actor_of, community):
        assert "already a member" in policy.join_denial(actor_of("member"), community)

    def test_anonymous_is_asked_to_sign_in(self, actor_of, community):
        assert "Sign in" in policy.join_denial(actor_of("anonymous"), community)


def test_rules_change_blocks_participation_until_accepted(community, actor_of, member):
    community.rules_version += 1
    community.save()
    actor = actor_for(member, community)
    assert actor.needs_rules_acceptance
    assert "rules have changed" in policy.participate_denial(actor)


@pytest.mark.django_db
class TestPrivateCommunityInside:
    """Banned members of a private community may open it to be told where they stand, and
    see nothing inside: no topics, no members, no profiles."""

    @pytest.fixture
    def private(self, community):
        from hearth.communities.models import Visibility

        community.visibility = Visibility.PRIVATE
        community.save(update_fields=["visibility"])
        return community

    @pytest.mark.parametrize(
        "persona, inside",
        [("owner", True), ("member", True), ("banned", False), ("outsider", False),
         ("anonymous", False)],
    )  # fmt: skip
    def test_sees_inside(self, actor_of, private, persona, inside):
        assert policy.sees_inside(actor_of(persona), private) is inside

    def test_the_banned_member_sees_no_topics_or_people(self, client, private, owner, banned):
        from django.urls import reverse

        from hearth.discussions import services as discussion_services
        from hearth.discussions.models import Category
        from hearth.testing.factories import actor_for

        discussion_services.topic_create(
            actor=actor_for(owner, private),
            category=Category.objects.get(community=private, slug="general"),
            title="Inner circle plans",
            body="Only for members",
        )
        client.force_login(banned)
        home = client.get(reverse("communities:home", args=[private.slug]))
        assert home.status_code == 200
        assert b"Inner circle plans" not in home.content
        assert owner.username.encode() not in home.content
        directory = client.get(reverse("communities:members", args=[private.slug]))
        assert owner.username.encode() not in directory.content
        profile = reverse("communities:profile", args=[private.slug, owner.username])
        assert client.get(profile).status_code == 404
