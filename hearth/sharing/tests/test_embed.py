"""The embed: the latest topics or a topic's replies, framed only by the owner's sites."""

import pytest
from django.core.exceptions import ValidationError

from hearth.discussions import services as discussion_services
from hearth.discussions.models import ReadAccess
from hearth.sharing import services
from hearth.sharing.models import EmbedSettings
from hearth.sharing.origins import normalize_origin, parse_origins
from hearth.testing.factories import actor_for

pytestmark = pytest.mark.django_db


def frame_ancestors(response) -> str:
    policy = dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
        if " " in part.strip()
    )
    return policy["frame-ancestors"]


def test_embed_is_framed_by_no_site_until_the_owner_lists_one(client, public_topic):
    response = client.get("/c/garden/embed/latest")
    assert response.status_code == 200
    assert frame_ancestors(response) == "'none'"
    assert "X-Frame-Options" not in response


def test_embed_may_be_framed_by_exactly_the_listed_origins(client, community, public_topic):
    EmbedSettings.objects.create(
        community=community, allowed_origins=["https://blog.example.org", "http://localhost:8080"]
    )
    for path in ("/c/garden/embed/latest", f"/c/garden/embed/t/{public_topic.pk}"):
        response = client.get(path)
        assert frame_ancestors(response) == "https://blog.example.org http://localhost:8080"
        assert "X-Frame-Options" not in response
        assert response["X-Robots-Tag"] == "noindex"
    # Every other page stays unframeable.
    home = client.get("/c/garden/")
    assert home["X-Frame-Options"] == "DENY"
    assert frame_ancestors(home) == "'none'"


def test_another_communitys_origins_do_not_apply(client, community, public_topic, private_topic):
    EmbedSettings.objects.create(
        community=private_topic.community, allowed_origins=["https://evil.example"]
    )
    assert frame_ancestors(client.get("/c/garden/embed/latest")) == "'none'"


@pytest.mark.parametrize("who", ["anonymous", "owner", "member"])
def test_embed_latest_shows_public_topics_only(client, hidden_topics, public_topic, personas, who):
    if personas[who] is not None:
        client.force_login(personas[who])
    text = client.get("/c/garden/embed/latest").content.decode()
    assert "Public seedlings topic" in text
    assert "Secret" not in text
    assert "--accent:#2f6f4e" in text  # the community's colour
    assert 'href="http://127.0.0.1:8000/c/garden/"' in text  # the way in


def test_embed_of_a_topic_shows_its_visible_replies_as_comments(
    client, community, member, public_topic
):
    actor = actor_for(member, community)
    discussion_services.post_reply(actor=actor, topic=public_topic, body="Lovely idea")
    held = discussion_services.post_reply(actor=actor, topic=public_topic, body="Secret held")
    discussion_services.post_set_review_state(post=held, state="held")
    gone = discussion_services.post_reply(actor=actor, topic=public_topic, body="Secret gone")
    discussion_services.post_delete(actor=actor, post=gone)
    text = client.get(f"/c/garden/embed/t/{public_topic.pk}").content.decode()
    assert "Lovely idea" in text
    assert "Secret" not in text
    assert "1 comment" in text
    assert "Join the discussion" in text


@pytest.mark.parametrize("key", ["members", "staff", "admins", "held", "flagged", "deleted"])
def test_embed_of_a_hidden_topic_is_not_found(client, owner, hidden_topics, key):
    client.force_login(owner)
    assert client.get(f"/c/garden/embed/t/{hidden_topics[key].pk}").status_code == 404


def test_embed_of_a_private_community_is_not_found(client, private_topic):
    client.force_login(private_topic.author)
    assert client.get("/c/hideout/embed/latest").status_code == 404
    assert client.get(f"/c/hideout/embed/t/{private_topic.pk}").status_code == 404


def test_embed_of_a_topic_from_another_community_is_not_found(client, community, private_topic):
    assert client.get(f"/c/garden/embed/t/{private_topic.pk}").status_code == 404


# Origins ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("https://Blog.Example.org", "https://blog.example.org"),
        ("https://blog.example.org/", "https://blog.example.org"),
        ("https://blog.example.org:443", "https://blog.example.org"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("  http://192.168.1.10  ", "http://192.168.1.10"),
    ],
)
def test_origins_are_normalised(text, origin):
    assert normalize_origin(text) == origin


@pytest.mark.parametrize(
    "text",
    [
        "blog.example.org",
        "ftp://blog.example.org",
        "javascript:alert(1)",
        "https://blog.example.org/path",
        "https://blog.example.org?x=1",
        "https://blog.example.org#top",
        "https://user:pw@blog.example.org",
        "https://*.example.org",
        "*",
        "'self'",
        "https://a.example; script-src *",
        "https://a.example https://b.example",
        "https://a.example,https://b.example",
        "https://-bad-.example",
        "https://blog.example.org:99999",
        "https://bücher.example",
        "data:",
    ],
)
def test_anything_but_a_plain_origin_is_refused(text):
    with pytest.raises(ValidationError):
        normalize_origin(text)


def test_too_many_origins_are_refused():
    with pytest.raises(ValidationError):
        parse_origins("\n".join(f"https://site{i}.example" for i in range(21)))


def test_only_owners_and_admins_set_origins(community, actor_of):
    with pytest.raises(Exception, match="owner|admin|Only"):
        services.embed_settings_update(
            actor=actor_of("moderator"), origins_text="https://a.example"
        )
    settings = services.embed_settings_update(
        actor=actor_of("admin"), origins_text="https://a.example\nhttps://A.example/\n"
    )
    assert settings.allowed_origins == ["https://a.example"]


def test_settings_page_saves_origins_and_shows_the_snippet(client, owner, community):
    client.force_login(owner)
    page = client.get("/c/garden/manage/embed/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "&lt;iframe src=&quot;http://127.0.0.1:8000/c/garden/embed/latest&quot;" in text or (
        '&lt;iframe src="http://127.0.0.1:8000/c/garden/embed/latest"' in text
    )
    response = client.post("/c/garden/manage/embed/", {"origins": "https://blog.example.org"})
    assert response.status_code == 302
    assert EmbedSettings.objects.get(community=community).allowed_origins == [
        "https://blog.example.org"
    ]


def test_settings_page_refuses_a_bad_origin_with_a_message(client, owner, community):
    client.force_login(owner)
    origins = "https://ok.example\nhttps://x.example; script-src *"
    response = client.post("/c/garden/manage/embed/", {"origins": origins})
    assert response.status_code == 400
    assert "is not a site address" in response.content.decode()
    assert not EmbedSettings.objects.filter(community=community).exists()


@pytest.mark.parametrize("who", ["moderator", "member", "outsider"])
def test_settings_page_is_for_owners_and_admins(client, personas, community, who):
    client.force_login(personas[who])
    response = client.get("/c/garden/manage/embed/")
    assert response.status_code in (403, 404)


def test_members_only_category_topic_not_embeddable(client, category_of, topic_in):
    topic = topic_in(category_of(ReadAccess.MEMBERS), "Members chat")
    assert client.get(f"/c/garden/embed/t/{topic.pk}").status_code == 404
