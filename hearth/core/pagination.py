from django.core.paginator import Page, Paginator
from django.db.models import IntegerField, QuerySet, Subquery
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


# Deep pages of an uncounted list are never useful, and an enormous ?page= must not turn into
# an OFFSET the database walks.
MAX_UNCOUNTED_PAGE = 1000


class UncountedPage:
    """A page of a list whose total is never counted: it knows whether a next page exists by
    reading one row more than it shows. Enough for "← Previous · Page N · Next →" links, and
    the cost of a page follows the page size and number, never the length of the list."""

    def __init__(self, object_list: list, number: int, has_next: bool):
        self.object_list = object_list
        self.number = number
        self._has_next = has_next

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def paginate_uncounted(request: HttpRequest, queryset, per_page: int = 30) -> UncountedPage:
    """The requested page of a queryset without a COUNT(*): a bad ?page= gives the first
    page, one past ``MAX_UNCOUNTED_PAGE`` the last allowed, one past the end an empty page
    (with its link back)."""
    try:
        number = int(request.GET.get("page") or 1)
    except (TypeError, ValueError):
        number = 1
    number = min(max(number, 1), MAX_UNCOUNTED_PAGE)
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    has_next = len(rows) > per_page and number < MAX_UNCOUNTED_PAGE
    return UncountedPage(rows[:per_page], number, has_next)


class CappedCount(Subquery):
    """How many rows a queryset has, counting at most ``cap`` + 1 of them: an uncorrelated
    scalar subquery, so annotated on a page's query it is computed once, in the same query,
    and its cost follows the cap, never the length of the list. A result above ``cap``
    means "more than cap" (a page says "100+")."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) capped)"

    def __init__(self, queryset: QuerySet, cap: int):
        super().__init__(queryset.order_by().values("pk")[: cap + 1], output_field=IntegerField())
