"""Search pages: parse the form, ask the selector, render. Plain GET forms; no JavaScript."""

from django.shortcuts import render

from hearth.communities.views import community_view
from hearth.search import selectors
from hearth.search.forms import CommunitySearchForm, SearchForm


def _render(request, template: str, form: SearchForm, page) -> object:
    response = render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "searched": page is not None,
            "query": form.cleaned_data.get("q", "") if form.is_valid() else "",
        },
    )
    # Result pages are endless and thin: keep them out of search engines' indexes.
    response["X-Robots-Tag"] = "noindex"
    return response


@community_view
def community_search(request):
    community, actor = request.community, request.actor
    categories = selectors.searchable_categories(actor=actor, community=community)
    form = CommunitySearchForm(request.GET, categories=categories)
    page = None
    if form.has_criteria:
        page = selectors.search_community(
            actor=actor,
            community=community,
            form_data=form.cleaned_data,
            page=request.GET.get("page"),
            categories=categories,
        )
    return _render(request, "search/community_search.html", form, page)


def global_search(request):
    form = SearchForm(request.GET)
    page = None
    if form.has_criteria:
        page = selectors.search_everywhere(
            user=request.user, form_data=form.cleaned_data, page=request.GET.get("page")
        )
    return _render(request, "search/global_search.html", form, page)


@community_view
def similar_topics(request):
    """htmx: topics like the title being typed in the new-topic form."""
    hits = selectors.similar_topics(
        actor=request.actor, community=request.community, title=request.GET.get("title", "")
    )
    return render(request, "search/_similar.html", {"hits": hits})
