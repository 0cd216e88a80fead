"""Share cards, canonical URLs, descriptions and structured data on public pages; nothing
of the kind on pages the public may not read."""

import io
import json
import re

import pytest
from PIL import Image

from hearth.discussions import services as discussion_services
from hearth.discussions.models import CategoryKind, ReadAccess
from hearth.members.models import MemberProfile
from hearth.qa import services as qa_services
from hearth.sharing import cards
from hearth.testing.factories import actor_for

pytestmark = pytest.mark.django_db

BREAKOUT = "</script><script>alert(1)</script>"


def topic_path(topic) -> str:
    return f"/c/{topic.community.slug}/t/{topic.slug}/{topic.pk}/"


def head(response) -> str:
    return response.content.decode().split("</head>")[0]


def meta(response, key: str) -> str | None:
    pattern = rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"'
    match = re.search(pattern, head(response))
    return match.group(1) if match else None


def json_ld(response) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', head(response), re.S)
    return [json.loads(block) for block in blocks]


def test_topic_page_has_a_share_card_canonical_url_and_description(client, public_topic):
    response = client.get(topic_path(public_topic))
    assert meta(response, "og:title") == "Public seedlings topic"
    assert meta(response, "og:type") == "article"
    assert meta(response, "description") == "Opening words"
    assert meta(response, "og:site_name") == "Garden Club"
    assert meta(response, "twitter:card") == "summary_large_image"
    assert meta(response, "og:image").startswith(
        f"http://127.0.0.1:8000/c/garden/card/t/{public_topic.pk}.png?v="
    )
    canonical = f"http://127.0.0.1:8000{topic_path(public_topic)}"
    assert f'<link rel="canonical" href="{canonical}">' in head(response)
    assert "<title>Public seedlings topic · Garden Club</title>" in head(response)
    assert 'type="application/rss+xml"' in head(response)
    assert "noindex" not in head(response)
    [posting] = json_ld(response)
    assert posting["@type"] == "DiscussionForumPosting"
    assert posting["headline"] == "Public seedlings topic"
    assert posting["url"] == canonical
    assert posting["author"]["name"] == "Olivia"


def test_community_list_and_category_pages_have_cards(client, community, general):
    for path in ("/c/garden/", "/c/garden/latest", "/c/garden/category/general/"):
        response = client.get(path)
        assert meta(response, "og:url") == f"http://127.0.0.1:8000{path}", path
    assert meta(client.get("/c/garden/category/general/"), "og:title") == "General · Garden Club"


def test_a_title_cannot_break_out_of_the_structured_data(client, general, topic_in):
    topic = topic_in(general, f"Hi {BREAKOUT} & <b>bold</b>")
    response = client.get(topic_path(topic))
    page = head(response)
    assert page.count("<script") == page.count("<script src=") + 1  # only the JSON-LD block
    assert "alert(1)</script>" not in page
    [posting] = json_ld(response)
    assert posting["headline"] == f"Hi {BREAKOUT} & <b>bold</b>"  # the data survives intact
    # The attribute copies are HTML-escaped too.
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in meta(response, "og:title")


def test_a_solved_question_is_a_qa_page(client, community, owner, member, category_of, topic_in):
    support = category_of(ReadAccess.EVERYONE, kind=CategoryKind.QUESTIONS)
    question = topic_in(support, "How deep do I plant garlic?")
    answer = discussion_services.post_reply(
        actor=actor_for(member, community), topic=question, body="About 5 cm deep."
    )
    response = client.get(topic_path(question))
    assert json_ld(response)[0]["@type"] == "DiscussionForumPosting"  # not solved yet
    qa_services.answer_accept(actor=actor_for(owner, community), answer=answer)
    [page] = json_ld(client.get(topic_path(question)))
    assert page["@type"] == "QAPage"
    assert page["mainEntity"]["@type"] == "Question"
    assert page["mainEntity"]["name"] == "How deep do I plant garlic?"
    accepted = page["mainEntity"]["acceptedAnswer"]
    assert accepted["text"] == "About 5 cm deep."
    assert accepted["author"]["name"] == "Mel"
    assert accepted["url"].endswith(f"#post-{answer.number}")


