"""The community's section links (Home, Discussions, Events, …), worked out once per request
and shown twice: as the desktop tab row and in the phone menu.

Apps above communities add a link of their own (the Messages tab with its unread count)
with ``add_link`` from their ``AppConfig.ready``, so this app imports none of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext

if TYPE_CHECKING:
    from django.http import HttpRequest

    from hearth.communities.models import Community
    from hearth.core.actor import Actor


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    active: bool  # styled as the open section (a topic page is under Discussions)
    current: bool  # this very page: aria-current="page"
    count: int = 0  # an unread badge, shown when above zero
    count_class: str = ""


# builder(request, actor) -> a NavLink, or None where the viewer has no such link.
LinkBuilder = Callable[["HttpRequest", "Actor"], "NavLink | None"]
_added: list[tuple[str, LinkBuilder]] = []


def add_link(builder: LinkBuilder, *, before: str) -> None:
    """Show ``builder``'s link before the built-in section ``before`` ("search", …)."""
    if all(existing is not builder for _, existing in _added):
        _added.append((before, builder))


def _sections(slug: str, path: str) -> list[tuple[str, str, str, bool | None]]:
    """(key, label, url, active) of the built-in sections; active None means "this page"."""

    def url(name: str) -> str:
        return reverse(name, args=[slug])

    latest, rules = url("discussions:latest"), url("communities:rules")
    under_discussions = any(p in path for p in ("/category/", "/t/", "/unanswered", "/ideas/"))
    return [
        ("home", gettext("Home"), url("communities:home"), None),
        ("discussions", gettext("Discussions"), latest, path == latest or under_discussions),
        ("events", gettext("Events"), url("events:list"), "/events/" in path),
        ("rules", gettext("Rules"), rules, path == rules or "/rules/" in path),
        ("members", gettext("Members"), url("communities:members"), None),
        ("elections", gettext("Elections"), url("elections:list"), "/elections/" in path),
        ("groups", gettext("Groups"), url("groups:list"), "/groups/" in path),
        ("search", gettext("Search"), url("search:community"), None),
    ]


def links(request: HttpRequest, community: Community, actor: Actor | None) -> list[NavLink]:
    """The viewer's links for this page, built on the first call and kept on the request
    for the second."""
    built = getattr(request, "_hearth_nav_links", None)
    if built is not None:
        return built
    path = request.path
    built = []
    for key, label, url, active in _sections(community.slug, path):
        for before, builder in _added:
            if before == key and actor is not None and (link := builder(request, actor)):
                built.append(link)
        current = path == url
        built.append(NavLink(label, url, current if active is None else active, current))
    request._hearth_nav_links = built
    return built
