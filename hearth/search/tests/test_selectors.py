"""Who finds what: the category and community visibility rules applied to search."""

import pytest

from hearth.communities.models import MembershipStatus, Role, Visibility
from hearth.communities.policy import visible_communities
from hearth.discussions import services
from hearth.discussions.models import Category, ReadAccess
from hearth.discussions.policy import visible_categories
from hearth.search.selectors import (
    PER_PAGE,
    readable_category_ids,
    search_community,
    search_everywhere,
)
from hearth.testing.factories import (
    actor_for,
    community_factory,
    membership_factory,
    user_factory,
)

FORM = {"q": "tomato", "author": "", "category": "", "after": None, "before": None}


def titles(page):
    return sorted(hit.topic_title for hit in page.object_list)


@pytest.fixture
def admins_only(community, owner):
    return services.category_create(
        actor=actor_for(owner, community), name="Admin desk", read_access=ReadAccess.ADMINS
    )


@pytest.fixture
def one_topic_per_level(owner, general, members_only, staff_room, admins_only, start_topic):
    for category in (general, members_only, staff_room, admins_only):
        start_topic(owner, category, f"Tomato in {category.name}", "Tomato talk")


class TestCommunitySearch:
    @pytest.mark.parametrize(
        "persona, found",
        [
            ("anonymous", ["General"]),
            ("outsider", ["General"]),
            ("banned", ["General"]),
            ("newcomer", ["General", "Members lounge"]),
            ("member", ["General", "Members lounge"]),
            ("moderator", ["General", "Members lounge", "Staff room"]),
            ("admin", ["Admin desk", "General", "Members lounge", "Staff room"]),
            ("owner", ["Admin desk", "General", "Members lounge", "Staff room"]),
        ],
    )
    def test_finds_only_readable_categories(
        self, community, actor_of, one_topic_per_level, persona, found
    ):
        page = search_community(actor=actor_of(persona), community=community, form_data=FORM)
        assert titles(page) == [f"Tomato in {name}" for name in found]
        assert page.paginator.count == len(found)

    def test_category_filter_cannot_reach_past_the_rules(
        self, community, actor_of, one_topic_per_level
    ):
        form = {**FORM, "category": "staff-room"}
        assert (
            titles(search_community(actor=actor_of("member"), community=community, form_data=form))
            == []
        )
        assert titles(
            search_community(actor=actor_of("moderator"), community=community, form_data=form)
        ) == ["Tomato in Staff room"]

    def test_other_communities_are_not_searched(self, community, owner, actor_of, start_topic):
        elsewhere = community_factory(owner=owner, name="Orchard")
        start_topic(
            owner, Category.objects.get(community=elsewhere, slug="general"), "Tomato elsewhere"
        )
        page = search_community(actor=actor_of("owner"), community=community, form_data=FORM)
        assert titles(page) == []

    def test_private_community_shows_nothing_to_outsiders(self, owner, outsider, start_topic):
        private = community_factory(owner=owner, visibility=Visibility.PRIVATE)
        start_topic(owner, Category.objects.get(community=private, slug="general"), "Tomato secret")
        outsider_page = search_community(
            actor=actor_for(outsider, private), community=private, form_data=FORM
        )
        owner_page = search_community(
            actor=actor_for(owner, private), community=private, form_data=FORM
        )
        assert titles(outsider_page) == []
        assert titles(owner_page) == ["Tomato secret"]


