"""The fragment live pages fetch: a topic's posts after a number, checked like the topic
page (a stream only says a post exists)."""

import pytest
from django.urls import reverse

from hearth.discussions import services
from hearth.discussions.models import ReviewState
from hearth.testing.factories import actor_for


def url(community, topic, after="1"):
    return reverse("discussions:topic-posts-after", args=[community.slug, topic.pk]) + (
        f"?after={after}" if after is not None else ""
    )


def reply(user, community, topic, body):
    return services.post_reply(actor=actor_for(user, community), topic=topic, body=body)


def test_it_renders_the_posts_after_the_number_as_the_topic_page_does(
    client, community, topic, member, admin
):
    reply(admin, community, topic, "Second")
    reply(admin, community, topic, "Third")
    client.force_login(member)
    response = client.get(url(community, topic, "2"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="post-3"' in html and "Third" in html
    assert "Second" not in html and "First post" not in html
    assert "Reply" in html  # the member may reply: the post's actions are there


def test_nothing_new_is_an_empty_fragment(client, community, topic, member):
    client.force_login(member)
    response = client.get(url(community, topic, "1"))
    assert response.status_code == 200
    assert response.content.strip() == b""


def test_a_post_in_review_is_shown_to_its_author_only(client, community, topic, member, newcomer):
    post = reply(newcomer, community, topic, "Buy cheap seeds")
    services.post_set_review_state(post=post, state=ReviewState.HELD)
    client.force_login(member)
    assert "cheap seeds" not in client.get(url(community, topic)).content.decode()
    client.force_login(newcomer)
    assert "cheap seeds" in client.get(url(community, topic)).content.decode()


@pytest.mark.parametrize("persona", ["member", "outsider", "anonymous"])
def test_a_topic_the_reader_may_not_read_is_not_found(
    persona, personas, client, community, staff_room, owner
):
    secret = services.topic_create(
        actor=actor_for(owner, community), category=staff_room, title="Pay rises", body="Raise"
    )
    if personas[persona] is not None:
        client.force_login(personas[persona])
    response = client.get(url(community, secret, "0"))
    assert response.status_code == 404
    assert b"Raise" not in response.content


@pytest.mark.parametrize("after", ["-1", "x", "99999999999999999999", ""])
def test_a_bad_number_is_a_clear_400(client, community, topic, after):
    response = client.get(url(community, topic, after))
    assert response.status_code == 400


def test_it_costs_the_same_queries_for_one_post_and_for_many(
    client, community, topic, member, admin, django_assert_max_num_queries
):
    client.force_login(member)
    reply(admin, community, topic, "One")
    with django_assert_max_num_queries(30) as one:
        client.get(url(community, topic))
    for n in range(5):
        reply(admin, community, topic, f"More {n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url(community, topic))
