"""The Content-Security-Policy: every page says scripts come only from our own files, and
no template or script of ours needs more (no inline <script>, no on*= handlers, no
javascript: URLs, no HTML built from strings)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

import hearth
from hearth.discussions import services as discussion_services
from hearth.discussions.models import CategoryKind
from hearth.testing.factories import actor_for

HEARTH = Path(hearth.__file__).resolve().parent
TEMPLATES = sorted(p for p in HEARTH.rglob("templates/**/*.html"))
SCRIPTS = sorted(p for p in HEARTH.rglob("static/**/*.js"))


def directives(header: str) -> dict[str, list[str]]:
    parts = (d.split() for d in header.split(";") if d.strip())
    return {name: values for name, *values in parts}


class InlineScript(HTMLParser):
    """Collects <script> elements without src (JSON data blocks aside) and on*= handlers."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # JSON and JSON-LD (schema.org data) are data blocks: browsers never run them.
        data = attributes.get("type") in ("application/json", "application/ld+json")
        if tag == "script" and "src" not in attributes and not data:
            self.found.append("<script> without src")
        self.found += [f"{tag}[{name}]" for name in attributes if name.startswith("on")]


@pytest.fixture
def pages(client, community, owner, topic):
    ideas = discussion_services.category_create(
        actor=actor_for(owner, community), name="Ideas", slug="ideas", kind=CategoryKind.IDEAS
    )
    slug = community.slug
    return {
        "platform home": reverse("core:home"),
        "community home": f"/c/{slug}/",
        "topic": reverse("discussions:topic", args=[slug, topic.slug, topic.pk]),
        "ideas list": reverse("discussions:category", args=[slug, ideas.slug]),
        "health dashboard": reverse("analytics:health", args=[slug]),
        "login": reverse("account_login"),
        "not found": f"/c/{slug}/t/nothing-here/999999/",
    }


@pytest.mark.parametrize(
    "page, status",
    [
        ("platform home", 200),
        ("community home", 200),
        ("topic", 200),
        ("ideas list", 200),
        ("health dashboard", 200),
        ("login", 200),
        ("not found", 404),
    ],
)
def test_every_page_forbids_inline_script_and_has_none(client, owner, pages, page, status):
    if page != "login":
        client.force_login(owner)
    response = client.get(pages[page])
    assert response.status_code == status
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in policy.get("script-src-attr", [])
    assert "'unsafe-inline'" not in policy.get("script-src-elem", [])
    parser = InlineScript()
    parser.feed(response.content.decode())
    assert parser.found == []


def test_the_api_docs_page_carries_the_policy_too(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"])["script-src"] == ["'self'"]


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(HEARTH)))
def test_no_template_has_inline_script(path):
    source = path.read_text(encoding="utf-8")
    for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JAVASCRIPT_URL):
        assert not pattern.search(source), f"{pattern.pattern} in {path.name}: use a static file"


# Ways to turn a string into markup or code. Build elements with textContent instead; an
# ECharts tooltip formatter returns tooltipLines(...), which escapes (health.js).
HTML_SINKS = re.compile(
    r"\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\("
)


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(HEARTH)))
def test_no_script_builds_html_from_strings(path):
    source = path.read_text(encoding="utf-8")
    assert not HTML_SINKS.search(source), f"{path.name} turns a string into HTML or code"


def test_the_scans_see_the_files():
    assert len(TEMPLATES) > 50
    assert {p.name for p in SCRIPTS} >= {"health.js", "editor.js", "hearth.js"}