class TestSearchEverywhere:
    @pytest.fixture
    def private(self, owner, start_topic):
        private = community_factory(owner=owner, visibility=Visibility.PRIVATE, name="Hidden")
        start_topic(owner, Category.objects.get(community=private, slug="general"), "Tomato secret")
        return private

    def test_private_communities_only_for_their_members(
        self, private, general, owner, outsider, start_topic
    ):
        start_topic(owner, general, "Tomato public")
        pending = membership_factory(private, status=MembershipStatus.PENDING).user
        member = membership_factory(private).user
        assert titles(search_everywhere(user=None, form_data=FORM)) == ["Tomato public"]
        assert titles(search_everywhere(user=outsider, form_data=FORM)) == ["Tomato public"]
        assert titles(search_everywhere(user=pending, form_data=FORM)) == ["Tomato public"]
        assert titles(search_everywhere(user=member, form_data=FORM)) == [
            "Tomato public",
            "Tomato secret",
        ]

    def test_category_levels_follow_the_role_in_each_community(self, one_topic_per_level, personas):
        assert titles(search_everywhere(user=personas["member"], form_data=FORM)) == [
            "Tomato in General",
            "Tomato in Members lounge",
        ]
        assert titles(search_everywhere(user=personas["outsider"], form_data=FORM)) == [
            "Tomato in General"
        ]
        assert len(search_everywhere(user=personas["moderator"], form_data=FORM).object_list) == 3

    def test_hits_name_their_community(self, private, owner):
        [hit] = search_everywhere(user=owner, form_data=FORM).object_list
        assert (hit.community_slug, hit.community_name) == (private.slug, "Hidden")


class TestReadableCategoryIds:
    """The one-pass computation agrees with asking the policy community by community."""

    @pytest.fixture
    def platform(self, db):
        owner = user_factory()
        searcher = user_factory(username="sam")
        roles = [
            (Visibility.PUBLIC, Role.MEMBER, MembershipStatus.ACTIVE),
            (Visibility.PUBLIC, Role.MODERATOR, MembershipStatus.ACTIVE),
            (Visibility.PRIVATE, Role.ADMIN, MembershipStatus.ACTIVE),
            (Visibility.PRIVATE, Role.MEMBER, MembershipStatus.ACTIVE),
            (Visibility.PRIVATE, None, None),
            (Visibility.PUBLIC, Role.MEMBER, MembershipStatus.BANNED),
            (Visibility.PRIVATE, Role.MEMBER, MembershipStatus.PENDING),
            (Visibility.PUBLIC, Role.OWNER, MembershipStatus.LEFT),
            (Visibility.PUBLIC, None, None),
        ]
        for visibility, role, status in roles:
            community = community_factory(owner=owner, visibility=visibility)
            for level in (ReadAccess.MEMBERS, ReadAccess.STAFF, ReadAccess.ADMINS):
                services.category_create(
                    actor=actor_for(owner, community), name=f"Level {level}", read_access=level
                )
            if role is not None:
                membership_factory(community, user=searcher, role=role, status=status)
        staff = user_factory(username="root", is_staff=True)
        return {"searcher": searcher, "owner": owner, "staff": staff, "anonymous": None}

    @pytest.mark.parametrize("who", ["searcher", "owner", "staff", "anonymous"])
    def test_matches_the_policy(self, platform, who, django_assert_max_num_queries):
        user = platform[who]
        expected = set()
        for community in visible_communities(actor_for(user)):
            actor = actor_for(user, community)
            expected |= set(visible_categories(actor, community).values_list("pk", flat=True))
        with django_assert_max_num_queries(2):
            found = readable_category_ids(user=user)
        assert sorted(found) == sorted(expected)
        assert expected  # the table above leaves everyone something to read


class TestPaging:
    @pytest.fixture
    def many(self, owner, general, start_topic, reply):
        for n in range(PER_PAGE + 5):
            topic = start_topic(owner, general, f"Tomato {n}", "Tomato")
        reply(owner, topic, "Tomato again")  # one row per topic, however many posts match

    @pytest.mark.parametrize(
        "asked, number, size",
        [
            (None, 1, PER_PAGE),
            ("2", 2, 5),
            ("99", 2, 5),
            ("abc", 1, PER_PAGE),
            ("-3", 1, PER_PAGE),
            ("9" * 40, 2, 5),
        ],
    )
    def test_pages(self, community, actor_of, many, asked, number, size):
        page = search_community(
            actor=actor_of("member"), community=community, form_data=FORM, page=asked
        )
        assert (page.number, len(page.object_list), page.paginator.count) == (
            number,
            size,
            PER_PAGE + 5,
        )

    def test_no_results_is_an_empty_first_page(self, community, actor_of):
        page = search_community(
            actor=actor_of("member"), community=community, form_data=FORM, page="7"
        )
        assert (page.number, list(page.object_list), page.paginator.count) == (1, [], 0)
