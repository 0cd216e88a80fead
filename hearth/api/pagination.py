"""The API's page-number pagination: ninja's own, with the page number bounded."""

from ninja import Field
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination

# A 32-bit page number: page × page size (at most ninja's 100) always fits the database's
# 64-bit OFFSET, so a huge ?page= is a 422 naming the bound, never an overflow.
MAX_PAGE = 2**31 - 1


class PageNumberPagination(NinjaPageNumberPagination):
    class Input(NinjaPageNumberPagination.Input):
        page: int = Field(1, ge=1, le=MAX_PAGE)
