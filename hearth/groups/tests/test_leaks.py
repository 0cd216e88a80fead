"""Private and secret groups' content never leaks. For each surface: a member of the group
finds the topic, a member of the community who is not in the group (Mel), a signed-out
visitor and (for the secret group) anyone who is not in it find nothing: 404s where an
address is asked for, no hit where a list or search is."""

import json
import re

import pytest
from django.test import override_settings

from hearth.analytics import drilldowns
from hearth.api import services as api_services
from hearth.discussions import services as discussions
from hearth.discussions.models import Watch
from hearth.discussions.policy import readable_categories_filter, readable_filter_key
from hearth.groups import services
from hearth.groups.tests.conftest import SECRET_WORD
from hearth.notifications import fanout
from hearth.notifications.models import Notification
from hearth.notifications.policy import visible_notifications
from hearth.testing.factories import actor_for, community_factory, membership_factory

pytestmark = pytest.mark.django_db

API = "/api/v1/communities/garden"


def topic_url(topic):
    return f"/c/garden/t/{topic.slug}/{topic.pk}/"


def api_key(user, community):
    return api_services.api_key_create(
        actor=actor_for(user, community), name="k", kind="member", scopes=["read"]
    )[1]


def api_get(client, path, token):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture(params=["private", "secret"])
def hidden(request, private_topic, secret_topic):
    return {"private": private_topic, "secret": secret_topic}[request.param]


def test_the_topic_address_is_a_404_to_non_members(client, hidden, member, gus, moderator):
    assert client.get(topic_url(hidden)).status_code == 404
    client.force_login(member)
    assert client.get(topic_url(hidden)).status_code == 404
    assert client.get(f"/c/garden/category/{hidden.category.slug}/").status_code == 404
    client.force_login(gus)
    assert client.get(topic_url(hidden)).status_code == 200
    client.force_login(moderator)
    assert client.get(topic_url(hidden)).status_code == 200


def test_lists_and_home_show_nothing_of_it(client, hidden, member):
    client.force_login(member)
    for path in ("/c/garden/", "/c/garden/latest", "/c/garden/categories"):
        response = client.get(path)
        assert response.status_code in (200, 404)
        assert hidden.title not in response.content.decode(), path


