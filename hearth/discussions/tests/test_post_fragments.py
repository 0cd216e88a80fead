"""A post's byline and text come from the fragment cache (hearth.discussions.fragments):
the page reads exactly as when rendered live, changes show at once, and what depends on
the viewer (menus, reactions, deleted text for staff) is never taken from the cache."""

import re

import pytest
from django.urls import reverse

from hearth.discussions import services
from hearth.discussions.models import Post
from hearth.testing.factories import actor_for


def topic_url(topic):
    return reverse("discussions:topic", args=[topic.community.slug, topic.slug, topic.pk])


def _page(client, topic):
    body = client.get(topic_url(topic) + "?page=1").content.decode()
    body = re.sub(r"\b[A-Za-z0-9]{64}\b", "", body)  # CSRF tokens differ per request
    return re.sub(r'value="[^"]*" id="id_(client_token|opened)"', "", body)  # so do these


@pytest.fixture
def thread(community, owner, member, admin, general):
    topic = services.topic_create(
        actor=actor_for(member, community), category=general, title="Roses", body="**Bold** start"
    )
    first = Post.objects.get(topic=topic, number=1)
    services.post_reply(
        actor=actor_for(admin, community), topic=topic, body="A reply", reply_to=first
    )
    services.post_reply(actor=actor_for(owner, community), topic=topic, body="Staff words")
    return topic


def test_cached_page_reads_as_the_live_one(client, settings, member, thread):
    client.force_login(member)
    settings.HEARTH_POST_FRAGMENT_CACHE = False
    _page(client, thread)  # the first visit moves the reading position
    live = _page(client, thread)
    settings.HEARTH_POST_FRAGMENT_CACHE = True
    assert _page(client, thread) == live  # rendered and kept
    assert _page(client, thread) == live  # from the cache
    assert "in reply to @mel" in live and "<strong>Bold</strong>" in live


def test_edits_and_renames_show_at_once(client, community, member, admin, thread):
    client.force_login(member)
    _page(client, thread)
    reply = Post.objects.get(topic=thread, number=2)
    services.post_edit(actor=actor_for(admin, community), post=reply, body="Better reply")
    admin.display_name = "Adam the Renamed"
    admin.save()
    body = _page(client, thread)
    assert "Better reply" in body and "A reply</p>" not in body
    assert "Adam the Renamed" in body and "edited" in body


def test_viewer_specific_parts_are_never_shared(client, community, owner, member, thread):
    reply = Post.objects.get(topic=thread, number=2)
    client.force_login(owner)
    staff_page = _page(client, thread)
    client.force_login(member)
    member_page = _page(client, thread)
    delete_url = reverse("discussions:post-delete", args=[community.slug, reply.pk])
    assert delete_url in staff_page and delete_url not in member_page
    services.post_delete(actor=actor_for(owner, community), post=reply)
    member_page = _page(client, thread)
    assert "This post was deleted." in member_page and "A reply" not in member_page
    client.force_login(owner)
    assert "Show deleted text (staff)" in _page(client, thread)


def test_my_reactions_are_mine_alone(client, community, owner, member, admin, thread):
    reply = Post.objects.get(topic=thread, number=3)
    mine = f'id="react-{reply.pk}-heart" class="reaction reaction--given reaction--mine"'
    given = f'id="react-{reply.pk}-heart" class="reaction reaction--given"'
    client.force_login(admin)
    assert mine not in _page(client, thread)
    services.reaction_toggle(actor=actor_for(member, community), post=reply, kind="heart")
    client.force_login(member)
    assert mine in _page(client, thread)
    client.force_login(admin)
    body = _page(client, thread)
    assert mine not in body and given in body
    client.logout()
    body = _page(client, thread)
    assert mine not in body and given not in body and "reaction--static" in body


def test_a_kept_post_carries_this_requests_csrf_token(community, member, thread):
    from django.test import Client

    from hearth.testing.factories import membership_factory

    other = membership_factory(community, trust_level=1).user  # the same rights as member

    reply = Post.objects.get(topic=thread, number=3)
    react_url = reverse("discussions:post-react", args=[community.slug, reply.pk])
    form = re.compile(
        re.escape(f'action="{react_url}"')
        + r'[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"'
    )
    first = Client(enforce_csrf_checks=True)
    first.force_login(member)
    first.get(topic_url(thread) + "?page=1")  # kept for every viewer with the same rights
    second = Client(enforce_csrf_checks=True)
    second.force_login(other)
    body = second.get(topic_url(thread) + "?page=1").content.decode()
    token = form.search(body).group(1)
    response = second.post(react_url, {"kind": "heart", "csrfmiddlewaretoken": token})
    assert response.status_code in (200, 302)


def test_a_warm_page_reads_the_kept_articles_alone(client, member, thread, monkeypatch):
    """A post whose whole article is kept needs none of its parts: the warm page reads one
    entry per post, not four."""
    from hearth.discussions import fragments

    client.force_login(member)
    _page(client, thread)
    _page(client, thread)  # the reading position no longer moves: the same articles
    read = []
    real_get_many = fragments.cache.get_many

    def counting_get_many(keys, *args, **kwargs):
        read.append(list(keys))
        return real_get_many(keys, *args, **kwargs)

    monkeypatch.setattr(fragments.cache, "get_many", counting_get_many)
    _page(client, thread)
    post_reads = [keys for keys in read if keys and keys[0].startswith("hearth:postfrag:")]
    assert len(post_reads) == 1
    assert [key.split(":")[2] for key in post_reads[0]] == ["p", "p", "p"]
