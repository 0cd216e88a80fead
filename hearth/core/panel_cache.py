"""Short-lived caches for the side panels of the community home ("members like you", the
spotlight and highlights, staff and newest members): their rendered HTML, kept per
community and per audience, so a signed-in home page does not recompute them on every
request (they cost ~20 of the home's ~30 queries and a third of its rendering).

What keeps a cached panel honest:

- **Keyed by who may see what.** Each panel names the audience its HTML is right for: the
  viewer themselves (members like you), or a segment every member of which sees the same
  panel (staff or not, members or not). A key never covers two viewers who could see
  different things; the view still decides whether the panel shows at all.
- **A version per community.** ``people``: bumped at every save or delete of a membership
  (joins, leaves, bans, roles), a member profile (hiding from the directory, profile
  edits) or a category (its read access decides which topics a reason may name), now and
  again after the commit. ``content``: the visitor page cache's version
  (``hearth.core.page_cache``), bumped at every write to topics, posts, reactions and the
  recognition models. A panel stored under a retired version is never served.
- **A short life.** ``HEARTH_PANEL_CACHE_SECONDS`` (300): what no version covers (a
  renamed account, an avatar, "joined 3d ago") is at most that old.
- The key holds the language and the time zone (the HTML has translated text and times).
  Panels carry no form and no CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from hearth.core import page_cache, versions

# A save or delete of any of these bumps the community's "people" version.
PEOPLE_WATCHED = (
    "communities.Membership",
    "members.MemberProfile",
    "discussions.Category",
    # Shared groups are a "like you" reason; a group's visibility decides what it shows.
    "groups.Group",
    "groups.GroupMembership",
)


def _timeout() -> int:
    return int(getattr(settings, "HEARTH_PANEL_CACHE_SECONDS", 300))


def _enabled() -> bool:
    return bool(getattr(settings, "HEARTH_PANEL_CACHE", True))


def _people_key(community_id: int) -> str:
    return f"hearth:panel:people:{community_id}"


def _on_people_write(sender, instance, **kwargs) -> None:
    community_id = getattr(instance, "community_id", None)
    if community_id is not None:
        versions.bump_now_and_on_commit(_people_key(community_id))


def connect() -> None:
    """Subscribe the "people" bumps (from CoreConfig.ready)."""
    from django.apps import apps

    for label in PEOPLE_WATCHED:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        uid = f"hearth.panel_cache:{label}"
        post_save.connect(_on_people_write, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_on_people_write, sender=model, dispatch_uid=uid + ":delete")


def _version_key(kind: str, community_id: int) -> str:
    if kind == "people":
        return _people_key(community_id)
    if kind == "content":
        return page_cache.version_key(community_id)
    raise ValueError(f"unknown panel version {kind!r}")


def panel_html(
    name: str,
    community_id: int,
    audience: str,
    render: Callable[[], str],
    *,
    version: str = "people",
) -> SafeString:
    """The panel's HTML for this audience: from the cache while its version holds, else
    ``render()`` (kept for the next viewer of the same audience)."""
    if not _enabled():
        return mark_safe(render())  # noqa: S308 (template output)
    key = (
        f"hearth:panel:{name}:{community_id}:{audience}:{translation.get_language()}:"
        f"{timezone.get_current_timezone_name()}"
    )
    html = versions.kept(
        key, _version_key(version, community_id), lambda: str(render()), _timeout()
    )
    return mark_safe(html)  # noqa: S308 (our own rendered template)
