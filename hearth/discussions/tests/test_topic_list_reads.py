"""The unread-annotated topic list: the page is fetched without the viewer's read positions
and mutes joined in (PostgreSQL spent far longer planning that query than running it),
then the positions come in one small query. What it shows must not change."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.discussions import selectors, services
from hearth.discussions.models import Category, WatchLevel
from hearth.testing.factories import actor_for


def _topic(community, user, category, title):
    return services.topic_create(
        actor=actor_for(user, community), category=category, title=title, body="Hello"
    )


def _page(actor, community, **kwargs):
    return selectors.with_unread(selectors.topic_list(actor, community, **kwargs)[:30], actor)


def test_unread_new_and_mutes_as_before(community, owner, member, general):
    other = Category.objects.create(community=community, name="Other", slug="other")
    read, unread, fresh, muted = (
        _topic(community, owner, general, title) for title in ("Read", "Unread", "Fresh", "Muted")
    )
    in_muted_category = _topic(community, owner, other, "In muted category")
    me = actor_for(member, community)
    services.topic_mark_read(actor=me, topic=read, number=1)
    services.topic_mark_read(actor=me, topic=unread, number=1)
    services.post_reply(actor=actor_for(owner, community), topic=unread, body="More")
    services.post_reply(actor=actor_for(owner, community), topic=unread, body="And more")
    services.watch_set(actor=me, level=WatchLevel.MUTED, topic=muted)
    services.watch_set(actor=me, level=WatchLevel.MUTED, category=other)

    topics = {t.title: t for t in _page(me, community)}
    assert set(topics) == {"Read", "Unread", "Fresh"}
    assert (topics["Read"].unread, topics["Read"].is_new) == (0, False)
    assert (topics["Unread"].unread, topics["Unread"].is_new) == (2, False)
    assert (topics["Fresh"].unread, topics["Fresh"].is_new) == (0, True)
    # A muted category's own list still shows its topics; a muted topic stays hidden.
    in_category = _page(me, community, category=other)
    assert [t.pk for t in in_category] == [in_muted_category.pk]
    assert [t.title for t in _page(me, community, category=general)] == [
        "Unread",  # the latest reply
        "Fresh",
        "Read",
    ]
    # The filtered lists still filter on the read position.
    assert [t.title for t in _page(me, community, show="unread")] == ["Unread"]
    assert "Fresh" in [t.title for t in _page(me, community, show="new")]
    assert fresh.pk not in [t.pk for t in _page(me, community, show="unread")]
    # Visitors: nothing is new or unread, nothing muted.
    visitor = actor_for(None, community)
    seen = {t.title: t for t in _page(visitor, community)}
    assert "Muted" in seen and not any(t.unread or t.is_new for t in seen.values())


def test_page_query_joins_no_reads_mutes_or_boards(community, owner, member, general):
    for i in range(3):
        _topic(community, owner, general, f"Topic {i}")
    me = actor_for(member, community)
    with CaptureQueriesContext(connection) as queries:
        _page(me, community)
    page_query = next(q["sql"] for q in queries if 'FROM "discussions_topic"' in q["sql"])
    for table in ("discussions_topicread", "discussions_watch", "qa_question", "ideas_idea"):
        assert table not in page_query


def test_signed_in_lists_query_count_is_flat(
    client, community, owner, member, general, django_assert_max_num_queries
):
    me = actor_for(member, community)
    for i in range(2):
        services.topic_mark_read(
            actor=me, topic=_topic(community, owner, general, f"Topic {i}"), number=1
        )
    client.force_login(member)
    urls = [
        reverse("communities:home", args=[community.slug]),
        reverse("discussions:latest", args=[community.slug]),
        reverse("discussions:category", args=[community.slug, general.slug]),
    ]
    counts = {}
    for u in urls:
        client.get(u)  # the side panels' caches filled
        with CaptureQueriesContext(connection) as few:
            assert client.get(u).status_code == 200
        counts[u] = len(few)
    for i in range(12):
        topic = _topic(community, owner, general, f"More {i}")
        if i % 2:
            services.topic_mark_read(actor=me, topic=topic, number=1)
    for u in urls:
        client.get(u)  # the caches the new topics retired (panels, the bell) filled again
        with django_assert_max_num_queries(counts[u]):
            assert client.get(u).status_code == 200
