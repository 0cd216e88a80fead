"""RSS feeds: the newest public topics, per community and per category, nothing else."""

import pytest

from hearth.discussions import services
from hearth.discussions.models import ReadAccess
from hearth.testing.factories import actor_for

pytestmark = pytest.mark.django_db


def test_latest_feed_has_public_topics_with_their_opening_post(client, public_topic):
    response = client.get("/c/garden/latest.rss")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    text = response.content.decode()
    assert "<title>Public seedlings topic</title>" in text
    assert f"http://127.0.0.1:8000/c/garden/t/{public_topic.slug}/{public_topic.pk}/" in text
    assert "Opening words" in text


@pytest.mark.parametrize("who", ["anonymous", "owner", "member"])
def test_latest_feed_never_has_hidden_content_whoever_asks(
    client, hidden_topics, public_topic, personas, who
):
    if personas[who] is not None:
        client.force_login(personas[who])
    text = client.get("/c/garden/latest.rss").content.decode()
    assert "Public seedlings topic" in text
    assert "Secret" not in text


def test_feed_leaves_out_a_held_opening_post_of_a_public_topic(client, community, public_topic):
    services.post_set_review_state(post=public_topic.posts.get(number=1), state="held")
    assert "Opening words" not in client.get("/c/garden/latest.rss").content.decode()


@pytest.mark.parametrize(
    ("level", "status"),
    [
        (ReadAccess.EVERYONE, 200),
        (ReadAccess.MEMBERS, 404),
        (ReadAccess.STAFF, 404),
        (ReadAccess.ADMINS, 404),
    ],
)
def test_category_feed_exists_only_for_categories_everyone_may_read(
    client, owner, category_of, topic_in, level, status
):
    category = category_of(level)
    topic_in(category, "Inside the room")
    client.force_login(owner)  # even the owner's feed reader gets the public view
    response = client.get(f"/c/garden/category/{category.slug}/latest.rss")
    assert response.status_code == status
    if status == 200:
        assert "Inside the room" in response.content.decode()


def test_category_feed_has_only_its_category(client, general, category_of, topic_in):
    other = category_of(ReadAccess.EVERYONE)
    topic_in(general, "In general")
    topic_in(other, "Elsewhere")
    text = client.get("/c/garden/category/general/latest.rss").content.decode()
    assert "In general" in text and "Elsewhere" not in text


def test_private_community_has_no_feed(client, private_topic):
    client.force_login(private_topic.author)
    assert client.get("/c/hideout/latest.rss").status_code == 404
    assert client.get("/c/hideout/category/general/latest.rss").status_code == 404


def test_feed_query_count_is_flat(
    client, community, general, topic_in, member, django_assert_max_num_queries
):
    topic_in(general, "First")
    with django_assert_max_num_queries(6) as few:
        client.get("/c/garden/latest.rss")
        client.get("/c/garden/category/general/latest.rss")
    for i in range(12):
        topic = topic_in(general, f"More {i}")
        services.post_reply(actor=actor_for(member, community), topic=topic, body="A reply")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/c/garden/latest.rss")
        client.get("/c/garden/category/general/latest.rss")