def test_group_pages(client, private_group, secret_group, private_topic, secret_topic, member):
    client.force_login(member)
    listing = client.get("/c/garden/groups/").content.decode()
    assert private_group.name in listing and secret_group.name not in listing
    page = client.get(f"/c/garden/groups/{private_group.slug}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert private_topic.title not in body and "Only the group's members" in body
    assert "@gus" not in body and ">Gus<" not in body  # no member list either
    assert client.get(f"/c/garden/groups/{secret_group.slug}/").status_code == 404
    client.logout()
    assert client.get(f"/c/garden/groups/{secret_group.slug}/").status_code == 404
    assert secret_group.name not in client.get("/c/garden/groups/").content.decode()


def test_search_finds_it_only_for_members(client, hidden, member, gus):
    client.force_login(member)
    for path in (f"/c/garden/search?q={SECRET_WORD}", f"/search?q={SECRET_WORD}"):
        assert hidden.title not in client.get(path).content.decode(), path
    client.force_login(gus)
    assert hidden.title in client.get(f"/c/garden/search?q={SECRET_WORD}").content.decode()
    assert hidden.title in client.get(f"/search?q={SECRET_WORD}").content.decode()


def test_search_across_communities_keeps_each_communitys_groups(community, hidden, gus):
    # Search shares one category condition between a user's memberships with equal keys;
    # a member's groups belong to one community, so two communities never share a key
    # (else one community's groups would stand in for the other's).
    elsewhere = community_factory(slug="orchard")
    membership_factory(elsewhere, user=gus)
    here, there = actor_for(gus, community), actor_for(gus, elsewhere)
    assert readable_filter_key(here) != readable_filter_key(there)
    assert readable_categories_filter(here) != readable_categories_filter(there)


def test_feeds_never_carry_it(client, hidden, public_group_topic):
    latest = client.get("/c/garden/latest.rss").content.decode()
    assert public_group_topic.title in latest
    assert hidden.title not in latest and SECRET_WORD not in latest
    category_feed = client.get(f"/c/garden/category/{hidden.category.slug}/latest.rss")
    assert category_feed.status_code == 404


def test_the_sitemap_never_lists_it(client, hidden, public_group_topic):
    index = client.get("/c/garden/sitemap.xml").content.decode()
    text = ""
    for loc in re.findall(r"<loc>([^<]+)</loc>", index):
        text += client.get(re.sub(r"^https?://[^/]+", "", loc)).content.decode()
    assert f"/t/{public_group_topic.slug}/{public_group_topic.pk}/" in text
    assert f"/{hidden.pk}/" not in text and hidden.category.slug not in text


def test_share_cards_and_embeds_are_404(client, hidden):
    assert client.get(f"/c/garden/embed/t/{hidden.pk}").status_code == 404
    assert client.get(f"/c/garden/card/t/{hidden.pk}.png").status_code == 404


def test_the_api_lists_and_opens_it_only_for_members(client, community, hidden, member, gus):
    token = api_key(member, community)
    listed = api_get(client, f"{API}/topics", token)
    assert listed.status_code == 200
    assert hidden.pk not in [t["id"] for t in listed.json()["items"]]
    assert api_get(client, f"{API}/topics/{hidden.pk}", token).status_code == 404
    assert api_get(client, f"{API}/topics/{hidden.pk}/posts", token).status_code == 404
    post = hidden.posts.get(number=1)
    assert api_get(client, f"{API}/posts/{post.pk}", token).status_code == 404
    categories = api_get(client, f"{API}/categories", token).json()
    assert hidden.category.slug not in json.dumps(categories)
    searched = api_get(client, f"{API}/search?q={SECRET_WORD}", token).json()
    assert hidden.title not in json.dumps(searched)
    token = api_key(gus, community)
    assert api_get(client, f"{API}/topics/{hidden.pk}", token).status_code == 200
    assert hidden.pk in [t["id"] for t in api_get(client, f"{API}/topics", token).json()["items"]]


def test_the_compat_api_never_shows_it(client, hidden, member):
    client.force_login(member)
    latest = client.get("/c/garden/compat/latest.json").content.decode()
    assert hidden.title not in latest
    assert client.get(f"/c/garden/compat/t/{hidden.pk}.json").status_code == 404
    assert client.get(f"/c/garden/compat/c/{hidden.category.pk}.json").status_code == 404
    assert (
        hidden.category.slug not in client.get("/c/garden/compat/categories.json").content.decode()
    )
    search = client.get(f"/c/garden/compat/search.json?q={SECRET_WORD}").content.decode()
    assert hidden.title not in search


def test_notifications_ask_the_policy_per_recipient(community, hidden, member, gus, gina):
    # A watch left over from before (or set by hand) must not carry the group's posts out.
    for user in (member, gina):
        Watch.objects.create(
            community=community, user=user, category=hidden.category, level="watching"
        )
    discussions.post_reply(
        actor=actor_for(gus, community), topic=hidden, body="Hey @mel and @gina, look"
    )
    fanout.process(community)
    assert not Notification.objects.filter(recipient=member).exists()
    assert Notification.objects.filter(recipient=gina, topic=hidden).exists()


def test_a_notification_disappears_when_its_reader_leaves_the_group(community, hidden, gus, gina):
    discussions.post_reply(actor=actor_for(gina, community), topic=hidden, body="@gus see this")
    fanout.process(community)
    assert visible_notifications(gus, community).filter(topic=hidden).exists()
    services.group_leave(actor=actor_for(gus, community), group=hidden.category.group)
    assert not visible_notifications(gus, community).filter(topic=hidden).exists()


def test_the_directory_filters_only_by_groups_the_viewer_may_see(
    client, private_group, secret_group, public_group, member, gus
):
    client.force_login(member)
    for group in (private_group, secret_group):
        body = client.get(f"/c/garden/members/?group={group.slug}").content.decode()
        assert "That group filter is not available" in body
        assert f'value="{group.slug}"' not in body
    body = client.get(f"/c/garden/members/?group={public_group.slug}").content.decode()
    assert "/c/garden/u/gus/" in body and "/c/garden/u/olivia/" not in body
    client.force_login(gus)
    body = client.get(f"/c/garden/members/?group={secret_group.slug}").content.decode()
    assert "/c/garden/u/gina/" in body and "/c/garden/u/olivia/" not in body


def test_the_member_api_refuses_a_group_filter_the_viewer_may_not_use(
    client, community, private_group, member, gus
):
    response = api_get(
        client, f"{API}/members?group={private_group.slug}", api_key(member, community)
    )
    assert response.status_code == 422
    response = api_get(client, f"{API}/members?group={private_group.slug}", api_key(gus, community))
    assert sorted(m["username"] for m in response.json()["items"]) == ["gina", "gus"]


def test_a_profiles_recent_posts_leave_it_out(client, hidden, member, gus):
    client.force_login(member)
    assert hidden.title not in client.get("/c/garden/u/gus/").content.decode()
    client.force_login(gus)
    assert hidden.title in client.get("/c/garden/u/gus/").content.decode()


def test_analytics_drilldowns_name_it_only_to_those_who_read_it(
    community, hidden, member, moderator
):
    items = [hidden.pk]
    for metric in drilldowns.TOPIC_DRILLDOWNS:
        assert (
            drilldowns.readable_items(actor_for(member, community), community, metric, items) == []
        )
        # Community staff read every group's categories, to moderate them.
        assert (
            drilldowns.readable_items(actor_for(moderator, community), community, metric, items)
            == items
        )


def test_live_updates_pass_no_announcement_of_it(community, hidden, member, gus):
    from hearth.live.broadcast import Message
    from hearth.live.channels import latest_channel
    from hearth.live.policy import latest_filter

    message = Message(
        channel=latest_channel(community.pk), id="1", event="topic",
        data={"category": hidden.category_id},
    )  # fmt: skip
    assert not latest_filter(actor_for(member, community), community)(message)
    assert latest_filter(actor_for(gus, community), community)(message)


@override_settings(HEARTH_PANEL_CACHE=True)
def test_the_home_events_card_shows_a_group_event_only_to_its_members(
    client, community, hidden, owner, member, gus
):
    from hearth.events import services as event_services
    from hearth.events.tests.conftest import event_fields

    event_services.event_create(
        actor=actor_for(owner, community),
        category=hidden.category,
        **event_fields(title="Zucchini night"),
    )
    # The card is kept per audience: the group's member fills it first.
    client.force_login(gus)
    assert "Zucchini night" in client.get("/c/garden/").content.decode()
    client.force_login(member)
    assert "Zucchini night" not in client.get("/c/garden/").content.decode()
    client.logout()
    assert "Zucchini night" not in client.get("/c/garden/").content.decode()
