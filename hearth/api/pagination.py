"""Page-number pagination for API lists, with its parameters bounded.

ninja's own ``PageNumberPagination`` accepts any ``page`` above 0 (a huge one overflows the
database's OFFSET: a 500) and silently clamps ``page_size``; here both are bounded, so
out-of-range values are a 422 and the OpenAPI schema says what is accepted."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 10_000
MAX_PAGE_SIZE = 100


class BoundedPageNumberPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def __init__(self, **kwargs):
        super().__init__(max_page_size=MAX_PAGE_SIZE, **kwargs)