@pytest.mark.parametrize("level", [ReadAccess.MEMBERS, ReadAccess.STAFF, ReadAccess.ADMINS])
def test_a_members_only_topic_has_no_card_even_for_those_who_may_read_it(
    client, owner, category_of, topic_in, level
):
    topic = topic_in(category_of(level), "Secret plans")
    client.force_login(owner)
    response = client.get(topic_path(topic))
    assert response.status_code == 200
    assert "og:" not in head(response)
    assert "ld+json" not in head(response)
    assert "canonical" not in head(response)
    assert client.get(f"/c/garden/card/t/{topic.pk}.png").status_code == 404


@pytest.mark.parametrize("key", ["held", "flagged", "deleted"])
def test_topics_out_of_public_sight_have_no_card(client, owner, hidden_topics, key):
    topic = hidden_topics[key]
    client.force_login(owner)  # staff still read them
    response = client.get(topic_path(topic))
    assert response.status_code == 200
    assert "og:" not in head(response)
    assert client.get(f"/c/garden/card/t/{topic.pk}.png").status_code == 404


def test_a_private_community_has_no_cards(client, private_topic):
    client.force_login(private_topic.author)
    for path in ("/c/hideout/", topic_path(private_topic), "/c/hideout/latest"):
        response = client.get(path)
        assert response.status_code == 200
        assert "og:" not in head(response), path
        assert "description" in head(response)
    assert client.get("/c/hideout/card.png").status_code == 404
    assert client.get(f"/c/hideout/card/t/{private_topic.pk}.png").status_code == 404


def test_a_profile_has_a_card_unless_the_member_hid_it(client, member):
    response = client.get("/c/garden/u/mel/")
    assert meta(response, "og:type") == "profile"
    assert meta(response, "og:title") == "Mel in Garden Club"
    assert client.get("/c/garden/card/u/mel.png").status_code == 200
    MemberProfile.objects.filter(user=member).update(hide_from_non_members=True)
    client.force_login(member)  # she still sees her own profile, without a card
    response = client.get("/c/garden/u/mel/")
    assert response.status_code == 200
    assert "og:" not in head(response)
    assert client.get("/c/garden/card/u/mel.png").status_code == 404


def test_card_image_is_a_cached_png_in_the_community_colours(client, community, public_topic):
    response = client.get(f"/c/garden/card/t/{public_topic.pk}.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    image = Image.open(io.BytesIO(body))
    assert image.size == (cards.WIDTH, cards.HEIGHT)
    assert image.convert("RGB").getpixel((5, 5)) == (0x2F, 0x6F, 0x4E)
    path = cards.card_path(community, public_topic.title, "General · 127.0.0.1:8000")
    assert path.read_bytes() == body  # drawn once, served from disk afterwards


def test_a_retitled_topic_gets_a_new_card_address(client, community, owner, public_topic):
    before = meta(client.get(topic_path(public_topic)), "og:image")
    discussion_services.topic_retitle(
        actor=actor_for(owner, community), topic=public_topic, title="Seedlings, renamed"
    )
    public_topic.refresh_from_db()
    assert meta(client.get(topic_path(public_topic)), "og:image") != before


def test_a_long_title_fits_the_card(community):
    png = cards.draw_card(community, "Word " * 200, "General · example.org")
    assert Image.open(io.BytesIO(png)).size == (cards.WIDTH, cards.HEIGHT)


def test_a_topics_card_is_kept_until_its_posts_change(
    client, member, community, owner, public_topic, monkeypatch
):
    from hearth.sharing import selectors

    reads = []
    real = selectors.topic_opening
    monkeypatch.setattr(selectors, "topic_opening", lambda t: reads.append(t.pk) or real(t))
    client.force_login(member)  # members get the page rendered, not from the visitor cache
    path = topic_path(public_topic) + "?page=1"
    client.get(path)
    response = client.get(path)
    assert meta(response, "description") == "Opening words"
    assert reads == [public_topic.pk]  # read once, then kept
    opening = public_topic.posts.get(number=1)
    discussion_services.post_edit(
        actor=actor_for(owner, community), post=opening, body="Fresh opening words"
    )
    response = client.get(path)
    assert meta(response, "description") == "Fresh opening words"
    assert len(reads) == 2
