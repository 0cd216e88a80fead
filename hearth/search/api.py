"""``/api/v1/communities/{slug}/search``: search one community as its search page does.

The input is checked by the page's own form (``CommunitySearchForm``: dates in range, a
category the caller may read), and the search is the page's selector
(``selectors.search_community``), which searches only the categories the caller may read.
Results come a page at a time (``page``, ``limit`` up to 50): the search ranks a bounded
candidate set, so pages, not cursors, are its natural unit."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hearth.api.access import community_actor
from hearth.api.auth import API_AUTH
from hearth.api.errors import ApiError
from hearth.api.schemas import READ_ERRORS, errors
from hearth.search import selectors
from hearth.search.forms import CommunitySearchForm

router = Router(tags=["search"], auth=API_AUTH)

MAX_LIMIT = 50


class SearchQuery(Schema):
    q: str = Field("", max_length=1000, description='Words, or "a phrase".')
    category: str = Field("", max_length=100, description="A category's slug.")
    author: str = Field("", max_length=150, description="Only posts by this username.")
    after: date | None = Field(None, description="Posted on or after (YYYY-MM-DD).")
    before: date | None = Field(None, description="Posted on or before (YYYY-MM-DD).")
    page: int = Field(1, ge=1, le=selectors.MAX_PAGE)
    limit: int = Field(selectors.PER_PAGE, ge=1, le=MAX_LIMIT)


class HitOut(Schema):
    post_id: int
    post_number: int
    topic_id: int
    topic_title: str
    topic_slug: str
    category_id: int
    category_name: str
    author_username: str | None
    author_name: str | None
    created_at: datetime
    snippet_html: str = Field(..., description="An excerpt, matched words in <mark>.")
    matches: int = Field(..., description="Matching posts in this topic.")
    url: str


class SearchOut(Schema):
    items: list[HitOut]
    page: int
    has_next: bool
    topics: int = Field(..., description="Topics found (among the candidates searched).")
    capped: bool = Field(..., description="More posts matched than the search looks at.")


@router.get("/{slug}/search", response={200: SearchOut, **errors(*READ_ERRORS)})
def search(request, slug: str, query: Query[SearchQuery]):
    """Topics matching ``q`` and the filters, best first, each with its best matching
    post, in the categories the caller may read."""
    community, actor = community_actor(request, slug)
    categories = selectors.searchable_categories(actor=actor, community=community)
    data = {
        "q": query.q,
        "category": query.category,
        "author": query.author,
        "after": query.after.isoformat() if query.after else "",
        "before": query.before.isoformat() if query.before else "",
    }
    form = CommunitySearchForm(data, categories=categories)
    if not form.is_valid():
        fields = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        raise ApiError(422, next(iter(fields.values()))[0], fields=fields)
    if not form.has_criteria:
        raise ApiError(
            422,
            _("Give something to search for: words, an author or dates."),
            fields={"q": [_("Type some words, or choose a filter.")]},
        )
    found = selectors.search_community(
        actor=actor,
        community=community,
        form_data=form.cleaned_data,
        page=query.page,
        per_page=query.limit,
    )
    return SearchOut(
        items=[
            HitOut(
                post_id=hit.post_id,
                post_number=hit.post_number,
                topic_id=hit.topic_id,
                topic_title=hit.topic_title,
                topic_slug=hit.topic_slug,
                category_id=hit.category_id,
                category_name=hit.category_name,
                author_username=hit.author_username,
                author_name=hit.author_name,
                created_at=hit.created_at,
                snippet_html=str(hit.snippet),
                matches=hit.matches,
                url=request.build_absolute_uri(hit.url),
            )
            for hit in found.object_list
        ],
        page=found.number,
        has_next=found.has_next(),
        topics=found.paginator.count,
        capped=found.capped,
    )
