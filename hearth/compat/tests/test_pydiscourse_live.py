"""pydiscourse, the Discourse API client from PyPI, against a running Hearth server (a real
HTTP server on a local port, pytest-django's ``live_server``), pointed at a community's
compat base: it reads, posts and searches with no change to the client."""

import pytest
from pydiscourse import DiscourseClient
from pydiscourse.exceptions import DiscourseClientError

from hearth.api import services as api_services
from hearth.discussions import services
from hearth.discussions.models import Category, Post, ReadAccess, Topic
from hearth.testing.factories import actor_for


@pytest.fixture
def garden_key(community, owner, member):
    return api_services.api_key_create(actor=actor_for(owner, community), name="Discourse bot")[1]


def refusal(call, *args, **kwargs) -> tuple[int, str]:
    """The status and message of the client error a call raises. The response is closed at
    once: an error kept alive would hold its connection (and a server thread) open."""
    with pytest.raises(DiscourseClientError) as raised:
        call(*args, **kwargs)
    response = raised.value.response
    status, message = response.status_code, str(raised.value)
    response.close()
    del raised
    return status, message


def client_for(live_server, key, username):
    return DiscourseClient(
        f"{live_server.url}/c/garden/compat", api_username=username, api_key=key, timeout=30
    )


def test_pydiscourse_reads_and_writes(live_server, community, owner, member, general, garden_key):
    secret_category = services.category_create(
        actor=actor_for(owner, community), name="Staff room", read_access=ReadAccess.STAFF
    )
    secret = services.topic_create(
        actor=actor_for(owner, community),
        category=secret_category,
        title="Staff only plans",
        body="Confidential compost strategy",
    )
    bot = client_for(live_server, garden_key, "mel")

    # Categories: what Mel may read, not the staff room.
    categories = bot.categories()
    assert general.pk in [c["id"] for c in categories]
    assert secret_category.pk not in [c["id"] for c in categories]

    # A new topic (create_post with a title and a category), then a reply to it.
    created = bot.create_post(
        "Who has spare tomato seedlings this spring?",
        category_id=general.pk,
        title="Tomato seedling swap",
    )
    topic = Topic.objects.get(pk=created["topic_id"])
    assert topic.author == member and topic.title == "Tomato seedling swap"
    reply = bot.create_post("I have six Gardener's Delight to give away.", topic_id=topic.pk)
    assert reply["post_number"] == 2 and reply["username"] == "mel"
    assert Post.objects.filter(topic=topic).count() == 2

    # Latest: the new topic first; the staff topic nowhere.
    latest = bot.latest_topics()["topic_list"]["topics"]
    assert latest[0]["id"] == topic.pk and latest[0]["posts_count"] == 2
    assert secret.pk not in [t["id"] for t in latest]

    # The topic, by slug and id, and its posts.
    shown = bot.topic(topic.slug, topic.pk)
    assert [p["post_number"] for p in shown["post_stream"]["posts"]] == [1, 2]
    assert "tomato seedlings" in shown["post_stream"]["posts"][0]["cooked"]
    posts = bot.topic_posts(topic.pk)["post_stream"]["posts"]
    assert [p["id"] for p in posts] == [created["id"], reply["id"]]
    assert bot.post_by_id(reply["id"])["raw"].startswith("I have six")
    assert [p["id"] for p in bot.latest_posts()["latest_posts"]][0] == reply["id"]

    # A user, and search.
    user = bot.user("mel")
    assert user["username"] == "mel" and user["post_count"] == 2
    found = bot.search("seedlings")
    assert topic.pk in [p["topic_id"] for p in found["posts"]]
    assert bot.search("compost")["posts"] == []

    # The staff topic is absent to Mel, present to the key's creator.
    assert refusal(bot.topic, secret.slug, secret.pk)[0] == 404
    staff = client_for(live_server, garden_key, "olivia")
    assert staff.topic(secret.slug, secret.pk)["title"] == "Staff only plans"


def test_pydiscourse_sees_refusals_as_client_errors(live_server, community, topic, garden_key):
    bad = client_for(live_server, "hth_nope_nope", "mel")
    status, message = refusal(bad.latest_topics)
    assert status == 403 and "invalid" in message.lower()

    outsider = client_for(live_server, garden_key, "nobody-here")
    status, message = refusal(outsider.create_post, "Let me in", topic_id=topic.pk)
    assert status == 403 and "not a member" in message

    empty = client_for(live_server, garden_key, "mel")
    category = Category.objects.first().pk
    status, _ = refusal(empty.create_post, "Body without a title", category_id=category)
    assert status == 422
    assert Post.objects.filter(topic=topic).count() == 1
