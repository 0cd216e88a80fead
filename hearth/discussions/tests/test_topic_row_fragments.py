"""Topic list rows come from the fragment cache (``fragments.topic_rows``): the list reads
exactly as when rendered live, a change to what a row shows shows at once, and one
viewer's unread marker or vote never reaches another."""

import re

from django.urls import reverse

from hearth.discussions import services
from hearth.testing.factories import actor_for


def _rows(client, community) -> str:
    body = client.get(reverse("communities:home", args=[community.slug])).content.decode()
    return re.search(r'<ul class="rows topic-rows">.*?</ul>', body, re.S).group(0)


def _topic(community, author, category, title):
    return services.topic_create(
        actor=actor_for(author, community), category=category, title=title, body="Words"
    )


def test_kept_rows_read_as_live_ones(client, settings, community, member, owner, general):
    _topic(community, owner, general, "Roses in <em>winter</em>")
    _topic(community, member, general, "Tulips")
    client.force_login(member)
    settings.HEARTH_POST_FRAGMENT_CACHE = False
    live = _rows(client, community)
    settings.HEARTH_POST_FRAGMENT_CACHE = True
    assert _rows(client, community) == live  # rendered and kept
    assert _rows(client, community) == live  # from the cache
    assert "Roses in &lt;em&gt;winter&lt;/em&gt;" in live


def test_a_reply_and_a_rename_show_at_once(client, community, member, owner, admin, general):
    topic = _topic(community, owner, general, "Roses")
    client.force_login(member)
    assert "<strong>0</strong>" in _rows(client, community)
    services.post_reply(actor=actor_for(admin, community), topic=topic, body="A reply")
    admin.display_name = "Adam the Renamed"
    admin.save()
    rows = _rows(client, community)
    assert "<strong>1</strong>" in rows and "Adam the Renamed" in rows


def test_one_viewers_unread_marker_is_not_anothers(
    client, settings, community, member, owner, admin, general
):
    topic = _topic(community, owner, general, "Roses")
    services.post_reply(actor=actor_for(owner, community), topic=topic, body="More")
    client.force_login(admin)  # the admin reads it all; the member never opened it
    client.get(reverse("discussions:topic", args=[community.slug, topic.slug, topic.pk]))
    settings.HEARTH_POST_FRAGMENT_CACHE = False
    live = {}
    for viewer in (member, admin):
        client.force_login(viewer)
        live[viewer.pk] = _rows(client, community)
    assert live[member.pk] != live[admin.pk]  # Roses is new to the member only
    settings.HEARTH_POST_FRAGMENT_CACHE = True
    for viewer in (member, admin, member, admin):
        client.force_login(viewer)
        assert _rows(client, community) == live[viewer.pk]
