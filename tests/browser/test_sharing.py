"""Seen from outside, in headless Chromium: the owner's embed snippet, pasted into a page
served from another origin, shows the community's latest topics and a topic's replies in
its colour; a site the owner did not list cannot frame it. Screenshots of the embed and of
a topic's share-card image at 1280 and 390 px."""

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from hearth.discussions import services  # noqa: E402
from hearth.discussions.models import Category  # noqa: E402
from hearth.sharing.models import EmbedSettings  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    actor_for,
    community_factory,
    membership_factory,
    user_factory,
)

from .conftest import shot  # noqa: E402

pytestmark = pytest.mark.browser

SLUG = "orchard"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def other_site(tmp_path):
    """other_site(html) -> the URL of a page with that HTML on a server of its own, at
    another origin than Hearth's live server (127.0.0.1 and its own port)."""
    servers = []

    def serve(html: str) -> str:
        root = tmp_path / f"site{len(servers)}"
        root.mkdir()
        (root / "index.html").write_text(html)
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def orchard(db):
    owner = user_factory(username="olivia", display_name="Olivia Owner")
    community = community_factory(
        owner=owner, slug=SLUG, name="Orchard Friends", accent_color="#9b2c6f"
    )
    mel = membership_factory(community, user=user_factory(username="mel", display_name="Mel"))
    general = Category.objects.get(community=community, slug="general")
    owner_actor = actor_for(owner, community)
    topics = [
        services.topic_create(actor=owner_actor, category=general, title=title, body=body)
        for title, body in [
            ("Pruning apple trees in late winter", "When do you prune?"),
            ("Our spring grafting workshop: what to bring", "Bring a sharp knife."),
        ]
    ]
    services.post_reply(
        actor=actor_for(mel.user, community), topic=topics[1], body="I will bring tape!"
    )
    return community, topics


def host_page(src: str, title: str) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title></head><body style='font-family:serif;margin:24px'>"
        f"<h1>{title}</h1><p>Our blog post about grafting.</p>"
        f"<iframe src='{src}' title='Orchard Friends' width='100%' height='460' "
        "style='border:0' loading='lazy'></iframe></body></html>"
    )


def test_embed_on_another_site_shows_latest_topics_and_comments(
    live_server, new_context, phone_context, orchard, other_site
):
    community, topics = orchard
    base = live_server.url
    latest = other_site(host_page(f"{base}/c/{SLUG}/embed/latest", "Our orchard blog"))
    comments = other_site(
        host_page(f"{base}/c/{SLUG}/embed/t/{topics[1].pk}", "Grafting workshop recap")
    )
    EmbedSettings.objects.create(
        community=community, allowed_origins=[latest.rstrip("/"), comments.rstrip("/")]
    )

    for make in (new_context, phone_context):
        page = make().new_page()
        page.goto(latest)
        frame = page.frame_locator("iframe")
        expect(frame.locator(".embed__topic")).to_have_count(2)
        expect(frame.get_by_role("link", name="Pruning apple trees in late winter")).to_be_visible()
        expect(
            frame.get_by_role("link", name="Join the conversation in Orchard Friends")
        ).to_have_css("background-color", "rgb(155, 44, 111)")
        shot(page, "embed-latest")

        page.goto(comments)
        frame = page.frame_locator("iframe")
        expect(frame.get_by_text("I will bring tape!")).to_be_visible()
        expect(frame.get_by_role("heading", name="1 comment")).to_be_visible()
        shot(page, "embed-topic-comments")


def test_a_site_the_owner_did_not_list_cannot_frame_the_embed(
    live_server, page, orchard, other_site
):
    community, _topics = orchard
    EmbedSettings.objects.create(community=community, allowed_origins=["https://blog.example.org"])
    url = other_site(host_page(f"{live_server.url}/c/{SLUG}/embed/latest", "Someone else"))
    page.goto(url)
    page.wait_for_load_state("load")
    [child] = page.main_frame.child_frames
    assert child.locator(".embed__topic").count() == 0


def test_share_card_image(live_server, new_context, phone_context, orchard):
    _community, topics = orchard
    for make in (new_context, phone_context):
        page = make().new_page()
        page.goto(f"{live_server.url}/c/{SLUG}/t/{topics[1].slug}/{topics[1].pk}/")
        card_url = page.locator("meta[property='og:image']").get_attribute("content")
        path = card_url.split("127.0.0.1:8000", 1)[1]
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200
        assert response.headers["content-type"] == "image/png"
        shot(page, "share-card")
