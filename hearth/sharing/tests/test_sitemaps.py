"""Sitemaps and robots.txt: public content only, paged by id range, flat query counts."""

import re

import pytest
from django.test import override_settings

from hearth.communities.models import Community, Visibility
from hearth.members.models import MemberProfile
from hearth.sharing import selectors

pytestmark = pytest.mark.django_db


def locs(response) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", response.content.decode())


def all_sitemap_urls(client, slug="garden") -> str:
    index = client.get(f"/c/{slug}/sitemap.xml")
    assert index.status_code == 200
    assert index["Content-Type"].startswith("application/xml")
    text = ""
    for loc in locs(index):
        page = client.get(loc.removeprefix("http://127.0.0.1:8000"))
        assert page.status_code == 200
        text += page.content.decode()
    return text


def test_sitemap_lists_public_topics_categories_and_profiles(
    client, community, public_topic, member
):
    text = all_sitemap_urls(client)
    assert f"/c/garden/t/{public_topic.slug}/{public_topic.pk}/" in text
    assert "/c/garden/category/general/" in text
    assert "/c/garden/u/mel/" in text
    assert "<urlset" in text


@pytest.mark.parametrize("who", ["anonymous", "owner", "member"])
def test_sitemap_never_lists_hidden_content_whoever_asks(
    client, community, hidden_topics, public_topic, category_of, personas, who
):
    if personas[who] is not None:
        client.force_login(personas[who])
    text = all_sitemap_urls(client)
    assert public_topic.title.split()[0].lower() in text
    for topic in hidden_topics.values():
        assert f"/{topic.pk}/" not in text
    assert "room-members" not in text and "room-staff" not in text and "room-admins" not in text


def test_sitemap_leaves_out_members_who_hid_their_profile(client, community, member, newcomer):
    MemberProfile.objects.filter(user=member).update(hide_from_non_members=True)
    MemberProfile.objects.filter(user=newcomer).update(hide_from_directory=True)
    text = all_sitemap_urls(client)
    assert "/u/mel/" not in text
    assert "/u/nico/" not in text
    assert "/u/olivia/" in text


def test_private_community_has_no_sitemap_even_for_its_members(client, private_topic):
    client.force_login(private_topic.author)
    for path in ("sitemap.xml", "sitemap-pages.xml", "sitemap-topics-1.xml"):
        assert client.get(f"/c/hideout/{path}").status_code == 404


def test_sitemap_pages_are_id_ranges(client, community, general, topic_in, monkeypatch):
    monkeypatch.setattr(selectors, "SITEMAP_PAGE_SIZE", 2)
    topics = [topic_in(general, f"Topic {i}") for i in range(5)]
    index = locs(client.get("/c/garden/sitemap.xml"))
    topic_pages = [loc for loc in index if "sitemap-topics-" in loc]
    seen = []
    for loc in topic_pages:
        page = locs(client.get(loc.removeprefix("http://127.0.0.1:8000")))
        assert 0 < len(page) <= 2
        seen += page
    assert sorted(seen) == sorted(
        f"http://127.0.0.1:8000/c/garden/t/{t.slug}/{t.pk}/" for t in topics
    )
    # A range with nothing public in it is not a page.
    assert client.get("/c/garden/sitemap-topics-999.xml").status_code == 404


def test_sitemap_query_counts_are_flat(
    client, community, general, topic_in, django_assert_max_num_queries
):
    topic_in(general, "One")
    with django_assert_max_num_queries(8) as few:
        client.get("/c/garden/sitemap-topics-1.xml")
        client.get("/c/garden/sitemap.xml")
        client.get("/c/garden/sitemap-members-1.xml")
    for i in range(15):
        topic_in(general, f"More {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/c/garden/sitemap-topics-1.xml")
        client.get("/c/garden/sitemap.xml")
        client.get("/c/garden/sitemap-members-1.xml")


@override_settings(SITE_URL="https://forum.example.org")
def test_robots_points_to_public_sitemaps_and_keeps_crawlers_out_of_private_paths(
    client, community, private_topic
):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: https://forum.example.org/c/garden/sitemap.xml" in text
    assert "hideout" not in text
    for path in ("/accounts/", "/admin/", "/api/", "/c/*/search", "/c/*/embed/"):
        assert f"Disallow: {path}\n" in text
    # Pages behind a sign-in send a crawler to sign in: nothing there to keep it from.
    for path in ("/c/*/manage/", "/c/*/health/", "/new"):
        assert f"Disallow: {path}\n" not in text
    for path in ("/accounts/login/", "/accounts/signup/"):
        assert f"Allow: {path}\n" in text
    Community.objects.filter(slug="garden").update(visibility=Visibility.PRIVATE)
    assert "garden" not in client.get("/robots.txt").content.decode()
