from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.functional import cached_property


class _KnownCountPaginator(Paginator):
    """A paginator told its count, for lists whose size a counter already keeps, so pages of
    a huge list never run COUNT(*)."""

    def __init__(self, *args, known_count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self._known_count = known_count

    @cached_property
    def count(self) -> int:
        return self._known_count


def paginate(
    request: HttpRequest, queryset, per_page: int = 30, *, count: int | None = None
) -> Page:
    """The requested page of a queryset; a bad or out-of-range ?page= gives the nearest page
    rather than an error. Pass ``count`` when a denormalised counter already knows it."""
    if count is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = _KnownCountPaginator(queryset, per_page, known_count=count)
    return paginator.get_page(request.GET.get("page"))
