import pytest

from hearth.discussions import policy
from hearth.discussions.models import Category, Post
from hearth.testing.factories import actor_for

PERSONAS = ["owner", "admin", "moderator", "member", "newcomer", "banned", "outsider", "anonymous"]
STAFF = {"owner", "admin", "moderator"}
MEMBERS = STAFF | {"member", "newcomer"}


def table(allowed):
    return [(p, p in allowed) for p in PERSONAS]


@pytest.mark.parametrize("persona, allowed", table(set(PERSONAS)))
def test_read_public_category(actor_of, general, persona, allowed):
    assert policy.can_read_category(actor_of(persona), general) is allowed


@pytest.mark.parametrize("persona, allowed", table(MEMBERS))
def test_read_members_only_category(actor_of, members_only, persona, allowed):
    assert policy.can_read_category(actor_of(persona), members_only) is allowed


@pytest.mark.parametrize("persona, allowed", table(STAFF))
def test_read_staff_category(actor_of, staff_room, persona, allowed):
    assert policy.can_read_category(actor_of(persona), staff_room) is allowed


@pytest.mark.parametrize("persona, allowed", table(MEMBERS))
def test_start_topic(actor_of, general, persona, allowed):
    assert policy.can_start_topic(actor_of(persona), general) is allowed


@pytest.mark.parametrize("persona, allowed", table(MEMBERS))
def test_reply(actor_of, topic, persona, allowed):
    assert policy.can_reply(actor_of(persona), topic) is allowed


# The topic's first post is by "member".
@pytest.mark.parametrize("persona, allowed", table(STAFF | {"member"}))
def test_edit_post(actor_of, topic, persona, allowed):
    assert policy.can_edit_post(actor_of(persona), Post.objects.get(topic=topic)) is allowed


@pytest.mark.parametrize("persona, allowed", table(STAFF | {"member"}))
def test_delete_post(actor_of, topic, persona, allowed):
    assert policy.can_delete_post(actor_of(persona), Post.objects.get(topic=topic)) is allowed


@pytest.mark.parametrize("persona, allowed", table(MEMBERS - {"member"}))
def test_react(actor_of, topic, persona, allowed):
    assert policy.can_react(actor_of(persona), Post.objects.get(topic=topic)) is allowed


@pytest.mark.parametrize("persona, allowed", table(STAFF))
def test_moderate_topic(actor_of, topic, persona, allowed):
    assert policy.can_moderate_topic(actor_of(persona), topic) is allowed


@pytest.mark.parametrize("persona, allowed", table({"owner", "admin"}))
def test_manage_categories(actor_of, persona, allowed):
    assert policy.can_manage_categories(actor_of(persona)) is allowed


def test_visible_categories_match_can_read(community, personas, general, members_only, staff_room):
    everything = list(Category.objects.filter(community=community))
    for user in personas.values():
        actor = actor_for(user, community)
        listed = set(policy.visible_categories(actor, community))
        assert listed == {c for c in everything if policy.can_read_category(actor, c)}


@pytest.mark.parametrize("persona, allowed", table(MEMBERS))
def test_in_a_private_community_only_members_read_even_public_categories(
    community, actor_of, general, topic, persona, allowed
):
    """Banned members (and pending applicants) may open a private community to be told
    where they stand, but read nothing in it."""
    from hearth.communities.models import Visibility

    community.visibility = Visibility.PRIVATE
    community.save(update_fields=["visibility"])
    actor = actor_of(persona)
    assert policy.can_read_category(actor, general) is allowed
    assert policy.can_read_topic(actor, topic) is allowed
    assert (general in policy.visible_categories(actor, community)) is allowed


RIGHTS = {
    "can_edit": policy.can_edit_post,
    "can_delete": policy.can_delete_post,
    "can_restore": policy.can_restore_post,
    "can_react": policy.can_react,
    "can_flag": policy.can_flag_post,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_page_rights_are_the_single_post_rights(actor_of, personas, community, topic, persona):
    """set_post_rights (a topic page, the topic's readability asked once) answers as the
    per-post functions do, for posts of every kind and every persona."""
    from hearth.discussions import services

    own = services.post_reply(
        actor=actor_for(personas["newcomer"], community), topic=topic, body="Mine"
    )
    deleted = services.post_reply(
        actor=actor_for(personas["member"], community), topic=topic, body="Gone soon"
    )
    services.post_delete(actor=actor_for(personas["owner"], community), post=deleted)
    held = services.post_reply(
        actor=actor_for(personas["member"], community), topic=topic, body="Held back"
    )
    services.post_set_review_state(post=held, state="held")
    posts = list(Post.objects.filter(topic=topic).order_by("number"))
    assert len(posts) == 4 and own in posts
    actor = actor_of(persona)
    for post in posts:
        post.topic = topic
    policy.set_post_rights(actor, topic, posts)
    for post in posts:
        for name, right in RIGHTS.items():
            assert getattr(post, name) is right(actor, post), (persona, post.number, name)
