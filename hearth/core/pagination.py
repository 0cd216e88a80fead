from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, queryset, per_page: int = 30) -> Page:
    """The requested page of a queryset; a bad or out-of-range ?page= gives the nearest page
    rather than an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
