"""Search reads: what a searcher may find, a page at a time.

The rule is the pages' own: a post is found only in a category the searcher may read, in a
community they may see. It is never written here; it comes from
``hearth.discussions.policy`` (``visible_categories``, ``readable_categories_filter``) and
``hearth.communities.policy.visible_communities``, and the backend is handed the resulting
category ids."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Q

from hearth.communities.models import Membership, MembershipStatus
from hearth.communities.policy import visible_communities
from hearth.core.actor import Actor
from hearth.discussions.models import Category
from hearth.discussions.policy import (
    readable_categories_filter,
    readable_filter_key,
    visible_categories,
)
from hearth.search.backends import SearchHit, SearchResults, parse_query, search_posts

if TYPE_CHECKING:
    from hearth.accounts.models import User
    from hearth.communities.models import Community

PER_PAGE = 20
# Deep pages are never useful and an enormous ?page= must not reach the database.
MAX_PAGE = 500


def searchable_categories(*, actor: Actor, community: Community) -> list[Category]:
    """The community's categories the actor may read, in display order (for the filter)."""
    return list(visible_categories(actor, community).order_by("position", "id"))


def readable_category_ids(*, user: User | None) -> list[int]:
    """Every category the user may read, across the communities they can see, in two
    queries whatever the number of communities: their memberships, then the categories.

    What a membership unlocks comes from ``readable_categories_filter`` for that
    membership's actor (its read levels and its groups); memberships whose actors get the
    same filter share one condition, and communities the user is no member of get the
    filter of a user without a membership."""
    base_actor = Actor.for_user(user)
    member_of: list[int] = []
    condition = Q(pk__in=[])
    if base_actor.user is not None:
        by_key: dict[tuple, tuple[Actor, list[int]]] = {}
        memberships = Membership.objects.filter(
            user=base_actor.user, status=MembershipStatus.ACTIVE
        ).select_related("community")
        for membership in memberships:
            actor = Actor(
                user=base_actor.user, community=membership.community, membership=membership
            )
            by_key.setdefault(readable_filter_key(actor), (actor, []))[1].append(
                membership.community_id
            )
            member_of.append(membership.community_id)
        for actor, community_ids in by_key.values():
            condition |= Q(community_id__in=community_ids) & readable_categories_filter(actor)
    condition |= ~Q(community_id__in=member_of) & readable_categories_filter(base_actor)
    return list(
        Category.objects.filter(condition, community__in=visible_communities(base_actor))
        .order_by()
        .values_list("pk", flat=True)
    )


def _page_number(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


class SearchPage(Page):
    """A page of topics, plus what the summary line says: how many posts matched, and
    whether there were more than the search looks at ("1,000+")."""

    def __init__(self, hits: list[SearchHit], number: int, paginator: Paginator, found):
        super().__init__(hits, number, paginator)
        self.posts = found.posts
        self.capped = found.capped


def search(
    *,
    community_ids: list[int] | None,
    category_ids: list[int],
    form_data: Mapping[str, Any],
    page: Any = None,
    per_page: int = PER_PAGE,
) -> SearchPage:
    """One page of results (``per_page`` topics, each with its best matching post) inside
    the given categories. ``form_data`` is a search form's cleaned data (q, author, after,
    before). A page past the end gives the last page; a page that is not a number gives the
    first. No COUNT over every match: the totals are those of the bounded candidate set."""

    def run(number: int) -> SearchResults:
        return search_posts(
            query=form_data.get("q") or "",
            community_ids=community_ids,
            category_ids=category_ids,
            author_username=form_data.get("author") or None,
            since=form_data.get("after"),
            until=form_data.get("before"),
            offset=(number - 1) * per_page,
            limit=per_page,
        )

    number = _page_number(page)
    found = run(number)
    paginator = Paginator(range(found.topics), per_page)
    if number > paginator.num_pages:
        number = paginator.num_pages
        found = run(number) if found.topics else found
        paginator = Paginator(range(found.topics), per_page)
    return SearchPage(found.hits, number, paginator, found)


def search_community(
    *,
    actor: Actor,
    community: Community,
    form_data: Mapping[str, Any],
    page: Any = None,
    per_page: int = PER_PAGE,
    categories: list[Category] | None = None,
) -> SearchPage:
    """Search one community (/c/<slug>/search), optionally one category of it (by slug).
    ``categories``: ``searchable_categories`` for this actor, where the caller has them."""
    if categories is None:
        categories = searchable_categories(actor=actor, community=community)
    if slug := form_data.get("category"):
        categories = [c for c in categories if c.slug == slug]
    return search(
        community_ids=[community.pk],
        category_ids=[c.pk for c in categories],
        form_data=form_data,
        page=page,
        per_page=per_page,
    )


def search_everywhere(
    *, user: User | None, form_data: Mapping[str, Any], page: Any = None
) -> SearchPage:
    """Search every community the user can see (/search)."""
    return search(
        community_ids=None,
        category_ids=readable_category_ids(user=user),
        form_data=form_data,
        page=page,
    )


# Words too common to tell topics apart (English; other languages just search all words).
_COMMON_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "my",
        "of",
        "on",
        "or",
        "the",
        "there",
        "this",
        "to",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "with",
        "you",
        "your",
    ]
)


def similar_topics(
    *, actor: Actor, community: Community, title: str, limit: int = 5
) -> list[SearchHit]:
    """Topics whose words match a title being typed (to spot duplicates before posting).

    Search matches every word, so it tries the most telling words first and drops the
    least telling until something matches: at most three searches."""
    parsed = parse_query(title[:200])
    words = [w for term in parsed.terms for w in term if w.lower() not in _COMMON_WORDS]
    words = sorted(dict.fromkeys(words), key=len, reverse=True)[:4]
    category_ids = [c.pk for c in searchable_categories(actor=actor, community=community)]
    if not words or not category_ids:
        return []
    for size in sorted({len(words), min(2, len(words)), 1}, reverse=True):
        hits = search_posts(
            query=" ".join(words[:size]),
            community_ids=[community.pk],
            category_ids=category_ids,
            limit=limit,
        ).hits
        if hits:
            return hits
    return []
