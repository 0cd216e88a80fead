"""The staff log shows each viewer only the categories (and topics in them) they may read."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.discussions import services
from hearth.discussions.models import ReadAccess
from hearth.testing.factories import actor_for


def _log(client, user, community):
    client.force_login(user)
    page = client.get(reverse("communities:manage-log", args=[community.slug]))
    assert page.status_code == 200
    return page.content.decode()


def _admins_only_history(community, owner, topic):
    actor = actor_for(owner, community)
    secret = services.category_create(
        actor=actor, name="Board room", slug="board-room", read_access=ReadAccess.ADMINS
    )
    services.topic_move(actor=actor, topic=topic, category=secret)
    services.topic_retitle(actor=actor, topic=topic, title="Acquisition talks")
    return secret


def test_a_moderator_does_not_see_an_admins_only_category_in_the_log(
    client, community, owner, moderator, topic
):
    _admins_only_history(community, owner, topic)
    body = _log(client, moderator, community)
    assert "board-room" not in body and "Acquisition talks" not in body
    assert body.count("Details hidden") == 3  # created, moved into, retitled
    assert "Moved a topic" in body  # the line itself stays


def test_an_admin_sees_the_whole_log(client, community, owner, admin, topic):
    _admins_only_history(community, owner, topic)
    body = _log(client, admin, community)
    assert "board-room" in body and "Acquisition talks" in body
    assert "Details hidden" not in body


def test_the_log_query_count_is_flat(
    client, community, owner, moderator, topic, django_assert_max_num_queries
):
    _admins_only_history(community, owner, topic)
    client.force_login(moderator)
    url = reverse("communities:manage-log", args=[community.slug])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        services.topic_retitle(actor=actor_for(owner, community), topic=topic, title=f"Title {n}")
    with django_assert_max_num_queries(len(few)):
        client.get(url)
